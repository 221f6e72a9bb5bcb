package io.tiergate.server;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Matches only in the management server's child context, not when component scanning meets the configuration. */
class ManagementChildContext implements Condition {

    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
        return context.getResourceLoader() instanceof WebServerApplicationContext server
                && WebServerApplicationContext.hasServerNamespace(server, "management");
    }
}
