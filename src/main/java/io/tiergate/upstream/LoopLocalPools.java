package io.tiergate.upstream;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import reactor.netty.http.HttpResources;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * A provider's connections, split into one pool per event loop of reactor-netty's shared loops (the loops
 * the JSON-RPC server reads on too), plus one for calls made off the loops (health probes). A call takes
 * the pool of the loop it runs on. The shared client loops are colocated: a connection opened from a loop
 * thread is registered on that loop, so each pool's connections live on its loop and a request and its
 * upstream call stay on one thread. With one pool an idle connection is handed out whatever loop it lives
 * on, and the request crosses to that loop's thread and its answer crosses back: two task hand-offs and
 * wake-ups per request.
 */
final class LoopLocalPools implements AutoCloseable {

    private final EventLoop[] loops;
    private final ConnectionProvider[] pools;
    private final HttpClient.RequestSender[] senders;

    /** Builds pool {@code index} of {@code count}. */
    interface PoolFactory {
        ConnectionProvider create(int index, int count);
    }

    /** {@code sender}: configures a client on one pool into the request sender calls use. */
    LoopLocalPools(PoolFactory pool, Function<HttpClient, HttpClient.RequestSender> sender) {
        List<EventLoop> found = new ArrayList<>();
        for (EventExecutor executor : HttpResources.get().onClient(true)) {
            found.add((EventLoop) executor);
        }
        this.loops = found.toArray(EventLoop[]::new);
        int count = loops.length + 1;
        this.pools = new ConnectionProvider[count];
        this.senders = new HttpClient.RequestSender[count];
        for (int i = 0; i < count; i++) {
            pools[i] = pool.create(i, count);
            senders[i] = sender.apply(HttpClient.create(pools[i]));
        }
    }

    /** The sender of the current thread's loop, or of the pool for calls off the loops. */
    HttpClient.RequestSender sender() {
        Thread current = Thread.currentThread();
        for (int i = 0; i < loops.length; i++) {
            if (loops[i].inEventLoop(current)) {
                return senders[i];
            }
        }
        return senders[loops.length];
    }

    @Override
    public void close() {
        for (ConnectionProvider pool : pools) {
            pool.disposeLater().subscribe();
        }
    }
}
