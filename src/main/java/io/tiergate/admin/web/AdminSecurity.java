package io.tiergate.admin.web;

import lombok.extern.slf4j.Slf4j;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.security.autoconfigure.actuate.web.reactive.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authentication.AuthenticationWebFilter;
import org.springframework.security.web.server.authentication.ServerAuthenticationEntryPointFailureHandler;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Bearer-token security of the management server, and of nothing else: this chain lives in the management
 * child context, so the JSON-RPC port has no security filter at all. Health needs no credentials; the admin
 * API and every other actuator endpoint need a configured token; anything else on the management port (the
 * parent's JSON-RPC routes are visible to the child's router) is refused. No sessions, no cookies, no CSRF,
 * no login page, no basic auth. With no token configured the admin API answers 403 "admin API disabled"; other
 * protected paths keep answering 401.
 */
@Slf4j
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
@Conditional(ManagementServerCondition.class)
@EnableWebFluxSecurity
@EnableConfigurationProperties(AdminSecurityProperties.class)
public class AdminSecurity {

    static final String DISABLED = "admin API disabled: set TIERGATE_ADMIN_TOKEN";
    private static final String BEARER = "Bearer ";
    private static final ServerWebExchangeMatcher ADMIN_API = ServerWebExchangeMatchers.pathMatchers("/admin", "/admin/**");

    @Bean
    SecurityWebFilterChain adminSecurityFilterChain(ServerHttpSecurity http, AdminSecurityProperties properties,
            ObjectProvider<JsonMapper> mappers) {
        AdminTokens tokens = AdminTokens.of(properties.tokens());
        if (tokens.isEmpty()) {
            log.info("Admin API disabled: no token configured (set TIERGATE_ADMIN_TOKEN)");
        } else {
            log.info("Admin API enabled on the management port for tokens {}", tokens.names());
        }
        AdminJson json = new AdminJson(mappers.getIfUnique(() -> JsonMapper.builder().build()));
        ServerAuthenticationEntryPoint refuse = (exchange, e) -> refuse(exchange, e, tokens, json);

        AuthenticationWebFilter bearer = new AuthenticationWebFilter(authenticationManager(tokens));
        bearer.setServerAuthenticationConverter(AdminSecurity::bearerToken);
        bearer.setAuthenticationFailureHandler(new ServerAuthenticationEntryPointFailureHandler(refuse));

        ServerAccessDeniedHandler forbidden = (exchange, e) -> json.write(exchange.getResponse(), HttpStatus.FORBIDDEN,
                "forbidden", "the management port serves only /admin and actuator endpoints");

        return http
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .addFilterAt(bearer, SecurityWebFiltersOrder.AUTHENTICATION)
                .authorizeExchange(exchanges -> exchanges
                        .matchers(EndpointRequest.to("health")).permitAll()
                        .matchers(ADMIN_API).authenticated()
                        .matchers(EndpointRequest.toAnyEndpoint()).authenticated()
                        .anyExchange().denyAll())
                .exceptionHandling(errors -> errors.authenticationEntryPoint(refuse).accessDeniedHandler(forbidden))
                .build();
    }

    /** The token's name becomes the caller; the token itself is never kept on the authentication. */
    private static ReactiveAuthenticationManager authenticationManager(AdminTokens tokens) {
        return authentication -> Mono.fromSupplier(() -> tokens.nameOf((String) authentication.getCredentials())
                .<Authentication>map(name -> UsernamePasswordAuthenticationToken.authenticated(name, null,
                        AuthorityUtils.createAuthorityList("ROLE_ADMIN")))
                .orElseThrow(() -> new BadCredentialsException("invalid bearer token")));
    }

    /** No Authorization header: anonymous (then refused). Any other scheme or an empty token: a token that fails. */
    private static Mono<Authentication> bearerToken(ServerWebExchange exchange) {
        String header = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        if (header == null) {
            return Mono.empty();
        }
        String token = header.regionMatches(true, 0, BEARER, 0, BEARER.length())
                ? header.substring(BEARER.length()).trim() : "";
        return Mono.just(UsernamePasswordAuthenticationToken.unauthenticated(null, token));
    }

    private static Mono<Void> refuse(ServerWebExchange exchange, AuthenticationException e, AdminTokens tokens,
            AdminJson json) {
        if (!tokens.isEmpty()) {
            return unauthorized(exchange, e, json);
        }
        return ADMIN_API.matches(exchange).flatMap(admin -> admin.isMatch()
                ? json.write(exchange.getResponse(), HttpStatus.FORBIDDEN, DISABLED, null)
                : unauthorized(exchange, e, json));
    }

    private static Mono<Void> unauthorized(ServerWebExchange exchange, AuthenticationException e, AdminJson json) {
        boolean presented = e instanceof BadCredentialsException;
        exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE,
                "Bearer realm=\"tiergate-admin\"" + (presented ? ", error=\"invalid_token\"" : ""));
        return json.write(exchange.getResponse(), HttpStatus.UNAUTHORIZED, "unauthorized",
                presented ? "invalid bearer token" : "missing credentials: send Authorization: Bearer <token>");
    }
}
