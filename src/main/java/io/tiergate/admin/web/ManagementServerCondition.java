package io.tiergate.admin.web;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches only in the management server's own child context. {@code @ManagementContextConfiguration} is a
 * {@code @Configuration}, so component scanning of {@code io.tiergate} finds the admin configurations in the
 * application context as well; without this condition the admin routes would be served on the JSON-RPC port
 * and the security chain would guard it.
 */
class ManagementServerCondition implements Condition {

    static final String MANAGEMENT_NAMESPACE = "management";

    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
        return context.getResourceLoader() instanceof WebServerApplicationContext server
                && WebServerApplicationContext.hasServerNamespace(server, MANAGEMENT_NAMESPACE);
    }
}
