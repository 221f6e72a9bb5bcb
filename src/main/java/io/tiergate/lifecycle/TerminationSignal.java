package io.tiergate.lifecycle;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import sun.misc.Signal;

/**
 * SIGTERM (what Kubernetes, systemd and docker stop send) drains and exits with status 0. The JVM's own
 * handling would also run Spring's graceful shutdown, but then exit with 143, which process supervisors
 * report as a crash. Here the context is closed first (the JSON-RPC port stops accepting, requests in flight
 * finish within {@code spring.lifecycle.timeout-per-shutdown-phase}), then the process exits cleanly.
 */
public final class TerminationSignal {

    private static final Logger log = LoggerFactory.getLogger(TerminationSignal.class);

    private TerminationSignal() {
    }

    public static void install(ConfigurableApplicationContext context) {
        String grace = context.getEnvironment().getProperty("spring.lifecycle.timeout-per-shutdown-phase", "30s");
        Signal.handle(new Signal("TERM"), signal -> {
            log.info("SIGTERM: no new connections; draining requests in flight (grace period {}), then exiting", grace);
            // Not on the signal thread: closing the context waits for requests in flight.
            Thread exit = new Thread(() -> System.exit(SpringApplication.exit(context)), "tiergate-termination");
            exit.start();
        });
    }
}
