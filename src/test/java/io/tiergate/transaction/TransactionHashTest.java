package io.tiergate.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.tiergate.jsonrpc.RawJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Vectors: transactions signed by anvil 1.7.1, with the hash anvil returned for eth_sendRawTransaction. */
class TransactionHashTest {

    static final String LEGACY = "0xf86580847735940082520894f39fd6e51aad88f6f4ce6ab8827279cfffb922660180"
            + "82f4f6a0c6d64d865a0c72eef1238a3b44111fb3451a91a8f2f91fefa175d29e9222e3b4a0264fe631b9b651d369806"
            + "1c8e5ba3ee416cff481ab86a3ab82880d409a924558";
    static final String LEGACY_HASH = "0xe089c0aaee7f9db967206b505f94088aa00473a06cf0e7e9331c9135b539ba5d";
    static final String EIP1559 = "0x02f868827a698001847735940082520894f39fd6e51aad88f6f4ce6ab8827279cfffb922660180"
            + "c080a00e10989fa887ad6aadd98d1b1215c23e14ee6326b36613504d135ddec8267992a00fa7a3db0b4c4e737f555e98"
            + "2132c8e3d68dfdf394fd74a1c74e11ba540f4eb7";
    static final String EIP1559_HASH = "0x9b97d891156a54e499c617abf2184f6393e144501626c064e1f17287a4a91ca7";

    @Test
    void legacyTransactionHashIsKeccakOfItsRawBytes() {
        assertThat(TransactionHash.of(LEGACY)).isEqualTo(LEGACY_HASH);
    }

    @Test
    void typedTransactionHashIncludesItsTypeByte() {
        assertThat(TransactionHash.of(EIP1559)).isEqualTo(EIP1559_HASH);
        assertThat(TransactionHash.of(EIP1559.toUpperCase().replace("0X", "0x"))).isEqualTo(EIP1559_HASH);
    }

    @Test
    void hashComesFromTheFirstParameterOfBothSendMethods() {
        assertThat(TransactionHash.ofParams(RawJson.of("[\"" + LEGACY + "\"]"))).isEqualTo(LEGACY_HASH);
        // eth_sendRawTransactionConditional: the raw transaction, then the conditions.
        assertThat(TransactionHash.ofParams(RawJson.of("[ \"" + EIP1559 + "\", {\"knownAccounts\":{}}]")))
                .isEqualTo(EIP1559_HASH);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0x", "0x1", "0xzz", "f865", "0x0g"})
    void noHashForWhatIsNotHex(String raw) {
        assertThat(TransactionHash.of(raw)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "[1]", "{}", "[null]", "[\"0x1\"]", "[[\"0x00\"]]", "not json"})
    void noHashForParamsWithoutARawTransaction(String params) {
        assertThat(TransactionHash.ofParams(RawJson.of(params))).isNull();
        assertThat(TransactionHash.ofParams(null)).isNull();
    }
}
