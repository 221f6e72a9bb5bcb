package io.tiergate.provider;

import static org.assertj.core.api.Assertions.assertThat;

import io.tiergate.policy.MethodLists;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProviderSecretsTest {

    private static ProviderSecrets secrets(String url, String apiKey, Map<String, String> headers) {
        URI uri = URI.create(url);
        return ProviderSecrets.of(new ProviderDefinition("p", "ethereum", "cloud", uri, UrlRedactor.redact(uri, apiKey),
                null, 100, Duration.ofSeconds(5), 3, Duration.ofSeconds(30), headers, null,
                new MethodLists(List.of(), List.of())));
    }

    @Test
    void keysInThePathTheQueryAndTheUserInfoAreMasked() {
        ProviderSecrets s = secrets("https://user:s3cretPass@rpc.example.com/v3/0123456789abcdef/eth?apikey=QK9x7Lz2&chain=mainnet",
                null, Map.of());

        assertThat(s.scrub("bad key 0123456789abcdef for apikey=QK9x7Lz2 as s3cretPass, chain mainnet"))
                .isEqualTo("bad key *** for apikey=*** as ***, chain ***");
        assertThat(s.scrub("/v3/ and eth are not secret")).isEqualTo("/v3/ and eth are not secret");
    }

    @Test
    void aShortApiKeyTheRedactorKnowsAboutIsMaskedToo() {
        ProviderSecrets s = secrets("https://rpc.example.com/v1/k9z8y7/eth", "k9z8y7", Map.of());

        assertThat(s.scrub("invalid key k9z8y7")).isEqualTo("invalid key ***");
    }

    @Test
    void headerValuesAreMaskedWholeAndWithoutTheirScheme() {
        ProviderSecrets s = secrets("https://rpc.example.com/", null,
                Map.of("Authorization", "Bearer tok3n-abc+/=", "X-Api-Key", "xk-123456", "X-Chain", "1"));

        assertThat(s.scrub("token tok3n-abc+/= rejected")).isEqualTo("token *** rejected");
        assertThat(s.scrub("header Bearer tok3n-abc+/=")).isEqualTo("header ***");
        assertThat(s.scrub("key xk-123456, chain 1")).isEqualTo("key ***, chain 1");
        assertThat(s.revealedIn("{\"data\":\"xk-123456\"}")).isTrue();
        assertThat(s.revealedIn("nothing here")).isFalse();
    }

    @Test
    void percentEncodedKeysAreMaskedInBothForms() {
        ProviderSecrets s = secrets("https://rpc.example.com/v3/abc%2Bdef%3D123", null, Map.of());

        assertThat(s.scrub("abc%2Bdef%3D123 or abc+def=123")).isEqualTo("*** or ***");
    }

    @Test
    void aProviderWithoutCredentialsHasNothingToMask() {
        ProviderSecrets s = secrets("http://127.0.0.1:8545", null, Map.of());

        assertThat(s.isEmpty()).isTrue();
        assertThat(s.scrub("execution reverted")).isEqualTo("execution reverted");
    }
}
