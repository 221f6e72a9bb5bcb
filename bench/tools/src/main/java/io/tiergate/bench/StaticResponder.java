package io.tiergate.bench;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The upstream when nginx is not installed: answers {@code POST <path>} with the bytes of a file,
 * whatever the request said (reactor-netty, keep-alive).
 *
 * <p>Options: --port N, --route /path=FILE (repeatable as --route1, --route2 ...), --threads N [2].
 */
public final class StaticResponder {

    private StaticResponder() {
    }

    public static void main(String[] args) throws Exception {
        Options options = new Options(args);
        Map<String, byte[]> answers = new LinkedHashMap<>();
        for (int i = 1; options.string("route" + i, null) != null; i++) {
            String[] route = options.string("route" + i, null).split("=", 2);
            answers.put(route[0], Files.readAllBytes(Path.of(route[1])));
        }
        System.setProperty("reactor.netty.ioWorkerCount", Integer.toString(options.integer("threads", 2)));
        DisposableServer server = HttpServer.create()
                .host("127.0.0.1")
                .port(options.integer("port", 18545))
                .route(routes -> answers.forEach((path, bytes) -> routes.post(path, (request, response) ->
                        // Read the request body to its end first, as a real node does.
                        request.receive().then(response
                                .header(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                                .header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(bytes.length))
                                .send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(bytes)))
                                .then()))))
                .bindNow();
        System.out.println("listening on " + server.port() + " " + answers.keySet());
        server.onDispose().block();
    }
}
