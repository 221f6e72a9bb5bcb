package io.tiergate.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UrlRedactorTest {

    private static String redact(String url, String apiKey) {
        return UrlRedactor.redact(URI.create(url), apiKey);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        https://mainnet.infura.io/v3/9aa3d95b3bc440fa88ea12eaa4456161                          | https://mainnet.infura.io/v3/***
        https://eth-mainnet.g.alchemy.com/v2/docs-demo_Key-0123456789abcdef                     | https://eth-mainnet.g.alchemy.com/v2/***
        wss://eth-mainnet.g.alchemy.com/v2/docs-demo_Key-0123456789abcdef                       | wss://eth-mainnet.g.alchemy.com/v2/***
        https://sparkling-wispy-flower.quiknode.pro/6f8e07b7c1a8f2a9d9b4e4a1c3b5d7e9f0a1b2c3/   | https://sparkling-wispy-flower.quiknode.pro/***/
        https://rpc.ankr.com/eth/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef | https://rpc.ankr.com/eth/***
        https://nd-123-456-789.p2pify.com/0a1b2c3d4e5f60718293a4b5c6d7e8f9                      | https://nd-123-456-789.p2pify.com/***
        https://user:s3cr3t-pass@rpc.example.com:8443/rpc                                        | https://***@rpc.example.com:8443/rpc
        https://:projectsecret@mainnet.infura.io/v3/9aa3d95b3bc440fa88ea12eaa4456161            | https://***@mainnet.infura.io/v3/***
        https://lb.drpc.org/ogrpc?network=ethereum&dkey=AbCdEf0123456789                        | https://lb.drpc.org/ogrpc?***
        https://rpc.example.com/?apikey=x                                                       | https://rpc.example.com/?***
        https://rpc.example.com/eth#frag-with-KEY0123456789                                     | https://rpc.example.com/eth
        http://127.0.0.1:8545                                                                   | http://127.0.0.1:8545
        http://erigon_node:8545                                                                 | http://erigon_node:8545
        http://user:pw@geth_node:8545/0123456789abcdef                                          | http://***@geth_node:8545/***
        http://127.0.0.1:8545/                                                                  | http://127.0.0.1:8545
        https://ethereum-rpc.publicnode.com                                                     | https://ethereum-rpc.publicnode.com
        https://ethereum.blockpi.network/v1/rpc/public                                          | https://ethereum.blockpi.network/v1/rpc/public
        """)
    void secretsInWellKnownUrlShapesAreHidden(String url, String expected) {
        assertThat(redact(url, null)).isEqualTo(expected);
        assertThat(redact(url, "")).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        https://mainnet.infura.io/v3/{key}
        https://{key}.rpc.example.com/
        https://rpc.example.com/v1/{key}/eth
        https://rpc.example.com/v1/x{key}y
        https://rpc.example.com/eth?key={key}
        https://{key}:pw@rpc.example.com/
        https://user:{key}@rpc.example.com/
        https://rpc.example.com/{key}/{key}
        https://rpc.example.com/#{key}
        """)
    void apiKeyNeverAppearsWhereverItSits(String template) {
        for (String key : new String[] {"k9", "abc123", "S3cr3tKey", "9aa3d95b3bc440fa88ea12eaa4456161", "a-b_c"}) {
            String url = template.replace("{key}", key);

            String redacted = redact(url, key);

            assertThat(redacted).as(url).doesNotContain(key);
        }
    }

    @Test
    void shortApiKeyInAShortPathSegmentIsHiddenWhenKnown() {
        assertThat(redact("https://rpc.example.com/v1/k9/eth", "k9")).isEqualTo("https://rpc.example.com/v1/***/eth");
        assertThat(redact("https://rpc.example.com/v1/k9/eth", null)).isEqualTo("https://rpc.example.com/v1/k9/eth");
    }

    @Test
    void apiKeyInTheHostIsHidden() {
        assertThat(redact("https://k3y.rpc.example.com/", "k3y")).isEqualTo("https://***.rpc.example.com");
    }

    @Test
    void apiKeySpanningPathSegmentsIsHidden() {
        String redacted = redact("https://rpc.example.com/v2/ab/cd", "ab/cd");

        assertThat(redacted).doesNotContain("ab/cd").isEqualTo("https://rpc.example.com/v2/***");
    }
}
