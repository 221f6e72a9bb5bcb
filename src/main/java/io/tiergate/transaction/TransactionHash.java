package io.tiergate.transaction;

import io.tiergate.jsonrpc.RawJson;
import java.util.HexFormat;
import org.bouncycastle.crypto.digests.KeccakDigest;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * The hash of a signed transaction: keccak-256 of its raw bytes exactly as sent, for legacy and typed
 * (EIP-2718) transactions alike. tiergate knows it before any node answers, so it can tell "already
 * known" for this very transaction from a real rejection.
 */
public final class TransactionHash {

    private static final JsonFactory FACTORY = JsonFactory.builder().build();
    private static final HexFormat HEX = HexFormat.of();

    private TransactionHash() {
    }

    /** The hash as a 0x-prefixed lowercase hex string, or null when the bytes are not a non-empty hex string. */
    public static String of(String rawHex) {
        if (rawHex == null || rawHex.length() < 4 || rawHex.length() % 2 != 0 || rawHex.charAt(0) != '0'
                || (rawHex.charAt(1) != 'x' && rawHex.charAt(1) != 'X')) {
            return null;
        }
        byte[] raw;
        try {
            raw = HEX.parseHex(rawHex, 2, rawHex.length());
        } catch (IllegalArgumentException notHex) {
            return null;
        }
        KeccakDigest keccak = new KeccakDigest(256);
        keccak.update(raw, 0, raw.length);
        byte[] hash = new byte[32];
        keccak.doFinal(hash, 0);
        return "0x" + HEX.formatHex(hash);
    }

    /**
     * The hash of the transaction in {@code params} of eth_sendRawTransaction (and eth_sendRawTransactionConditional,
     * whose first parameter is the same): null when the first parameter is not a hex string.
     */
    public static String ofParams(RawJson params) {
        if (params == null) {
            return null;
        }
        try (JsonParser p = FACTORY.createParser(ObjectReadContext.empty(), params.source(), params.start(),
                params.length())) {
            if (p.nextToken() != JsonToken.START_ARRAY || p.nextToken() != JsonToken.VALUE_STRING) {
                return null;
            }
            return of(p.getString());
        } catch (JacksonException e) {
            return null;
        }
    }
}
