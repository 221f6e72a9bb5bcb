package io.tiergate.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class UpstreamUserInfoTest {

    @Test
    void userInfoLeavesTheUrlAndBecomesBasicCredentials() {
        URI url = URI.create("https://node_user:p%40ss%2Bw0rd@my_node.internal:8545/rpc/v1?x=1");

        assertThat(UrlUserInfo.withoutUserInfo(url)).isEqualTo("https://my_node.internal:8545/rpc/v1?x=1");
        assertThat(UrlUserInfo.basicAuthorization(url)).isEqualTo(
                "Basic " + Base64.getEncoder().encodeToString("node_user:p@ss+w0rd".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aUrlWithoutUserInfoIsSentAsConfiguredWithoutCredentials() {
        URI url = URI.create("https://mainnet.infura.io/v3/abc?q=1");

        assertThat(UrlUserInfo.withoutUserInfo(url)).isEqualTo("https://mainnet.infura.io/v3/abc?q=1");
        assertThat(UrlUserInfo.basicAuthorization(url)).isNull();
    }
}
