package io.tiergate.jsonrpc;

import java.util.List;

/**
 * A client body split into its requests. {@code size} is the number of items in the body; each
 * valid or invalid item keeps its position ({@code index}) so answers can be put back in order.
 */
public record ParsedBody(boolean batch, int size, List<JsonRequest> requests, List<InvalidRequest> invalid) {
}
