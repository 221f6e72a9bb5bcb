package io.tiergate.routing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.tiergate.testsupport.AnvilNode;
import io.tiergate.testsupport.GatewayTest;
import io.tiergate.testsupport.JsonRpcClient;
import io.tiergate.testsupport.TestNetwork;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * eth_sendRawTransaction against real anvil nodes, with transactions signed by anvil itself. A transaction goes
 * to another provider only when the first surely did not get it (connection refused); after a timeout it may
 * have arrived, so the client is told instead of the transaction being sent twice.
 *
 * <p>Default network: a dead port (connection refused), then anvil_a, then a WireMock backup that must never be
 * reached. Network "slowfirst": a WireMock stub slower than the provider timeout, then anvil_b.
 */
class TransactionRoutingIT extends GatewayTest {

    private static final String SENDER = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
    private static final String RECIPIENT = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
    private static final Pattern STRING_RESULT = Pattern.compile("\"result\"\\s*:\\s*\"(0x[0-9a-fA-F]*)\"");
    private static final String ZERO_HASH = "0x" + "0".repeat(64);

    static final WireMockServer wm = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    static final AnvilNode anvilA = AnvilNode.start();
    static final AnvilNode anvilB = AnvilNode.start();
    static final int deadPort = unusedPort();

    static {
        wm.start();
    }

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        TestNetwork.named("ethereum")
                .tier("first", TestNetwork.provider("dead_port", "http://127.0.0.1:" + deadPort))
                .tier("second", TestNetwork.provider("anvil_a", anvilA.url()))
                .tier("third", TestNetwork.provider("backup", wm.baseUrl() + "/backup"))
                // The refused provider stays in play for every test: its breaker must not open.
                .set("circuit-breaker.failure-threshold", "50")
                .register(registry);
        TestNetwork.named("slowfirst")
                .tier("first", TestNetwork.provider("slow_stub", wm.baseUrl() + "/slow").set("timeout", "500ms"))
                .tier("second", TestNetwork.provider("anvil_b", anvilB.url()))
                .register(registry);
    }

    @AfterAll
    static void stopProviders() {
        wm.stop();
        anvilA.close();
        anvilB.close();
    }

    @BeforeEach
    void stubs() {
        wm.resetAll();
        wm.stubFor(post(urlEqualTo("/backup")).willReturn(jsonResult(ZERO_HASH)));
        wm.stubFor(post(urlEqualTo("/slow")).willReturn(jsonResult(ZERO_HASH).withFixedDelay(2_000)));
    }

    @Test
    void transactionFailsOverPastARefusedConnectionAndReachesTheNextTier() {
        String raw = signedTransfer(anvilA);

        JsonRpcClient.Response response = rpc(request(7, "eth_sendRawTransaction", "[\"" + raw + "\"]"));

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.header("X-Tiergate-Provider")).isEqualTo("anvil_a");
        assertThat(response.header("X-Tiergate-Attempts")).as("refused first, then anvil_a").isEqualTo("2");
        String hash = result(response.body());
        assertThat(hash).hasSize(66).isNotEqualTo(ZERO_HASH);
        String onChain = anvilA.call("eth_getTransactionByHash", "[\"" + hash + "\"]");
        assertThat(onChain).contains("\"hash\":\"" + hash + "\"").containsIgnoringCase("\"from\":\"" + SENDER + "\"");
        assertThat(backupCalls()).isZero();
    }

    @Test
    void transactionIsNotResentAfterATimeoutThatMayHaveDeliveredIt() {
        String raw = signedTransfer(anvilB);
        String nonceBefore = result(anvilB.call("eth_getTransactionCount", "[\"" + SENDER + "\",\"pending\"]"));

        JsonRpcClient.Response response = client.post(gatewayUrl() + "slowfirst",
                request(9, "eth_sendRawTransaction", "[\"" + raw + "\"]"));

        assertThat(response.status()).as(response.body()).isEqualTo(502);
        assertThat(response.body())
                .contains("\"id\":9")
                .contains("\"code\":-32052")
                .contains("transaction may have reached slow_stub")
                .doesNotContain(wm.baseUrl());
        assertThat(wm.countRequestsMatching(postRequestedFor(urlEqualTo("/slow")).build()).getCount()).isEqualTo(1);
        // anvil_b never saw it: the sender's nonce there (pending included) has not moved.
        assertThat(result(anvilB.call("eth_getTransactionCount", "[\"" + SENDER + "\",\"pending\"]")))
                .isEqualTo(nonceBefore);
        // Yet anvil_b would have taken it: sent directly, it is accepted, and only now the nonce moves.
        String hash = result(anvilB.call("eth_sendRawTransaction", "[\"" + raw + "\"]"));
        assertThat(hash).hasSize(66);
        assertThat(result(anvilB.call("eth_getTransactionCount", "[\"" + SENDER + "\",\"pending\"]")))
                .isNotEqualTo(nonceBefore);

        // A read on the same network does fail over to anvil_b, so only the write was held back.
        JsonRpcClient.Response read = client.post(gatewayUrl() + "slowfirst", request(10, "eth_chainId", "[]"));
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.body()).contains("\"result\":\"0x7a69\"");
        assertThat(read.header("X-Tiergate-Provider")).isEqualTo("anvil_b");
    }

    @Test
    void deterministicErrorsFromAnvilComeBackAsIsAndAreNotRetriedElsewhere() {
        String nonce = result(anvilA.call("eth_getTransactionCount", "[\"" + SENDER + "\",\"pending\"]"));
        String raw = signedTransfer(anvilA);
        JsonRpcClient.Response first = rpc(request(1, "eth_sendRawTransaction", "[\"" + raw + "\"]"));
        assertThat(first.status()).isEqualTo(200);
        String hash = result(first.body());

        // The same transaction again: anvil says "nonce too low", but for this very transaction (it is mined),
        // so the client gets its hash, not an error.
        JsonRpcClient.Response again = rpc(request(2, "eth_sendRawTransaction", "[\"" + raw + "\"]"));
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body()).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":\"" + hash + "\"}");
        assertThat(again.header("X-Tiergate-Provider")).isEqualTo("anvil_a");
        assertThat(again.header("X-Tiergate-Attempts")).isEqualTo("2");

        // Another transaction with that spent nonce: its "nonce too low" is a real rejection and comes back as is.
        String rival = signedTransfer(anvilA, nonce, "0x2");
        JsonRpcClient.Response rejected = rpc(request(4, "eth_sendRawTransaction", "[\"" + rival + "\"]"));
        assertThat(rejected.status()).isEqualTo(200);
        assertThat(rejected.body()).contains("\"id\":4").contains("\"error\"").contains("nonce too low")
                .doesNotContain("\"result\"");
        assertThat(rejected.header("X-Tiergate-Provider")).isEqualTo("anvil_a");
        assertThat(rejected.header("X-Tiergate-Attempts")).isEqualTo("2");

        // Not a transaction at all.
        JsonRpcClient.Response garbage = rpc(request(3, "eth_sendRawTransaction", "[\"0x01\"]"));
        assertThat(garbage.status()).isEqualTo(200);
        assertThat(garbage.body()).contains("\"id\":3").contains("\"code\":-32602").contains("decode");
        assertThat(garbage.header("X-Tiergate-Provider")).isEqualTo("anvil_a");
        assertThat(garbage.header("X-Tiergate-Attempts")).isEqualTo("2");

        assertThat(backupCalls()).as("the backup tier never saw a transaction").isZero();
    }

    /** A 1 wei transfer from anvil's first default account, signed by the node with its next nonce. */
    private static String signedTransfer(AnvilNode node) {
        String nonce = result(node.call("eth_getTransactionCount", "[\"" + SENDER + "\",\"pending\"]"));
        return signedTransfer(node, nonce, "0x1");
    }

    private static String signedTransfer(AnvilNode node, String nonce, String value) {
        String signed = node.call("eth_signTransaction", "[{\"from\":\"" + SENDER + "\",\"to\":\"" + RECIPIENT
                + "\",\"value\":\"" + value + "\",\"gas\":\"0x5208\",\"gasPrice\":\"0x77359400\",\"nonce\":\""
                + nonce + "\",\"chainId\":\"0x7a69\"}]");
        String raw = result(signed);
        assertThat(raw).as("eth_signTransaction: %s", signed).isNotNull().startsWith("0x");
        return raw;
    }

    private static String result(String body) {
        Matcher m = STRING_RESULT.matcher(body);
        return m.find() ? m.group(1) : null;
    }

    private static long backupCalls() {
        return wm.countRequestsMatching(postRequestedFor(urlEqualTo("/backup")).build()).getCount();
    }

    private static ResponseDefinitionBuilder jsonResult(String result) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"" + result + "\"}");
    }

    private static int unusedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
