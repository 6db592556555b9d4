package dev.wnd.app;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The heartbeat file of a long-running command, for container health checks ({@code wnd health}). */
public final class HealthOptions {

    @Option(names = "--health-file", paramLabel = "FILE",
            description = "While this command is healthy, rewrite FILE every few seconds; `wnd health` checks its "
                    + "age (the container health check). Not written unless given.")
    Path healthFile;

    @Option(names = "--stall-timeout", paramLabel = "DURATION", defaultValue = "PT2M",
            description = "Ingest and learn: unhealthy after this long without progress while work waits (records "
                    + "to replay, examples to learn from); ISO-8601 (default: ${DEFAULT-VALUE}).")
    java.time.Duration stallTimeout;

    /** The progress watch of a stage that is not a Streams application. */
    Progress progress() {
        return new Progress(stallTimeout);
    }
}
