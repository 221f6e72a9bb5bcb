package io.tiergate.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns an invalid tiergate configuration into one clear start-up message instead of a stack trace. */
class InvalidConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<InvalidConfigurationException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidConfigurationException cause) {
        return new FailureAnalysis("Invalid tiergate configuration: " + cause.getMessage(),
                "Fix '" + cause.key() + "' in your configuration (application.yml or environment); "
                        + "application.yml.example documents every key.",
                cause);
    }
}
