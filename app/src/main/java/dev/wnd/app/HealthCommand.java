package dev.wnd.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The container health check: exit status 0 when the heartbeat file of a stage ({@code --health-file} of
 * {@code ingest}, {@code features}, {@code learn} and {@code score}) was rewritten recently, 1 otherwise. In a
 * container both read {@code WND_HEALTH_FILE}, so the check needs no arguments.
 */
@Command(name = "health", mixinStandardHelpOptions = true,
        description = "Exit 0 when the stage writing --health-file is healthy (the file was rewritten within "
                + "--max-age), 1 otherwise. The health check of the container images.")
final class HealthCommand implements Callable<Integer> {

    @Mixin
    HealthOptions health;

    @Option(names = "--max-age", defaultValue = "PT30S", paramLabel = "DURATION",
            description = "How old the last beat may be, ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration maxAge;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (health.healthFile == null) {
            spec.commandLine().getErr().println("wnd health: no --health-file (WND_HEALTH_FILE) to check");
            return 1;
        }
        try {
            Instant modified = Files.getLastModifiedTime(health.healthFile).toInstant();
            Duration age = Duration.between(modified, Instant.now());
            if (age.compareTo(maxAge) > 0) {
                spec.commandLine().getErr().printf("unhealthy: last beat %d s ago (allowed %d s)%n", age.toSeconds(),
                        maxAge.toSeconds());
                return 1;
            }
            spec.commandLine().getOut().printf("healthy: last beat %d s ago%n", Math.max(0, age.toSeconds()));
            return 0;
        } catch (NoSuchFileException e) {
            spec.commandLine().getErr().println("unhealthy: " + health.healthFile + " does not exist (not started, "
                    + "or stopped)");
            return 1;
        } catch (IOException e) {
            spec.commandLine().getErr().println("unhealthy: cannot read " + health.healthFile + ": " + e);
            return 1;
        }
    }
}
