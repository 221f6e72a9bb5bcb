package io.tiergate.routing;

import io.tiergate.upstream.AnswerClassifier;
import io.tiergate.policy.ProviderMethods;
import io.tiergate.provider.Network;
import io.tiergate.provider.Provider;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Which providers of a network serve one method now: those whose {@code methods} configuration lets it
 * through and that have not answered "method not found" for it lately. Used to tell a client why a method
 * got no answer.
 */
record MethodCoverage(String network, String method, List<Provider> serving, List<Provider> learned,
        boolean restricted) {

    static MethodCoverage of(Network network, String method) {
        List<Provider> serving = new ArrayList<>();
        List<Provider> learned = new ArrayList<>();
        boolean restricted = false;
        for (Provider p : network.providers()) {
            ProviderMethods.Refusal refusal = p.methods().refusal(method);
            if (refusal == null) {
                serving.add(p);
            } else {
                restricted = true;
                if (refusal == ProviderMethods.Refusal.LEARNED) {
                    learned.add(p);
                }
            }
        }
        return new MethodCoverage(network.name(), method, serving, learned, restricted);
    }

    String servingNames() {
        return names(serving);
    }

    /** Why no provider serves the method: configuration, or providers that said they lack it. */
    String unservedMessage() {
        String message = "method " + AnswerClassifier.shorten(method) + " is not served by any provider of network "
                + network;
        if (learned.isEmpty()) {
            return message + " (see the providers' methods.allow / methods.deny)";
        }
        return message + ": " + names(learned) + " answered method not found (remembered for method-not-found-ttl)";
    }

    private static String names(List<Provider> providers) {
        return providers.stream().map(p -> p.name() + " (" + p.tier() + ")").collect(Collectors.joining(", "));
    }
}
