package io.tiergate.upstream;

/** A provider's body grew past {@code tiergate.max-response-size}: cut off and treated as its failure. */
public class ResponseTooLargeException extends RuntimeException {

    public ResponseTooLargeException() {
        super("response larger than tiergate.max-response-size", null, false, false);
    }
}
