package io.tiergate.testsupport;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Builds the {@code tiergate.networks.<name>.*} properties of one network for a test, e.g.
 * <pre>
 * TestNetwork.named("ethereum")
 *     .tier("local", TestNetwork.provider("a1", anvil1.url()).weight(100), TestNetwork.provider("a2", anvil2.url()))
 *     .tier("cloud", TestNetwork.provider("c1", wiremock.baseUrl()).set("timeout", "1s"))
 *     .set("strategy", "round-robin")
 *     .register(registry);
 * </pre>
 * A list set here replaces the default tiers of application.yml entirely.
 */
public final class TestNetwork {

    private final String name;
    private final Map<String, String> settings = new LinkedHashMap<>();
    private final List<Object[]> tiers = new ArrayList<>();

    private TestNetwork(String name) {
        this.name = name;
    }

    public static TestNetwork named(String name) {
        return new TestNetwork(name);
    }

    public static ProviderSpec provider(String name, String url) {
        return new ProviderSpec(name, url);
    }

    /** A network-level key relative to the network, e.g. {@code "circuit-breaker.failure-threshold"}. */
    public TestNetwork set(String key, String value) {
        settings.put(key, value);
        return this;
    }

    public TestNetwork tier(String tierName, ProviderSpec... providers) {
        tiers.add(new Object[] {tierName, providers});
        return this;
    }

    public void register(DynamicPropertyRegistry registry) {
        properties().forEach((k, v) -> registry.add(k, () -> v));
    }

    /** The network as configuration keys, e.g. for a gateway started with {@link GatewayInstance}. */
    public Map<String, String> properties() {
        Map<String, String> out = new LinkedHashMap<>();
        String prefix = "tiergate.networks." + name + ".";
        settings.forEach((k, v) -> out.put(prefix + k, v));
        for (int t = 0; t < tiers.size(); t++) {
            Object[] tier = tiers.get(t);
            String tierPrefix = prefix + "tiers[" + t + "].";
            out.put(tierPrefix + "name", (String) tier[0]);
            ProviderSpec[] providers = (ProviderSpec[]) tier[1];
            for (int p = 0; p < providers.length; p++) {
                String providerPrefix = tierPrefix + "providers[" + p + "].";
                providers[p].values.forEach((k, v) -> out.put(providerPrefix + k, v));
            }
        }
        return out;
    }

    /** One provider's keys, relative to the provider, e.g. {@code set("rate-limit.requests", "5")}. */
    public static final class ProviderSpec {
        private final Map<String, String> values = new LinkedHashMap<>();

        private ProviderSpec(String name, String url) {
            values.put("name", name);
            values.put("url", url);
        }

        public ProviderSpec weight(int weight) {
            return set("weight", Integer.toString(weight));
        }

        public ProviderSpec set(String key, String value) {
            values.put(key, value);
            return this;
        }
    }
}
