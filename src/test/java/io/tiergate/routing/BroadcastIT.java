package io.tiergate.routing;

import static io.tiergate.testsupport.Eventually.await;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tiergate.testsupport.AnvilNode;
import io.tiergate.testsupport.GatewayTest;
import io.tiergate.testsupport.JsonRpcClient;
import io.tiergate.testsupport.TestNetwork;
import io.tiergate.transaction.TransactionHash;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * eth_sendRawTransaction broadcast ({@code broadcast.mode: all-in-tier}, the default) against real anvil nodes.
 * The transactions are signed by anvil itself (eth_signTransaction for a dev account); every anvil shares the dev
 * accounts, so one signed transaction is valid on each node. Each test signs for its own account, so the
 * nodes' nonces never drift apart.
 *
 * <p>Network ethereum: tier local = node_a, node_b (mining on every transaction) and node_c (started with
 * --no-mining: a transaction stays in its pool, so a second copy gets "transaction already imported").
 * Network killed: a node killed before the tests, and node_a. Network frozen: a node stopped with SIGSTOP
 * during its test (provider timeout 20 s), and node_b. Network relay: node_a alone in the first tier, node_b in
 * the second tier named as an extra provider. Network sequential: first-success, a WireMock stub that answers
 * after the provider timeout, then node_a.
 */
class BroadcastIT extends GatewayTest {

    private static final String[] ACCOUNTS = {
        "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
        "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC", "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
        "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65", "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc",
        "0x976EA74026E726554dB657fA54763abd0C3a0aa9", "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955"};
    private static final String RECIPIENT = "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720";
    private static final Pattern RESULT = Pattern.compile("\"result\"\\s*:\\s*\"(0x[0-9a-fA-F]*)\"");
    private static final Duration FROZEN_TIMEOUT = Duration.ofSeconds(20);

    static final WireMockServer wm = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    static final AnvilNode nodeA = AnvilNode.start();
    static final AnvilNode nodeB = AnvilNode.start();
    static final AnvilNode nodeC = AnvilNode.start(List.of("--no-mining"));
    static final AnvilNode dead = AnvilNode.start();
    static final AnvilNode frozen = AnvilNode.start();

    static {
        wm.start();
        // Answers long after the sequential network's provider timeout: the transaction may have arrived there.
        wm.stubFor(post(urlEqualTo("/slow")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0x" + "0".repeat(64) + "\"}")
                .withFixedDelay(3_000)));
        dead.kill();
    }

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        TestNetwork.named("ethereum")
                .tier("local", TestNetwork.provider("node_a", nodeA.url()), TestNetwork.provider("node_b", nodeB.url()),
                        TestNetwork.provider("node_c", nodeC.url()))
                .register(registry);
        TestNetwork.named("killed")
                .tier("local", TestNetwork.provider("dead_node", dead.url()), TestNetwork.provider("live_a", nodeA.url()))
                .register(registry);
        TestNetwork.named("frozen")
                .tier("local", TestNetwork.provider("frozen_node", frozen.url()).set("timeout", FROZEN_TIMEOUT.toSeconds() + "s"),
                        TestNetwork.provider("live_b", nodeB.url()))
                .set("request-timeout", "30s")
                .register(registry);
        TestNetwork.named("relay")
                .tier("local", TestNetwork.provider("relay_a", nodeA.url()))
                .tier("cloud", TestNetwork.provider("relay_b", nodeB.url()))
                .set("broadcast.extra-providers[0]", "relay_b")
                .register(registry);
        TestNetwork.named("sequential")
                .tier("first", TestNetwork.provider("slow_stub", wm.baseUrl() + "/slow").set("timeout", "300ms"))
                .tier("second", TestNetwork.provider("seq_a", nodeA.url()))
                .set("broadcast.mode", "first-success")
                .register(registry);
    }

    @AfterAll
    static void stopNodes() {
        frozen.resume();
        wm.stop();
        for (AnvilNode node : new AnvilNode[] {nodeA, nodeB, nodeC, dead, frozen}) {
            node.close();
        }
    }

    @Autowired
    MeterRegistry meters;

    @Test
    void transactionReachesEveryNodeOfTheServingTierAndTheClientGetsItsHashOnce() {
        String raw = signed(nodeA, 1, "0x1");
        double accepted = broadcasts("ethereum", "accepted");

        JsonRpcClient.Response response = rpc(request(1, "eth_sendRawTransaction", "[\"" + raw + "\"]"));

        String hash = TransactionHash.of(raw);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"" + hash + "\"}");
        assertThat(response.header("X-Tiergate-Attempts")).as("one call per node of the tier").isEqualTo("3");
        assertThat(response.header("X-Tiergate-Provider")).isIn("node_a", "node_b", "node_c");
        for (AnvilNode node : new AnvilNode[] {nodeA, nodeB, nodeC}) {
            await(node + " has " + hash, () -> knows(node, hash));
        }
        await("mined on node_a", () -> nodeA.call("eth_getTransactionByHash", "[\"" + hash + "\"]")
                .matches(".*\"blockNumber\":\"0x[1-9a-f].*"));
        assertThat(nodeC.call("eth_getTransactionByHash", "[\"" + hash + "\"]")).as("pending on node_c")
                .contains("\"blockNumber\":null");
        await("every node's answer recorded", () -> answers("node_a", "accepted") >= 1
                && answers("node_b", "accepted") >= 1 && answers("node_c", "accepted") >= 1);
        // Recorded when the last leg has ended, which may be after the client got its answer.
        await("the broadcast counted", () -> broadcasts("ethereum", "accepted") >= accepted + 1);
        assertThat(meters.get("tiergate.broadcast.first.acceptance").tag("network", "ethereum").timer().count())
                .isPositive();
    }

    @Test
    void nodesThatAlreadyHaveTheTransactionStillYieldItsHash() {
        String raw = signed(nodeA, 2, "0x1");
        String hash = TransactionHash.of(raw);
        // Sent to each node directly first: node_a and node_b mine it (a second copy gets "nonce too low"),
        // node_c keeps it in its pool (a second copy gets "transaction already imported").
        for (AnvilNode node : new AnvilNode[] {nodeA, nodeB, nodeC}) {
            assertThat(node.call("eth_sendRawTransaction", "[\"" + raw + "\"]")).contains(hash);
        }
        assertThat(nodeC.call("eth_sendRawTransaction", "[\"" + raw + "\"]")).contains("already imported");
        assertThat(nodeA.call("eth_sendRawTransaction", "[\"" + raw + "\"]")).contains("nonce too low");
        double cAccepted = answers("node_c", "accepted");
        double aAccepted = answers("node_a", "accepted");

        JsonRpcClient.Response response = rpc(request("re-sent", "eth_sendRawTransaction", "[\"" + raw + "\"]"));

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":\"re-sent\",\"result\":\"" + hash + "\"}");
        await("node_c's 'already imported' and node_a's 'nonce too low' for this very hash count as acceptances",
                () -> answers("node_c", "accepted") == cAccepted + 1 && answers("node_a", "accepted") == aAccepted + 1);
    }

    @Test
    void transactionEveryNodeRejectsComesBackAsTheNodesOwnError() {
        // More wei than the account holds: every node refuses it the same way.
        String raw = signed(nodeA, 3, "0x" + "f".repeat(30));
        double rejected = broadcasts("ethereum", "rejected");

        JsonRpcClient.Response response = rpc(request(4, "eth_sendRawTransaction", "[\"" + raw + "\"]"));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).contains("\"id\":4").contains("\"error\"").containsIgnoringCase("insufficient funds")
                .doesNotContain("\"result\"");
        await("the broadcast counted as rejected", () -> broadcasts("ethereum", "rejected") == rejected + 1);
        assertThat(knows(nodeA, TransactionHash.of(raw))).isFalse();
    }

    @Test
    void aKilledNodeInTheTierDoesNotDelayTheAnswer() {
        String raw = signed(nodeA, 4, "0x1");
        double deadFailed = answers("dead_node", "failed");

        long start = System.nanoTime();
        JsonRpcClient.Response response = client.post(gatewayUrl() + "killed",
                request(5, "eth_sendRawTransaction", "[\"" + raw + "\"]"));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).contains("\"result\":\"" + TransactionHash.of(raw) + "\"");
        assertThat(response.header("X-Tiergate-Provider")).isEqualTo("live_a");
        assertThat(took).as("answered without waiting on the dead node").isLessThan(Duration.ofSeconds(5));
        assertThat(knows(nodeA, TransactionHash.of(raw))).isTrue();
        await("the dead node's refusal recorded", () -> answers("dead_node", "failed") == deadFailed + 1);
        System.out.printf("broadcast with a killed node in the tier: answered in %d ms%n", took.toMillis());
    }

    @Test
    void aFrozenNodeInTheTierDoesNotDelayTheAnswerAndStillGetsTheTransactionOnceItWakes() {
        String raw = signed(nodeB, 5, "0x1");
        String hash = TransactionHash.of(raw);
        frozen.pause();
        long start = System.nanoTime();
        JsonRpcClient.Response response;
        try {
            response = client.post(gatewayUrl() + "frozen", request(6, "eth_sendRawTransaction", "[\"" + raw + "\"]"));
        } finally {
            frozen.resume();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).contains("\"result\":\"" + hash + "\"");
        assertThat(response.header("X-Tiergate-Provider")).isEqualTo("live_b");
        // The frozen node's call would only end at its 20 s timeout: the client did not wait for it.
        assertThat(took).as("answered long before the frozen node's timeout").isLessThan(FROZEN_TIMEOUT.dividedBy(2));
        // Its call was not cancelled: resumed, the node reads the request that waited in its socket.
        await("the woken node has the transaction", () -> knows(frozen, hash));
        System.out.printf("broadcast with a SIGSTOPped node in the tier: answered in %d ms (its timeout: %d s)%n",
                took.toMillis(), FROZEN_TIMEOUT.toSeconds());
    }

    @Test
    void extraProvidersGetTheTransactionWhateverTheirTier() {
        String raw = signed(nodeA, 6, "0x1");
        String hash = TransactionHash.of(raw);

        JsonRpcClient.Response response = client.post(gatewayUrl() + "relay",
                request(7, "eth_sendRawTransaction", "[\"" + raw + "\"]"));

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.header("X-Tiergate-Attempts")).isEqualTo("2");
        await("node_b (relay_b, second tier, extra provider) has it", () -> knows(nodeB, hash));
        assertThat(knows(nodeA, hash)).isTrue();
        // A read on the same network still goes to the first tier only.
        assertThat(client.post(gatewayUrl() + "relay", request(8, "eth_blockNumber", "[]")).header("X-Tiergate-Tier"))
                .isEqualTo("local");
    }

    @Test
    void firstSuccessMovesOnPastAProviderThatTimedOutWithTheTransaction() {
        String raw = signed(nodeA, 7, "0x1");

        JsonRpcClient.Response response = client.post(gatewayUrl() + "sequential",
                request(9, "eth_sendRawTransaction", "[\"" + raw + "\"]"));

        // With broadcast.mode single this would be -32052 ("may have reached slow_stub"): a signed transaction
        // has one hash and is included once, so first-success sends it on.
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).contains("\"result\":\"" + TransactionHash.of(raw) + "\"");
        assertThat(response.header("X-Tiergate-Provider")).isEqualTo("seq_a");
        assertThat(response.header("X-Tiergate-Attempts")).isEqualTo("2");
        // WireMock logs the call once its delayed answer is out.
        await("the slow stub logged the call", () ->
                wm.countRequestsMatching(postRequestedFor(urlEqualTo("/slow")).build()).getCount() == 1);
    }

    /** A transfer from dev account {@code account}, signed by {@code node} with its next nonce there. */
    private static String signed(AnvilNode node, int account, String value) {
        String from = ACCOUNTS[account];
        String nonce = result(node.call("eth_getTransactionCount", "[\"" + from + "\",\"pending\"]"));
        String body = node.call("eth_signTransaction", "[{\"from\":\"" + from + "\",\"to\":\"" + RECIPIENT
                + "\",\"value\":\"" + value + "\",\"gas\":\"0x5208\",\"gasPrice\":\"0x77359400\",\"nonce\":\"" + nonce
                + "\",\"chainId\":\"0x7a69\"}]");
        String raw = result(body);
        assertThat(raw).as("eth_signTransaction: %s", body).isNotNull();
        return raw;
    }

    private static boolean knows(AnvilNode node, String hash) {
        return node.call("eth_getTransactionByHash", "[\"" + hash + "\"]").contains("\"hash\":\"" + hash + "\"");
    }

    private double broadcasts(String network, String outcome) {
        Counter c = meters.find("tiergate.broadcasts").tag("network", network).tag("outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }

    private double answers(String provider, String outcome) {
        Counter c = meters.find("tiergate.broadcast.answers").tag("provider", provider).tag("outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }

    private static String result(String body) {
        Matcher m = RESULT.matcher(body);
        return m.find() ? m.group(1) : null;
    }
}
