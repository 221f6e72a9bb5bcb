package io.tiergate.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Runs helm/tiergate/alerts/test-rules.sh (promtool check rules + promtool test rules) where Debian's
 * prometheus package is installed; skipped elsewhere.
 */
class AlertRulesPromtoolTest {

    @Test
    void alertRulesPassTheirPromtoolUnitTests() throws IOException, InterruptedException {
        assumeTrue(onPath("promtool"), "promtool not installed (apt-get install prometheus)");
        Process process = new ProcessBuilder("bash", "helm/tiergate/alerts/test-rules.sh")
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("SUCCESS");
    }

    private static boolean onPath(String command) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
    }
}
