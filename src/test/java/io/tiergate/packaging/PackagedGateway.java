package io.tiergate.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.tiergate.testsupport.FreePort;
import io.tiergate.testsupport.JsonRpcClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * tiergate as a user runs it: {@code java -jar target/tiergate.jar} with a YAML config, as a child process on free
 * ports. Its output goes to a log file the assertions name.
 */
final class PackagedGateway implements AutoCloseable {

    private static final Duration READY_DEADLINE = Duration.ofSeconds(60);

    private final Process process;
    private final String url;
    private final String managementUrl;
    private final Path log;

    private PackagedGateway(Process process, String url, String managementUrl, Path log) {
        this.process = process;
        this.url = url;
        this.managementUrl = managementUrl;
        this.log = log;
    }

    /** Starts the packaged jar with {@code yaml} as extra configuration and waits until it answers JSON-RPC. */
    static PackagedGateway start(String yaml) throws IOException, InterruptedException {
        Path config = Files.createTempFile("tiergate-packaged", ".yml");
        Files.writeString(config, yaml);
        int port = FreePort.next();
        int managementPort = FreePort.next();
        Path jar = Paths.get(System.getProperty("tiergate.jar", "target/tiergate.jar"));
        assertThat(jar).as("packaged jar (run through ./mvnw verify)").exists();
        Path log = Files.createTempFile("tiergate-packaged", ".log");
        Process process = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                jar.toString(), "--server.port=" + port, "--management.server.port=" + managementPort,
                "--spring.config.additional-location=file:" + config)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PackagedGateway gateway = new PackagedGateway(process, "http://127.0.0.1:" + port + "/",
                "http://127.0.0.1:" + managementPort, log);
        gateway.awaitReady();
        return gateway;
    }

    private void awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + READY_DEADLINE.toNanos();
        while (true) {
            try {
                if (new JsonRpcClient().post(url, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\"}").status() == 200) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // still starting
            }
            assertThat(process.isAlive()).as("gateway process (log: %s)", log).isTrue();
            assertThat(System.nanoTime()).as("gateway ready within 60 s (log: %s)", log).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    String url() {
        return url;
    }

    /** Actuator and the admin API, without a trailing slash. */
    String managementUrl() {
        return managementUrl;
    }

    Path log() {
        return log;
    }

    String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Process process() {
        return process;
    }

    /** SIGTERM, as Kubernetes, systemd and docker stop send it. */
    void terminate() {
        process.destroy();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(40, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

}
