package io.tiergate.upstream;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.HttpResources;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * A provider's connections, split into one pool per event loop of reactor-netty's shared loops (the loops
 * the JSON-RPC server reads on too), plus one for calls made off the loops (health probes). A call takes
 * the lane of the loop it runs on. The shared client loops are colocated: a connection opened from a loop
 * thread is registered on that loop, so each pool's connections live on its loop and a request and its
 * upstream call stay on one thread. With one pool an idle connection is handed out whatever loop it lives
 * on, and the request crosses to that loop's thread and its answer crosses back: two task hand-offs and
 * wake-ups per request.
 *
 * <p>Each lane also times its calls out on its own loop. {@code Mono.timeout} on Reactor's parallel scheduler
 * puts every call's timer in one shared queue behind one lock, and when the queue is short (moderate load)
 * each new timer wakes a scheduler thread; the loop keeps its timers in its own queue, touched only by itself.
 */
final class LoopLocalPools implements AutoCloseable {

    /** Where a call runs: the sender of a pool, and the scheduler its timeout runs on. */
    record Lane(HttpClient.RequestSender sender, Scheduler timer) {
    }

    private final EventLoop[] loops;
    private final ConnectionProvider[] pools;
    private final Lane[] lanes;

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
        this.lanes = new Lane[count];
        for (int i = 0; i < count; i++) {
            pools[i] = pool.create(i, count);
            // Never disposed: disposing a scheduler made from an executor would shut the shared loop down.
            Scheduler timer = i < loops.length ? Schedulers.fromExecutorService(loops[i]) : Schedulers.parallel();
            lanes[i] = new Lane(sender.apply(HttpClient.create(pools[i])), timer);
        }
    }

    /** The lane of the current thread's loop, or the one for calls off the loops. */
    Lane lane() {
        Thread current = Thread.currentThread();
        for (int i = 0; i < loops.length; i++) {
            if (loops[i].inEventLoop(current)) {
                return lanes[i];
            }
        }
        return lanes[loops.length];
    }

    @Override
    public void close() {
        for (ConnectionProvider pool : pools) {
            pool.disposeLater().subscribe();
        }
    }
}
