package io.tiergate.routing;

import io.tiergate.jsonrpc.UpstreamAnswer;
import io.tiergate.provider.Provider;
import io.tiergate.upstream.AnswerClassifier;

/** A provider's error answers as clients, logs and health may see them: its own credentials never shown. */
final class ProviderErrors {

    private ProviderErrors() {
    }

    /** "error <code>: <message>": shortened, the provider's secrets masked. */
    static String reason(Provider provider, UpstreamAnswer error) {
        return AnswerClassifier.errorReason(error, provider.secrets()::scrub);
    }

    /** True when an error answer's message or raw error object (data included) shows the provider's credentials. */
    static boolean revealSecret(Provider provider, UpstreamAnswer answer) {
        if (provider.secrets().isEmpty()) {
            return false;
        }
        return provider.secrets().revealedIn(answer.errorMessage())
                || answer.error() != null && provider.secrets().revealedIn(answer.error().toString().replace("\\/", "/"));
    }
}
