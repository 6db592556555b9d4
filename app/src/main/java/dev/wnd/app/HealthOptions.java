package dev.wnd.app;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The heartbeat file of a long-running command, for container health checks ({@code wnd health}). */
public final class HealthOptions {

    @Option(names = "--health-file", paramLabel = "FILE",
            description = "While this command is healthy, rewrite FILE every few seconds; `wnd health` checks its "
                    + "age (the container health check). Not written unless given.")
    Path healthFile;
}
