package dev.wnd.app;

import dev.wnd.app.metrics.StageMetrics;
import java.net.InetSocketAddress;
import picocli.CommandLine.Option;

/**
 * Where a stage serves its metrics. JMX (domain {@code wnd}) is always on: it costs nothing until someone connects,
 * and reaching it from outside needs the JVM's own {@code -Dcom.sun.management.jmxremote.*} flags anyway. The
 * Prometheus endpoint is off unless a port is given, and binds the loopback address unless told otherwise: it has
 * no authentication, so exposing it is a decision (in a container, set {@code WND_METRICS_HOST=0.0.0.0}).
 */
public final class MetricsOptions {

    @Option(names = "--metrics-port", defaultValue = "0", paramLabel = "PORT",
            description = "Serve Prometheus metrics on http://HOST:PORT/metrics and a health check on /health; "
                    + "0 = no HTTP endpoint (default: ${DEFAULT-VALUE}). JMX (domain wnd) is always on.")
    int port;

    @Option(names = "--metrics-host", defaultValue = "127.0.0.1", paramLabel = "HOST",
            description = "Address the metrics endpoint binds: 0.0.0.0 for every interface, as in a container "
                    + "(default: ${DEFAULT-VALUE}, this machine only).")
    String host;

    /** Starts the metrics of {@code stage}: JMX, and the HTTP endpoint when a port was given. */
    StageMetrics open(String stage) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("--metrics-port must be between 0 and 65535, got " + port);
        }
        StageMetrics metrics = StageMetrics.open(stage, port == 0 ? null : new InetSocketAddress(host, port));
        metrics.endpointAddress().ifPresent(a -> System.out.printf("metrics on http://%s:%d/metrics%n",
                a.getHostString(), a.getPort()));
        return metrics;
    }
}
