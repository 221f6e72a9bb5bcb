package io.tiergate.security;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RequestPredicate;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import reactor.core.publisher.Mono;

/**
 * The (method, path pattern) pairs of a functional router, read with Spring's own route visitors, so tests
 * cover whatever routes the code declares instead of a list written by hand. A route that matches any
 * path (a catch-all) is left out; a route without a method predicate is listed once with {@code method} null.
 */
final class ServedRoutes {

    record Route(HttpMethod method, String pattern) {

        /** The pattern with every {@code {variable}} replaced from {@code values}, e.g. {@code network -> ethereum}. */
        String path(Map<String, String> values) {
            String path = pattern;
            for (Map.Entry<String, String> v : values.entrySet()) {
                path = path.replace("{" + v.getKey() + "}", v.getValue());
            }
            if (path.contains("{")) {
                throw new IllegalArgumentException("no value for a variable of " + pattern + " in " + values);
            }
            return path;
        }

        @Override
        public String toString() {
            return (method == null ? "ANY" : method.name()) + " " + pattern;
        }
    }

    private ServedRoutes() {
    }

    static List<Route> of(RouterFunction<?> router) {
        Collector collector = new Collector();
        router.accept(collector);
        return List.copyOf(collector.routes);
    }

    private static final class Collector implements RouterFunctions.Visitor, RequestPredicates.Visitor {

        private final List<Route> routes = new ArrayList<>();
        private final Deque<String> prefixes = new ArrayDeque<>();
        private Set<HttpMethod> methods;
        private String path;
        private boolean negated;

        @Override
        public void startNested(RequestPredicate predicate) {
            read(predicate);
            prefixes.push(prefix() + (path == null ? "" : path));
        }

        @Override
        public void endNested(RequestPredicate predicate) {
            prefixes.pop();
        }

        @Override
        public void route(RequestPredicate predicate, HandlerFunction<?> handler) {
            read(predicate);
            if (path == null || negated) {
                return;
            }
            String pattern = prefix() + path;
            if (methods == null) {
                routes.add(new Route(null, pattern));
            } else {
                methods.forEach(m -> routes.add(new Route(m, pattern)));
            }
        }

        private void read(RequestPredicate predicate) {
            methods = null;
            path = null;
            negated = false;
            predicate.accept(this);
        }

        private String prefix() {
            return prefixes.isEmpty() ? "" : prefixes.peek();
        }

        @Override
        public void resources(Function<ServerRequest, Mono<Resource>> lookup) {
        }

        @Override
        public void attributes(Map<String, Object> attributes) {
        }

        @Override
        public void unknown(RouterFunction<?> routerFunction) {
        }

        @Override
        public void method(Set<HttpMethod> methods) {
            this.methods = methods;
        }

        @Override
        public void path(String pattern) {
            this.path = pattern;
        }

        @Override
        public void pathExtension(String extension) {
        }

        @Override
        public void header(String name, String value) {
        }

        @Override
        public void queryParam(String name, String value) {
        }

        @Override
        public void version(String version) {
        }

        @Override
        public void startAnd() {
        }

        @Override
        public void and() {
        }

        @Override
        public void endAnd() {
        }

        @Override
        public void startOr() {
        }

        @Override
        public void or() {
        }

        @Override
        public void endOr() {
        }

        @Override
        public void startNegate() {
            negated = true;
        }

        @Override
        public void endNegate() {
        }

        @Override
        public void unknown(RequestPredicate predicate) {
        }
    }
}
