package io.tiergate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.tiergate.TiergateApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/** The real application refuses to start on invalid configuration, with one message naming the key. */
@ExtendWith(OutputCaptureExtension.class)
class StartupFailureTest {

    private static final String SECRET = "Zx9SuperSecretAlchemyKey0123456789";

    /** Starts the application with the packaged application.yml plus {@code properties}; returns what it threw. */
    private static Throwable start(String... properties) {
        SpringApplicationBuilder builder = new SpringApplicationBuilder(TiergateApplication.class)
                .properties("server.port=0", "management.server.port=0")
                .properties(properties);
        return catchThrowable(() -> {
            try (ConfigurableApplicationContext context = builder.run()) {
                // Started: the assertions below report it.
            }
        });
    }

    private static InvalidConfigurationException invalidConfigurationIn(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof InvalidConfigurationException e) {
                return e;
            }
        }
        return null;
    }

    @Test
    void negativeWeightStopsStartUpWithOneMessageNamingTheKey(CapturedOutput output) {
        String key = "tiergate.networks.arbitrum.tiers[0].providers[0].weight";

        Throwable thrown = start(
                "tiergate.networks.arbitrum.chain-id=42161",
                "tiergate.networks.arbitrum.tiers[0].name=local",
                "tiergate.networks.arbitrum.tiers[0].providers[0].name=nitro_local",
                "tiergate.networks.arbitrum.tiers[0].providers[0].url=http://127.0.0.1:1",
                "tiergate.networks.arbitrum.tiers[0].providers[0].weight=-5");

        assertThat(thrown).as("start-up must fail").isNotNull();
        InvalidConfigurationException cause = invalidConfigurationIn(thrown);
        assertThat(cause).as("cause chain of %s", thrown).isNotNull();
        assertThat(cause.key()).isEqualTo(key);
        assertThat(output).contains("APPLICATION FAILED TO START")
                .contains("Invalid tiergate configuration: " + key + ": must be between 0 and 1000 (was -5)")
                .contains("Fix '" + key + "'");
    }

    @Test
    void unknownStrategyFromTheEnvironmentStopsStartUpNamingTheKey(CapturedOutput output) {
        // RPC_SELECTION_STRATEGY feeds tiergate.networks.ethereum.strategy in the packaged application.yml.
        Throwable thrown = start("RPC_SELECTION_STRATEGY=fastest");

        InvalidConfigurationException cause = invalidConfigurationIn(thrown);
        assertThat(cause).as("cause chain of %s", thrown).isNotNull();
        assertThat(cause.key()).isEqualTo("tiergate.networks.ethereum.strategy");
        assertThat(output).contains("Invalid tiergate configuration: tiergate.networks.ethereum.strategy")
                .contains("priority-weighted, round-robin, least-connections");
    }

    @Test
    void malformedUrlStopsStartUpWithoutTheKeyInItAppearingAnywhere(CapturedOutput output) {
        String key = "tiergate.networks.arbitrum.tiers[0].providers[0].url";

        Throwable thrown = start(
                "tiergate.networks.arbitrum.tiers[0].name=cloud",
                "tiergate.networks.arbitrum.tiers[0].providers[0].name=alchemy_arb",
                "tiergate.networks.arbitrum.tiers[0].providers[0].url=htps://arb-mainnet.g.alchemy.com/v2/{api-key}",
                "tiergate.networks.arbitrum.tiers[0].providers[0].api-key=" + SECRET);

        InvalidConfigurationException cause = invalidConfigurationIn(thrown);
        assertThat(cause).as("cause chain of %s", thrown).isNotNull();
        assertThat(cause.key()).isEqualTo(key);
        assertThat(output).contains("Invalid tiergate configuration: " + key).doesNotContain(SECRET);
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            assertThat(String.valueOf(t.getMessage())).doesNotContain(SECRET);
        }
    }
}
