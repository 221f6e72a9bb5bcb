package io.tiergate.websocket;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;

/**
 * A provider's WebSocket endpoint behind HTTP Basic authentication, as node operators put one behind a proxy:
 * the upgrade is refused with 401 unless it carries the expected Authorization header. Behind it, newHeads as a
 * node sends them (consecutive blocks every 200 ms). The first eth_subscribe it is sent is refused with a message
 * that echoes {@code echoed}, as providers echo a caller's key back.
 */
final class AuthenticatingWsProvider implements AutoCloseable {

    private static final String SUBSCRIPTION = "0xfeed";

    private final String echoed;
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final AtomicInteger subscribes = new AtomicInteger();
    private final DisposableServer server;

    private AuthenticatingWsProvider(String authorization, String echoed) {
        this.echoed = echoed;
        this.server = HttpServer.create().host("127.0.0.1").port(0)
                .handle((request, response) -> {
                    String sent = request.requestHeaders().get(HttpHeaderNames.AUTHORIZATION);
                    authorizations.add(sent == null ? "(none)" : sent);
                    if (!authorization.equals(sent)) {
                        return response.status(HttpResponseStatus.UNAUTHORIZED).send();
                    }
                    return response.sendWebsocket(this::session);
                })
                .bindNow();
    }

    /** Requires {@code authorization} on every upgrade. */
    static AuthenticatingWsProvider start(String authorization, String echoed) {
        return new AuthenticatingWsProvider(authorization, echoed);
    }

    int port() {
        return server.port();
    }

    /** The Authorization header of every upgrade request, in order ("(none)" where it had none). */
    List<String> authorizations() {
        return List.copyOf(authorizations);
    }

    private Publisher<Void> session(WebsocketInbound in, WebsocketOutbound out) {
        Flux<String> replies = in.receive().asString().flatMap(text -> {
            if (text.contains("\"eth_subscribe\"")) {
                if (subscribes.incrementAndGet() == 1) {
                    return Flux.just("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32000,"
                            + "\"message\":\"invalid credentials for " + echoed + "\"}}");
                }
                return Flux.just("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"" + SUBSCRIPTION + "\"}")
                        .concatWith(Flux.interval(Duration.ofMillis(200)).map(i -> head(i + 1)));
            }
            if (text.contains("\"eth_unsubscribe\"")) {
                return Flux.just("{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":true}");
            }
            return Flux.empty();
        });
        return out.sendString(replies);
    }

    private static String head(long number) {
        return "{\"jsonrpc\":\"2.0\",\"method\":\"eth_subscription\",\"params\":{\"subscription\":\"" + SUBSCRIPTION
                + "\",\"result\":{\"number\":\"0x" + Long.toHexString(number) + "\",\"hash\":\"0x"
                + String.format("%064x", number) + "\"}}}";
    }

    @Override
    public void close() {
        server.disposeNow();
    }
}
