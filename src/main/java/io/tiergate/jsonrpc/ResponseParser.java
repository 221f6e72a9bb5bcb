package io.tiergate.jsonrpc;

import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.json.JsonFactory;

/**
 * Reads the envelopes of a provider's answer. Results are sliced, not decoded; the whole body is still
 * validated once so that a truncated or malformed answer is caught here and never reaches a client.
 *
 * <p>Two readers give the same answers. The fast one ({@link #scan}) walks the body with {@link JsonScanner}:
 * the envelope's members are read from the bytes, and results and other members are crossed by the scanner,
 * which checks the JSON grammar without producing tokens (a 1 MiB block several times faster than Jackson's
 * token stream). It accepts only bodies Jackson accepts and reads them as Jackson does; anything it is not
 * sure of (invalid or truncated JSON, a body that is not an object or array, escapes in an envelope name or in
 * a string id, an object without result or error, an error member of another kind, a single answer to a batch)
 * goes to the Jackson reader, which decides and gives the reason.
 */
public final class ResponseParser {

    /** Call tracers nest two levels per EVM call frame, and the EVM allows 1024 frames. */
    private static final int MAX_NESTING = 4096;

    private final JsonFactory factory = JsonSlices.factory(MAX_NESTING);
    private final JacksonAnswerReader jackson = new JacksonAnswerReader(factory);

    public List<UpstreamAnswer> parse(byte[] body) {
        return parse(body, null);
    }

    /**
     * A provider's answer to what was sent: a batch must be answered by an array. A single object is allowed only
     * as an error without an id, which speaks about the whole batch (refused, rate-limited); a single object with
     * an id means the provider answered something else.
     */
    public List<UpstreamAnswer> parseAnswerTo(byte[] body, boolean batch) {
        return parse(body, batch);
    }

    private List<UpstreamAnswer> parse(byte[] body, Boolean batch) {
        if (body.length == 0) {
            throw new MalformedResponseException("empty body");
        }
        List<UpstreamAnswer> answers = scan(body, batch);
        return answers != null ? answers : parseWithJackson(body, batch);
    }

    /** The fast reader: the answers, or null where Jackson must decide. */
    List<UpstreamAnswer> scan(byte[] body, Boolean batch) {
        try {
            return new AnswerScan(factory, body).answers(batch);
        } catch (RuntimeException refused) {
            if (refused != JsonScanner.REJECT && !(refused instanceof JacksonException)) {
                throw refused;
            }
            return null;
        }
    }

    /** The Jackson reader: tokenizes the whole body. */
    List<UpstreamAnswer> parseWithJackson(byte[] body, Boolean batch) {
        return jackson.read(body, batch);
    }
}
