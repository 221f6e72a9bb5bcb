package io.tiergate.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MethodPolicyTest {

    private final MethodPolicy defaults = new MethodPolicy(List.of(), List.of());

    @ParameterizedTest
    @ValueSource(strings = {
        "admin_addPeer", "admin_nodeInfo", "admin_", "personal_sign", "personal_unlockAccount", "personal_listAccounts",
        "miner_start", "miner_setEtherbase", "clique_propose", "engine_newPayloadV3", "engine_forkchoiceUpdatedV3",
        "les_addBalance", "debug_setHead", "debug_setGCPercent", "debug_startCPUProfile", "debug_stopGoTrace",
        "debug_writeMemProfile", "debug_freeOSMemory", "debug_chaindbCompact", "debug_verbosity", "debug_vmodule",
        "parity_setExtraData", "parity_addReservedPeer", "parity_removeReservedPeer", "parity_dropNonReservedPeers",
        "parity_killAccount", "anvil_setBalance", "anvil_impersonateAccount", "hardhat_setCode", "evm_mine",
        "evm_increaseTime"
    })
    void nodeManagementMethodsAreDeniedByDefault(String method) {
        assertThat(defaults.isAllowed(method)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "eth_call", "eth_blockNumber", "eth_getLogs", "eth_sendRawTransaction", "eth_subscribe", "net_version",
        "web3_clientVersion", "debug_traceTransaction", "debug_traceCall", "debug_traceBlockByNumber",
        "debug_getRawReceipts", "trace_block", "txpool_content", "txpool_status", "erigon_getHeaderByNumber",
        "ots_getApiLevel", "parity_pendingTransactions", "eth_callBundle", "flashbots_getUserStats",
        "xadmin_nodeInfo", "eth_admin_x", "x admin_nodeInfo"
    })
    void readAndTraceMethodsAreAllowedByDefault(String method) {
        assertThat(defaults.isAllowed(method)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Admin_nodeInfo", "ADMIN_PEERS", "aDmIn_peers", "Personal_Sign", "EVM_mine", "Anvil_SetBalance",
        "DEBUG_SETHEAD", "debug_sethead", " admin_peers", "admin_peers ", "\tadmin_peers", "admin_peers\n",
        "adm\nin_peers", "\u00a0admin_peers", "\u200badmin_peers", "ad\u200bmin_peers", "\ufeffadmin_peers",
        "admin_peers\u0000", "\u2003evm_mine\u3000", "\uff41dmin_peers", "adm\u0131n_peers", "per\u017fonal_sign",
        "parity_\u212aillAccount", "\u0000anvil_mine"
    })
    void disguisedNodeManagementMethodsAreDeniedToo(String method) {
        assertThat(defaults.isAllowed(method)).isFalse();
    }

    @Test
    void configuredDenyPatternsIgnoreCaseAndInvisibleCharacters() {
        MethodPolicy policy = new MethodPolicy(List.of("eth_sendTransaction"), List.of());

        assertThat(policy.isAllowed("ETH_SENDTRANSACTION")).isFalse();
        assertThat(policy.isAllowed("eth_sendtransaction\u200b")).isFalse();
        assertThat(policy.isAllowed("eth_sendRawTransaction")).isTrue();
    }

    @Test
    void anAllowExceptionCoversOnlyTheExactNameNotItsDisguises() {
        MethodPolicy policy = new MethodPolicy(List.of(), List.of("evm_mine"));

        assertThat(policy.isAllowed("evm_mine")).isTrue();
        assertThat(policy.isAllowed("EVM_mine")).isFalse();
        assertThat(policy.isAllowed(" evm_mine")).isFalse();
        assertThat(policy.isAllowed("evm_mine\u200b")).isFalse();
        assertThat(policy.isAllowed("evm_increaseTime")).isFalse();
    }

    @Test
    void canonicalNamesFoldCaseWidthAndInvisibleCharacters() {
        assertThat(MethodPolicy.canonical("eth_call")).isEqualTo("eth_call");
        assertThat(MethodPolicy.canonical("\ufeff ADM\u0131N_Pe\u200bers\t")).isEqualTo("admin_peers");
        assertThat(MethodPolicy.canonical("\uff45th_\u017fign")).isEqualTo("eth_sign");
    }

    @Test
    void denyMethodsAddToTheDefaults() {
        MethodPolicy policy = new MethodPolicy(List.of("debug_*", "eth_sendTransaction"), List.of());

        assertThat(policy.isAllowed("debug_traceTransaction")).isFalse();
        assertThat(policy.isAllowed("eth_sendTransaction")).isFalse();
        assertThat(policy.isAllowed("eth_sendRawTransaction")).isTrue();
        assertThat(policy.isAllowed("admin_peers")).as("defaults still apply").isFalse();
    }

    @Test
    void allowMethodsMakeExceptionsToTheDenyList() {
        MethodPolicy policy = new MethodPolicy(List.of(), List.of("admin_nodeInfo", "anvil_*"));

        assertThat(policy.isAllowed("admin_nodeInfo")).isTrue();
        assertThat(policy.isAllowed("admin_addPeer")).isFalse();
        assertThat(policy.isAllowed("anvil_mine")).isTrue();
        assertThat(policy.isAllowed("personal_sign")).isFalse();
    }

    @Test
    void denyEverythingAndAllowAFewIsAnAllowList() {
        MethodPolicy policy = new MethodPolicy(List.of("*"), List.of("eth_*", "net_version"));

        assertThat(policy.isAllowed("eth_call")).isTrue();
        assertThat(policy.isAllowed("eth_getBlockByNumber")).isTrue();
        assertThat(policy.isAllowed("net_version")).isTrue();
        assertThat(policy.isAllowed("net_peerCount")).isFalse();
        assertThat(policy.isAllowed("web3_clientVersion")).isFalse();
        assertThat(policy.isAllowed("debug_traceTransaction")).isFalse();
        assertThat(policy.isAllowed("txpool_content")).isFalse();
        assertThat(policy.isAllowed("admin_nodeInfo")).isFalse();
    }

    @Test
    void questionMarkMatchesExactlyOneCharacter() {
        MethodPolicy policy = new MethodPolicy(List.of("eth_getBlockByNumber?"), List.of());

        assertThat(policy.isAllowed("eth_getBlockByNumber2")).isFalse();
        assertThat(policy.isAllowed("eth_getBlockByNumber")).isTrue();
        assertThat(policy.isAllowed("eth_getBlockByNumber22")).isTrue();

        MethodPolicy allow = new MethodPolicy(List.of("*"), List.of("eth_call?2"));
        assertThat(allow.isAllowed("eth_callV2")).isTrue();
        assertThat(allow.isAllowed("eth_call2")).isFalse();
    }

    @Test
    void patternsMatchTheWholeMethodName() {
        MethodPolicy policy = new MethodPolicy(List.of("eth_sign"), List.of());

        assertThat(policy.isAllowed("eth_sign")).isFalse();
        assertThat(policy.isAllowed("eth_signTransaction")).isTrue();
        assertThat(policy.isAllowed("x_eth_sign")).isTrue();
    }

    @Test
    void regexMetacharactersInPatternsAreLiteral() {
        MethodPolicy policy = new MethodPolicy(
                List.of("eth.call", "a+b", "(x|y)", "[abc]", "back\\slash", "end$", "^start", "dot.*"), List.of());

        assertThat(policy.isAllowed("eth.call")).isFalse();
        assertThat(policy.isAllowed("ethXcall")).isTrue();
        assertThat(policy.isAllowed("a+b")).isFalse();
        assertThat(policy.isAllowed("aab")).isTrue();
        assertThat(policy.isAllowed("(x|y)")).isFalse();
        assertThat(policy.isAllowed("x")).isTrue();
        assertThat(policy.isAllowed("[abc]")).isFalse();
        assertThat(policy.isAllowed("a")).isTrue();
        assertThat(policy.isAllowed("back\\slash")).isFalse();
        assertThat(policy.isAllowed("backslash")).isTrue();
        assertThat(policy.isAllowed("end$")).isFalse();
        assertThat(policy.isAllowed("end")).isTrue();
        assertThat(policy.isAllowed("^start")).isFalse();
        assertThat(policy.isAllowed("start")).isTrue();
        assertThat(policy.isAllowed("dot.anything")).isFalse();
        assertThat(policy.isAllowed("dotanything")).isTrue();
    }

    @Test
    void quoteMarkersInPatternsDoNotBreakQuoting() {
        MethodPolicy policy = new MethodPolicy(List.of("a\\Eb*", "\\Q"), List.of());

        assertThat(policy.isAllowed("a\\Ebxyz")).isFalse();
        assertThat(policy.isAllowed("ab")).isTrue();
        assertThat(policy.isAllowed("\\Q")).isFalse();
    }

    @Test
    void surroundingWhitespaceInPatternsIsIgnored() {
        MethodPolicy policy = new MethodPolicy(List.of("  eth_sign "), List.of(" admin_nodeInfo"));

        assertThat(policy.isAllowed("eth_sign")).isFalse();
        assertThat(policy.isAllowed("admin_nodeInfo")).isTrue();
    }

    @Test
    void decisionsStayTheSameWhenAskedAgain() {
        MethodPolicy policy = new MethodPolicy(List.of("debug_*"), List.of("debug_traceCall"));

        for (int i = 0; i < 3; i++) {
            assertThat(policy.isAllowed("debug_traceCall")).isTrue();
            assertThat(policy.isAllowed("debug_traceTransaction")).isFalse();
            assertThat(policy.isAllowed("eth_call")).isTrue();
        }
    }

    @Test
    void manyDistinctClientMethodNamesAreDecidedCorrectly() {
        MethodPolicy policy = new MethodPolicy(List.of("spam_*"), List.of());

        for (int i = 0; i < 20_000; i++) {
            assertThat(policy.isAllowed("spam_" + i)).isFalse();
            assertThat(policy.isAllowed("eth_" + i)).isTrue();
        }
    }
}
