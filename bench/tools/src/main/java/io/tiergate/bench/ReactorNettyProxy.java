package io.tiergate.bench;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.ConnectionProvider;

/**
 * The floor of tiergate's stack: a reactor-netty server that reads each POST body whole, sends it to one
 * upstream over a pooled reactor-netty client, reads the answer whole and writes it back. No JSON, no routing,
 * no Spring. Run beside tiergate, it tells how much of tiergate's cost per request is the HTTP stack itself.
 *
 * <p>Options: --port N, --upstream http://host:port, --threads N [reactor-netty's default, as in tiergate].
 */
public final class ReactorNettyProxy {

    private ReactorNettyProxy() {
    }

    public static void main(String[] args) {
        Options options = new Options(args);
        if (options.string("threads", null) != null) {
            System.setProperty("reactor.netty.ioWorkerCount", options.string("threads", null));
        }
        HttpClient client = HttpClient.create(ConnectionProvider.builder("upstream").maxConnections(256).build())
                .baseUrl(options.string("upstream", "http://127.0.0.1:18540"));
        DisposableServer server = HttpServer.create()
                .host("127.0.0.1")
                .port(options.integer("port", 18546))
                .handle((request, response) -> request.receive().aggregate().retain()
                        .flatMap(body -> client
                                .headers(h -> h.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON))
                                .post().uri(request.uri()).send(Mono.just(body))
                                .responseSingle((upstream, answer) -> answer.retain()))
                        .flatMap(answer -> response
                                .header(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                                .header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(answer.readableBytes()))
                                .send(Mono.just(answer)).then()))
                .bindNow();
        System.out.println("listening on " + server.port());
        server.onDispose().block();
    }
}
