package io.tiergate.jsonrpc;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8 check with the JDK's decoder (overlong forms, encoded surrogates and code points past
 * U+10FFFF are refused), run through a small reused buffer so a large body costs no large allocation.
 * Jackson's byte parser lets such sequences through inside strings, and tiergate echoes ids raw.
 */
final class Utf8 {

    private static final int CHUNK = 1024;

    private Utf8() {
    }

    static boolean isWellFormed(byte[] bytes) {
        // JSON-RPC bodies are nearly always ASCII: then there is nothing to decode.
        int i = 0;
        while (i < bytes.length && bytes[i] >= 0) {
            i++;
        }
        if (i == bytes.length) {
            return true;
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(CHUNK);
        while (true) {
            CoderResult result = decoder.decode(in, out, true);
            if (result.isError()) {
                return false;
            }
            if (result.isUnderflow()) {
                return !decoder.flush(out).isError();
            }
            out.clear();
        }
    }
}
