package io.tiergate.security;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.tiergate.testsupport.AnvilNode;
import io.tiergate.testsupport.GatewayTest;
import io.tiergate.testsupport.JsonRpcClient.Response;
import io.tiergate.testsupport.TestNetwork;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Denied methods never reach a node, however they are dressed up. The only provider is a WireMock proxy in front of
 * a real anvil node: WireMock's journal shows every byte that went upstream, and the node's own state (block
 * number, balances, code, nonces, automine, chain id, read straight from the node) shows whether anything got
 * through. Denied methods are sent alone, hidden in batches next to allowed calls (which must still be answered),
 * as notifications, to the default path and to named network paths, in other letter cases, with JSON unicode
 * escapes (which are the same JSON string), with whitespace, invisible characters and look-alike letters around
 * or inside the name. A network that allows one node method by exact name shows the node really is reachable.
 */
class DeniedMethodsIT extends GatewayTest {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final String ADDRESS = "0x00000000000000000000000000000000000c0ffe";
    static final String DEV_ACCOUNT = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";

    static final AnvilNode anvil = AnvilNode.start();
    static final WireMockServer wm = new WireMockServer(WireMockConfiguration.options().dynamicPort());

    static {
        wm.start();
        wm.stubFor(any(anyUrl()).willReturn(aResponse().proxiedFrom(anvil.url())));
    }

    /** Node-management methods that change the node's state, with arguments the node would accept. */
    static final Map<String, String> STATE_CHANGING = new LinkedHashMap<>();

    static {
        STATE_CHANGING.put("anvil_setBalance", "[\"" + ADDRESS + "\",\"0xde0b6b3a7640000\"]");
        STATE_CHANGING.put("hardhat_setBalance", "[\"" + ADDRESS + "\",\"0xde0b6b3a7640000\"]");
        STATE_CHANGING.put("anvil_setCode", "[\"" + ADDRESS + "\",\"0x6000\"]");
        STATE_CHANGING.put("anvil_setNonce", "[\"" + ADDRESS + "\",\"0x10\"]");
        STATE_CHANGING.put("evm_mine", "[]");
        STATE_CHANGING.put("anvil_mine", "[\"0x5\"]");
        STATE_CHANGING.put("hardhat_mine", "[\"0x5\"]");
        STATE_CHANGING.put("evm_setAutomine", "[false]");
        STATE_CHANGING.put("anvil_setChainId", "[\"0x1\"]");
        STATE_CHANGING.put("anvil_reset", "[]");
    }

    /** Other denied namespaces: they change nothing on anvil, so only WireMock's journal can tell. */
    static final Map<String, String> OTHER_DENIED = Map.of(
            "admin_peers", "[]",
            "personal_sign", "[\"0x00\",\"" + DEV_ACCOUNT + "\"]",
            "debug_setHead", "[\"0x0\"]",
            "miner_start", "[]",
            "engine_forkchoiceUpdatedV3", "[]");

    /** Namespaces (and exact names) that must never appear in a request body sent upstream. */
    static final List<String> NEVER_UPSTREAM = List.of("admin_", "personal_", "miner_", "engine_", "anvil_", "hardhat_",
            "evm_", "debug_sethead");

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        TestNetwork.named("ethereum")
                .tier("local", TestNetwork.provider("anvil_via_proxy", wm.baseUrl()))
                .register(registry);
        // An operator's own list: eth_sendTransaction denied too, and one node method (evm_mine) allowed by name.
        TestNetwork.named("devnet")
                .tier("local", TestNetwork.provider("anvil_via_proxy", wm.baseUrl()))
                .set("deny-methods[0]", "eth_sendTransaction")
                .set("allow-methods[0]", "evm_mine")
                .register(registry);
    }

    @AfterAll
    static void stop() {
        wm.stop();
        anvil.close();
    }

    @BeforeEach
    void clearJournal() {
        wm.resetRequests();
    }

    @Test
    void deniedMethodsSentAloneInEveryDisguiseAreRefusedAndNothingReachesTheNode() {
        Map<String, String> before = nodeState();
        SoftAssertions soft = new SoftAssertions();
        int sent = 0;
        for (String path : List.of("/", "/ethereum", "/devnet")) {
            for (Map.Entry<String, String> call : deniedCalls(path).entrySet()) {
                for (String method : disguises(call.getKey())) {
                    String body = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"" + method + "\",\"params\":" + call.getValue() + "}";
                    Response response = client.post(url(path), body);
                    soft.assertThat(response.status()).as(path + " " + body + " -> " + response.body()).isEqualTo(403);
                    soft.assertThat(response.body()).as(path + " " + body).contains("\"code\":-32601")
                            .contains("method not allowed").contains("\"id\":7");
                    sent++;
                }
            }
        }
        soft.assertAll();
        assertThat(sent).isGreaterThan(500);
        assertThat(upstreamMethods()).as("methods that reached the node").isEmpty();
        assertThat(nodeState()).isEqualTo(before);
    }

    @Test
    void deniedMethodsSentAsNotificationsAreDroppedAndNothingReachesTheNode() {
        Map<String, String> before = nodeState();
        SoftAssertions soft = new SoftAssertions();
        for (String path : List.of("/", "/devnet")) {
            for (Map.Entry<String, String> call : deniedCalls(path).entrySet()) {
                for (String method : disguises(call.getKey())) {
                    String body = "{\"jsonrpc\":\"2.0\",\"method\":\"" + method + "\",\"params\":" + call.getValue() + "}";
                    Response single = client.post(url(path), body);
                    soft.assertThat(single.status()).as(path + " " + body + " -> " + single.body()).isIn(204, 403);
                    Response batch = client.post(url(path), "[" + body + "," + body + "]");
                    soft.assertThat(batch.status()).as(path + " [" + body + "] -> " + batch.body()).isEqualTo(204);
                }
            }
        }
        soft.assertAll();
        assertThat(upstreamMethods()).as("methods that reached the node").isEmpty();
        assertThat(nodeState()).isEqualTo(before);
    }

    @Test
    void deniedMethodsHiddenInBatchesAreRefusedPerItemWhileTheAllowedCallsAroundThemAreAnswered() {
        Map<String, String> before = nodeState();
        SoftAssertions soft = new SoftAssertions();
        int batches = 0;
        for (String path : List.of("/", "/ethereum", "/devnet")) {
            for (Map.Entry<String, String> call : deniedCalls(path).entrySet()) {
                // One batch per method: every disguise of it, alternately as a call and as a notification, with
                // two allowed calls placed first and in the middle.
                List<String> disguises = disguises(call.getKey());
                StringBuilder batch = new StringBuilder("[{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"eth_chainId\",\"params\":[]}");
                List<Integer> refusedIds = new ArrayList<>();
                for (int d = 0; d < disguises.size(); d++) {
                    if (d == disguises.size() / 2) {
                        batch.append(",{\"jsonrpc\":\"2.0\",\"id\":\"b\",\"method\":\"eth_getBalance\",\"params\":[\"")
                                .append(ADDRESS).append("\",\"latest\"]}");
                    }
                    String id = d % 2 == 0 ? "\"id\":" + d + "," : "";
                    if (d % 2 == 0) {
                        refusedIds.add(d);
                    }
                    batch.append(",{\"jsonrpc\":\"2.0\",").append(id).append("\"method\":\"").append(disguises.get(d))
                            .append("\",\"params\":").append(call.getValue()).append('}');
                }
                batch.append(']');
                Response response = client.post(url(path), batch.toString());
                String what = path + " " + batch + " -> " + response.body();
                soft.assertThat(response.status()).as(what).isEqualTo(200);
                JsonNode answers = JSON.readTree(response.body());
                soft.assertThat(answers.size()).as(what).isEqualTo(2 + refusedIds.size());
                List<Integer> refused = new ArrayList<>();
                for (JsonNode answer : answers) {
                    switch (answer.path("id").asString()) {
                        case "a" -> soft.assertThat(answer.path("result").asString()).as(what).isEqualTo("0x7a69");
                        case "b" -> soft.assertThat(answer.path("result").asString()).as(what).isEqualTo("0x0");
                        default -> {
                            soft.assertThat(answer.path("error").path("code").asInt()).as(what + ": " + answer).isEqualTo(-32601);
                            refused.add(answer.path("id").asInt());
                        }
                    }
                }
                soft.assertThat(refused).as(what).isEqualTo(refusedIds);
                batches++;
            }
        }
        soft.assertAll();
        List<String> upstream = upstreamMethods();
        assertThat(upstream).as("the allowed calls did go upstream, one batch each").hasSize(2 * batches)
                .containsOnly("eth_chainId", "eth_getBalance");
        assertNothingDeniedWentUpstream();
        assertThat(nodeState()).isEqualTo(before);
    }

    @Test
    void theEnvelopeIsRebuiltFromWhatWasCheckedSoDuplicateOrEscapedMemberNamesSmuggleNothing() {
        Map<String, String> before = nodeState();
        String setBalance = STATE_CHANGING.get("anvil_setBalance");
        List<String> bodies = List.of(
                // Duplicate "method": the last one is the method, checked and forwarded; the first goes nowhere.
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"anvil_setBalance\",\"method\":\"eth_chainId\",\"params\":" + setBalance + "}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\",\"method\":\"anvil_setBalance\",\"params\":" + setBalance + "}",
                // An escaped member name is the same member.
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"\\u006dethod\":\"anvil_setBalance\",\"params\":" + setBalance + "}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\",\"\\u006dethod\":\"anvil_setBalance\",\"params\":" + setBalance + "}",
                // Other members are not forwarded at all.
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"Method\":\"anvil_setBalance\",\"method\":\"eth_chainId\",\"params\":" + setBalance + "}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\",\"params\":[],\"x\":{\"method\":\"anvil_setBalance\"}}",
                // Not a string, not an object, nested batch: refused before any routing.
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":[\"anvil_setBalance\"],\"params\":" + setBalance + "}",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":{\"name\":\"anvil_setBalance\"},\"params\":" + setBalance + "}",
                "[[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"anvil_setBalance\",\"params\":" + setBalance + "}]]",
                "[\"anvil_setBalance\"]");
        SoftAssertions soft = new SoftAssertions();
        for (String body : bodies) {
            Response response = rpc(body);
            soft.assertThat(response.status()).as(body + " -> " + response.body()).isIn(200, 400, 403);
        }
        soft.assertAll();
        assertNothingDeniedWentUpstream();
        assertThat(upstreamMethods()).containsOnly("eth_chainId");
        assertThat(nodeState()).isEqualTo(before);
    }

    @Test
    void aNodeMethodAllowedByExactNameReachesTheNodeButItsDisguisesStillDoNot() {
        long head = anvil.blockNumber();
        Response mined = client.post(url("/devnet"), request(1, "evm_mine", "[]"));
        assertThat(mined.status()).as(mined.body()).isEqualTo(200);
        assertThat(anvil.blockNumber()).as("the allowed evm_mine reached the node and mined").isEqualTo(head + 1);
        // The same JSON string written with an escape is the same allowed method.
        Response escaped = client.post(url("/devnet"), request(2, "\\u0065vm_mine", "[]"));
        assertThat(escaped.status()).as(escaped.body()).isEqualTo(200);
        assertThat(anvil.blockNumber()).isEqualTo(head + 2);

        wm.resetRequests();
        Map<String, String> before = nodeState();
        for (String disguise : List.of("EVM_mine", "Evm_Mine", "evm_MINE", " evm_mine", "evm_mine ", "\\u200bevm_mine",
                "\\u00a0evm_mine", "\\uff45vm_mine")) {
            Response response = client.post(url("/devnet"), request(3, disguise, "[]"));
            assertThat(response.status()).as(disguise + " -> " + response.body()).isEqualTo(403);
        }
        // Case variants of the operator's own deny entry are denied too.
        String tx = "[{\"from\":\"" + DEV_ACCOUNT + "\",\"to\":\"" + ADDRESS + "\",\"value\":\"0x1\"}]";
        for (String disguise : List.of("eth_sendTransaction", "ETH_SENDTRANSACTION", "eth_sendtransaction",
                "\\u0065th_sendTransaction", "eth_sendTransaction\\u0000")) {
            Response response = client.post(url("/devnet"), request(4, disguise, tx));
            assertThat(response.status()).as(disguise + " -> " + response.body()).isEqualTo(403);
        }
        assertThat(upstreamMethods()).as("methods that reached the node").isEmpty();
        assertThat(nodeState()).isEqualTo(before);
    }

    // --- disguises ---

    /** Every denied call for a path; devnet allows evm_mine by name, so it is left out there. */
    private static Map<String, String> deniedCalls(String path) {
        Map<String, String> calls = new LinkedHashMap<>(STATE_CHANGING);
        calls.putAll(OTHER_DENIED);
        if (path.equals("/devnet")) {
            calls.remove("evm_mine");
        }
        return calls;
    }

    /**
     * The method as it would appear between the quotes of a JSON string: as is, in other letter cases, with unicode
     * escapes (the same JSON string), and with whitespace, control, invisible and look-alike characters.
     */
    static List<String> disguises(String method) {
        List<String> out = new ArrayList<>();
        out.add(method);
        out.add(method.toUpperCase(Locale.ROOT));
        out.add(capitalizeParts(method));
        out.add(alternateCase(method));
        out.add(escape(method.charAt(0)) + method.substring(1));
        out.add(escape(Character.toUpperCase(method.charAt(0))) + method.substring(1).toUpperCase(Locale.ROOT));
        StringBuilder allEscaped = new StringBuilder();
        method.chars().forEach(c -> allEscaped.append(escape((char) c)));
        out.add(allEscaped.toString());
        out.add(" " + method);
        out.add(method + " ");
        out.add("\\t" + method);
        out.add(method + "\\n");
        out.add(method.substring(0, 3) + "\\n" + method.substring(3));
        out.add("\\u00a0" + method);
        out.add("\\u200b" + method);
        out.add(method.substring(0, 2) + "\\u200b" + method.substring(2));
        out.add("\\ufeff" + method);
        out.add(method + "\\u0000");
        out.add("\\u2003" + method + "\\u3000");
        // Full-width first letter (NFKC folds it to ASCII).
        out.add(escape((char) (method.charAt(0) - 'a' + 0xFF41)) + method.substring(1));
        if (method.indexOf('i') >= 0) {
            // Dotless i: upper-cases to I, so case-insensitive lookups on some servers take it for i.
            out.add(method.replaceFirst("i", "\\\\u0131"));
        }
        if (method.indexOf('s') >= 0) {
            // Long s: upper-cases to S.
            out.add(method.replaceFirst("s", "\\\\u017f"));
        }
        return out;
    }

    private static String capitalizeParts(String method) {
        StringBuilder out = new StringBuilder();
        boolean start = true;
        for (char c : method.toCharArray()) {
            out.append(start ? Character.toUpperCase(c) : c);
            start = c == '_';
        }
        return out.toString();
    }

    private static String alternateCase(String method) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < method.length(); i++) {
            char c = method.charAt(i);
            out.append(i % 2 == 0 ? Character.toUpperCase(c) : Character.toLowerCase(c));
        }
        return out.toString();
    }

    private static String escape(char c) {
        return String.format("\\u%04x", (int) c);
    }

    // --- what reached the node ---

    /** The decoded method names of every request WireMock forwarded to the node, in order. */
    private static List<String> upstreamMethods() {
        List<String> methods = new ArrayList<>();
        List<ServeEvent> events = new ArrayList<>(wm.getAllServeEvents());
        java.util.Collections.reverse(events);
        for (ServeEvent event : events) {
            JsonNode body = JSON.readTree(event.getRequest().getBodyAsString());
            if (body.isArray()) {
                body.forEach(item -> methods.add(item.path("method").asString()));
            } else {
                methods.add(body.path("method").asString());
            }
        }
        return methods;
    }

    private static void assertNothingDeniedWentUpstream() {
        for (ServeEvent event : wm.getAllServeEvents()) {
            String raw = event.getRequest().getBodyAsString();
            for (String namespace : NEVER_UPSTREAM) {
                assertThat(raw.toLowerCase(Locale.ROOT)).as("raw body sent upstream").doesNotContain(namespace);
            }
        }
        for (String method : upstreamMethods()) {
            String folded = fold(method);
            for (String namespace : NEVER_UPSTREAM) {
                assertThat(folded).as("method sent upstream: '" + method + "'").doesNotStartWith(namespace);
            }
        }
    }

    /** What a lenient server might take a method name for: compatibility forms, case folded, only [a-z0-9_] kept. */
    private static String fold(String method) {
        String folded = Normalizer.normalize(method, Normalizer.Form.NFKC).toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
        return folded.replaceAll("[^a-z0-9_]", "");
    }

    /** What the node says about the accounts and settings the denied methods would change, read from the node itself. */
    private static Map<String, String> nodeState() {
        Map<String, String> state = new LinkedHashMap<>();
        state.put("block", Long.toString(anvil.blockNumber()));
        state.put("balance", anvil.call("eth_getBalance", "[\"" + ADDRESS + "\",\"latest\"]").replaceAll("\"id\":\\d+", ""));
        state.put("code", anvil.call("eth_getCode", "[\"" + ADDRESS + "\",\"latest\"]").replaceAll("\"id\":\\d+", ""));
        state.put("nonce", anvil.call("eth_getTransactionCount", "[\"" + ADDRESS + "\",\"latest\"]").replaceAll("\"id\":\\d+", ""));
        state.put("devNonce", anvil.call("eth_getTransactionCount", "[\"" + DEV_ACCOUNT + "\",\"latest\"]").replaceAll("\"id\":\\d+", ""));
        state.put("automine", anvil.call("anvil_getAutomine", "[]").replaceAll("\"id\":\\d+", ""));
        state.put("chainId", anvil.call("eth_chainId", "[]").replaceAll("\"id\":\\d+", ""));
        return state;
    }

    private String url(String path) {
        return gatewayUrl() + path.substring(1);
    }
}
