package io.tiergate.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Ethereum node (Foundry's {@code anvil}) running as a child process on a free local port, with the
 * controls integration tests need to simulate failures: kill, restart on the same port, pause and resume.
 *
 * <p>The binary comes from the system property {@code anvil.binary} (set by surefire), else from
 * {@code <user.dir>/target/anvil/...}. If it is missing, {@link #start} throws: tests fail, they never skip.
 */
public final class AnvilNode implements AutoCloseable {

    static final String RELATIVE_BINARY = "target/anvil/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil";
    private static final Duration STARTUP_DEADLINE = Duration.ofSeconds(20);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(50);
    private static final Duration REBIND_INTERVAL = Duration.ofMillis(250);
    private static final int PORT_ATTEMPTS = 5;
    private static final Pattern STRING_RESULT = Pattern.compile("\"result\"\\s*:\\s*\"([^\"]*)\"");

    // Every anvil we started and have not reaped yet; the hook kills them so none outlives the test JVM,
    // even when a test forgets close() or the JVM exits on a failure.
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(
                new Thread(() -> LIVE.forEach(Process::destroyForcibly), "anvil-reaper"));
    }

    private final Path binary;
    private final List<String> args;
    private final int port;
    private final Path logFile;
    private final AtomicLong ids = new AtomicLong();
    private volatile HttpClient http = newHttpClient();
    private volatile Process process;

    private AnvilNode(Path binary, List<String> args, int port) {
        this.binary = binary;
        this.args = args;
        this.port = port;
        this.logFile = Path.of(System.getProperty("user.dir"), "target", "anvil-logs", "anvil-" + port + ".log");
    }

    /** Starts a node with anvil's default chain id (31337). */
    public static AnvilNode start() {
        return start(List.of());
    }

    /** Starts a node with the given chain id. */
    public static AnvilNode start(long chainId) {
        return start(chainId, List.of());
    }

    /** Starts a node with extra anvil arguments, e.g. {@code List.of("--block-time", "1")}. Do not pass --port/--host. */
    public static AnvilNode start(List<String> extraArgs) {
        return launch(null, extraArgs);
    }

    /** Starts a node with the given chain id and extra anvil arguments. */
    public static AnvilNode start(long chainId, List<String> extraArgs) {
        return launch(chainId, extraArgs);
    }

    private static AnvilNode launch(Long chainId, List<String> extraArgs) {
        Path binary = binary();
        requireBinary(binary);
        if (extraArgs.contains("--port") || extraArgs.contains("-p") || extraArgs.contains("--host")) {
            throw new IllegalArgumentException("AnvilNode chooses port and host itself: " + extraArgs);
        }
        List<String> args = new ArrayList<>();
        if (chainId != null) {
            args.add("--chain-id");
            args.add(Long.toString(chainId));
        }
        args.addAll(extraArgs);
        // The free port is only free until we close the probe socket: someone else may grab it before anvil
        // binds. anvil then exits ("Address already in use") and we retry with another port.
        AnvilNode last = null;
        for (int attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
            last = new AnvilNode(binary, List.copyOf(args), FreePort.next());
            if (last.launchAndAwait(Instant.now().plus(STARTUP_DEADLINE), false)) {
                return last;
            }
        }
        throw new IllegalStateException("anvil exited before answering, " + PORT_ATTEMPTS + " times; last log "
                + last.logFile + ":\n" + last.logTail());
    }

    /** Where the anvil binary is expected: system property {@code anvil.binary}, else under user.dir/target. */
    public static Path binary() {
        String property = System.getProperty("anvil.binary");
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        return Path.of(System.getProperty("user.dir")).resolve(RELATIVE_BINARY);
    }

    static void requireBinary(Path binary) {
        if (!Files.isRegularFile(binary) || !Files.isExecutable(binary)) {
            throw new IllegalStateException("anvil not found at " + binary
                    + ": run ./mvnw verify (it installs @foundry-rs/anvil from npm; needs Node.js/npm)");
        }
    }

    public int port() {
        return port;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public String wsUrl() {
        return "ws://127.0.0.1:" + port;
    }

    /** The log file that receives anvil's stdout and stderr (appended across restarts). */
    public Path logFile() {
        return logFile;
    }

    public long pid() {
        return requireProcess().pid();
    }

    /** True while the process exists (a paused node is alive). */
    public boolean isAlive() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** SIGKILL: the node vanishes without closing its connections gracefully. Waits until it has exited. */
    public void kill() {
        Process p = process;
        if (p == null) {
            return;
        }
        p.destroyForcibly();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("anvil pid " + p.pid() + " did not exit after SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while killing anvil", e);
        } finally {
            LIVE.remove(p);
        }
        // Drop any pooled connection to the dead process so the next call cannot trip over it.
        http = newHttpClient();
    }

    /** SIGSTOP: the process freezes; the kernel still accepts connections, but nothing answers. */
    public void pause() {
        signal("STOP");
        // kill(1) returns once the signal is sent; the kernel stops the process a moment later. A test that sends
        // a request "to a frozen node" right away could otherwise be answered.
        awaitState(true);
    }

    /** SIGCONT: a paused node carries on (and answers requests that queued up meanwhile). */
    public void resume() {
        signal("CONT");
        awaitState(false);
    }

    /** Polls the process state in /proc (Linux: 'T' = stopped by a signal) until it is (or is no longer) stopped. */
    private void awaitState(boolean stopped) {
        Path stat = Path.of("/proc", Long.toString(pid()), "stat");
        Eventually.await("anvil on port " + port + (stopped ? " stopped" : " running"), () -> {
            try {
                String line = Files.readString(stat);
                // the state follows the command name in parentheses, which may itself contain spaces
                char state = line.charAt(line.lastIndexOf(')') + 2);
                return (state == 'T' || state == 't') == stopped;
            } catch (IOException gone) {
                return !stopped;
            }
        }, Duration.ofSeconds(5));
    }

    /** Starts anvil again on the same port (killing it first if still running) and waits until it answers. */
    public void restart() {
        if (isAlive()) {
            kill();
        }
        // The old socket may linger briefly after a kill, so anvil can fail to bind; retry until the deadline.
        Instant deadline = Instant.now().plus(STARTUP_DEADLINE);
        while (!launchAndAwait(deadline, true)) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("anvil could not restart on port " + port + " within "
                        + STARTUP_DEADLINE.toSeconds() + " s; log " + logFile + ":\n" + logTail());
            }
            waitBriefly(REBIND_INTERVAL);
        }
    }

    /** Sends a JSON-RPC request straight to the node and returns the raw response body. */
    public String call(String method, String paramsJson) {
        return call(method, paramsJson, CALL_TIMEOUT);
    }

    /**
     * Like {@link #call(String, String)} with a request timeout. Transport failures surface as
     * {@link UncheckedIOException} whose cause is e.g. {@link java.net.ConnectException} (node down) or
     * {@link java.net.http.HttpTimeoutException} (node paused).
     */
    public String call(String method, String paramsJson, Duration timeout) {
        String body = "{\"jsonrpc\":\"2.0\",\"id\":" + ids.incrementAndGet() + ",\"method\":\"" + method
                + "\",\"params\":" + (paramsJson == null ? "[]" : paramsJson) + "}";
        HttpRequest request = HttpRequest.newBuilder(URI.create(url()))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new UncheckedIOException(method + " to anvil at " + url() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + method, e);
        }
    }

    /** The node's current block number ({@code eth_blockNumber}). */
    public long blockNumber() {
        String hex = stringResult("eth_blockNumber", call("eth_blockNumber", "[]"));
        return Long.parseLong(hex.substring(2), 16);
    }

    /** Mines {@code blocks} blocks at once ({@code anvil_mine}). */
    public void mine(int blocks) {
        String body = call("anvil_mine", "[\"0x" + Integer.toHexString(blocks) + "\"]");
        if (body.contains("\"error\"")) {
            throw new IllegalStateException("anvil_mine failed: " + body);
        }
    }

    /** Kills the node. */
    @Override
    public void close() {
        kill();
    }

    @Override
    public String toString() {
        Process p = process;
        return "AnvilNode[" + url() + (p == null ? "" : ", pid " + p.pid()) + (isAlive() ? "" : ", dead") + "]";
    }

    /**
     * Spawns anvil on {@link #port} and polls eth_chainId until it answers. Returns false if the process exits
     * first (typically: port taken); throws if it stays up without answering past the deadline.
     */
    private boolean launchAndAwait(Instant deadline, boolean appendLog) {
        Process p = spawn(appendLog);
        while (true) {
            if (!p.isAlive()) {
                LIVE.remove(p);
                return false;
            }
            // The second isAlive() guards against the answer coming from whoever else holds the port.
            if (answers() && p.isAlive()) {
                return true;
            }
            if (Instant.now().isAfter(deadline)) {
                kill();
                throw new IllegalStateException("anvil on port " + port + " did not answer eth_chainId within "
                        + STARTUP_DEADLINE.toSeconds() + " s; log " + logFile + ":\n" + logTail());
            }
            waitBriefly(POLL_INTERVAL);
        }
    }

    private Process spawn(boolean appendLog) {
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.addAll(List.of("--host", "127.0.0.1", "--port", Integer.toString(port)));
        command.addAll(args);
        try {
            Files.createDirectories(logFile.getParent());
            // Output goes to a file: a pipe nobody drains would fill up and block anvil.
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(appendLog
                            ? ProcessBuilder.Redirect.appendTo(logFile.toFile())
                            : ProcessBuilder.Redirect.to(logFile.toFile()))
                    .start();
            LIVE.add(p);
            process = p;
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + command, e);
        }
    }

    private boolean answers() {
        try {
            return call("eth_chainId", "[]", POLL_TIMEOUT).contains("\"result\"");
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    private void signal(String signal) {
        long pid = pid();
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
                    .redirectErrorStream(true)
                    .start();
            String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not run kill -" + signal + " " + pid, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending SIG" + signal, e);
        }
    }

    private Process requireProcess() {
        Process p = process;
        if (p == null) {
            throw new IllegalStateException("anvil was never started");
        }
        return p;
    }

    private static String stringResult(String method, String body) {
        Matcher m = STRING_RESULT.matcher(body);
        if (!m.find()) {
            throw new IllegalStateException(method + " returned no string result: " + body);
        }
        return m.group(1);
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }


    private static HttpClient newHttpClient() {
        // HTTP/1.1: anvil speaks plain HTTP/1.1; skip the HTTP/2 upgrade attempt the JDK client makes by default.
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    private static void waitBriefly(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for anvil", e);
        }
    }
}
