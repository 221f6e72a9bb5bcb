package io.tiergate.admin.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdminTokensTest {

    @Test
    void presentedTokenIsKnownByTheNameItIsConfiguredUnder() {
        AdminTokens tokens = AdminTokens.of(Map.of("ops", "s3cret-ops", "ci", "s3cret-ci"));

        assertThat(tokens.nameOf("s3cret-ops")).contains("ops");
        assertThat(tokens.nameOf("s3cret-ci")).contains("ci");
        assertThat(tokens.names()).containsExactly("ci", "ops");
    }

    @Test
    void prefixesExtensionsAndOtherCaseAreNotTheToken() {
        AdminTokens tokens = AdminTokens.of(Map.of("ops", "s3cret-ops"));

        assertThat(tokens.nameOf("s3cret-op")).isEmpty();
        assertThat(tokens.nameOf("s3cret-ops0")).isEmpty();
        assertThat(tokens.nameOf("S3CRET-OPS")).isEmpty();
        assertThat(tokens.nameOf("")).isEmpty();
        assertThat(tokens.nameOf(null)).isEmpty();
    }

    @Test
    void blankTokensCountAsNotConfigured() {
        Map<String, String> configured = new LinkedHashMap<>();
        configured.put("default", "");
        configured.put("spaces", "   ");
        AdminTokens tokens = AdminTokens.of(configured);

        assertThat(tokens.isEmpty()).isTrue();
        assertThat(tokens.nameOf("")).isEmpty();
        assertThat(tokens.nameOf("   ")).isEmpty();
    }

    @Test
    void tokenConfiguredWithSurroundingWhitespaceIsTrimmed() {
        // An env var read from a file often ends in a newline.
        AdminTokens tokens = AdminTokens.of(Map.of("default", "s3cret\n"));

        assertThat(tokens.nameOf("s3cret")).contains("default");
    }
}
