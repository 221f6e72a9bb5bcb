package io.tiergate.testsupport;

import io.tiergate.TiergateApplication;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.http.client.ReactorResourceFactory;

/**
 * One gateway replica in its own application context and ports, for tests that run several side by side (a
 * fleet sharing a cluster store). Same configuration as {@link GatewayTest}: management on its own port, probes
 * off unless set, the {@link MutableClock}.
 */
public final class GatewayInstance implements AutoCloseable {

    private final Map<String, String> properties;
    private final String adminToken;
    private final JsonRpcClient client = new JsonRpcClient();
    private ConfigurableApplicationContext context;

    private GatewayInstance(Map<String, String> properties, String adminToken) {
        this.properties = properties;
        this.adminToken = adminToken;
    }

    /** Starts a replica; {@code properties} must include an admin token {@code tiergate.admin.tokens.<name>}. */
    public static GatewayInstance start(Map<String, String> properties, String adminToken) {
        GatewayInstance instance = new GatewayInstance(properties, adminToken);
        instance.launch();
        return instance;
    }

    /** Closes the context and starts a new one with the same configuration (new ports). */
    public void restart() {
        close();
        launch();
    }

    private void launch() {
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("server.port", "0");
        all.put("management.server.port", "0");
        all.put("server.shutdown", "immediate");
        all.put("spring.reactor.netty.shutdown-quiet-period", "0s");
        all.put("tiergate.health.enabled", "false");
        all.putAll(properties);
        // As command-line arguments: they win over application.yml, as properties in a test context do.
        context = new SpringApplicationBuilder(TiergateApplication.class, TestClockConfiguration.class,
                KeepGlobalNettyResources.class)
                .run(all.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new));
    }

    public String url() {
        return "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port") + "/";
    }

    public String managementUrl() {
        return "http://127.0.0.1:" + context.getEnvironment().getProperty("local.management.port");
    }

    public JsonRpcClient.Response rpc(String body) {
        return client.post(url(), body);
    }

    public MutableClock clock() {
        return context.getBean(MutableClock.class);
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    /** An admin or actuator call on the management port with the admin token; returns status and body. */
    public JsonRpcClient.Response manage(String method, String path, String body) {
        return client.send(method, managementUrl() + path, body,
                Map.of("Authorization", "Bearer " + adminToken, "Content-Type", JsonRpcClient.JSON));
    }

    /**
     * Replicas in one JVM share reactor-netty's global event loops (tiergate keeps a request and its provider call
     * on one loop). Closing one replica must not dispose them under the others, as Boot's factory does on stop.
     */
    @TestConfiguration(proxyBeanMethods = false)
    static class KeepGlobalNettyResources {

        @Bean
        ReactorResourceFactory reactorServerResourceFactory() {
            return new ReactorResourceFactory() {
                @Override
                public void stop() {
                    // the other replicas still run on the global loops
                }

                @Override
                public void destroy() {
                    // the other replicas still run on the global loops
                }
            };
        }
    }

    @Override
    public void close() {
        if (context != null) {
            context.close();
            context = null;
        }
    }
}
