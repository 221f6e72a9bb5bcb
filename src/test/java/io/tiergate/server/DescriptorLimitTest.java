package io.tiergate.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Without tiergate.server.max-connections the cap is 70% of the descriptor limit the process runs with. */
class DescriptorLimitTest {

    @Test
    void theDefaultCapIsSeventyPercentOfTheProcesssDescriptorLimit() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder("prlimit", "--nofile=1024:1024", "--", java, "-cp",
                System.getProperty("java.class.path"), PrintDerivedCap.class.getName()).redirectErrorStream(true).start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(output).endsWith("716");
    }

    /** Run under prlimit: prints the derived cap. */
    static final class PrintDerivedCap {

        public static void main(String[] args) {
            System.out.println(ConnectionCap.derived());
        }
    }
}
