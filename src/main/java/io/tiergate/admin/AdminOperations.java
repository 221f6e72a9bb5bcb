package io.tiergate.admin;

import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * What the admin REST API can ask of the gateway, in plain Java types; the web layer turns each call
 * into a route on the management port. Results are views serialized as JSON. A call that cannot be done
 * throws {@link io.tiergate.admin.AdminException}, which becomes {@code {"error": ..., "detail": ...}}
 * with its status. {@code actor} is the name of the token the caller presented.
 */
public interface AdminOperations {

    Object networks();

    Object providers(String network);

    Object provider(String network, String name);

    Object drain(String network, String name, String actor);

    /** {@code weight} is already checked to be within 0..1000. */
    Object setWeight(String network, String name, int weight, String actor);

    Object restoreWeight(String network, String name, String actor);

    Object reinstate(String network, String name, String actor);

    /** {@code body} is the JSON object as sent: the keys of a provider in configuration plus {@code tier}. */
    Object add(String network, Map<String, Object> body, String actor);

    /** Completes once the provider's requests in flight have finished and it is gone. */
    Mono<?> remove(String network, String name, String actor);

    /** The most recent changes, newest first; {@code limit} is at least 1. */
    Object audit(int limit);

    /** The plain-text dashboard. */
    String status();
}
