package dev.wnd.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rewrites a file every {@link #PERIOD} while a command says it is healthy, so that a process outside it (the
 * container health check, {@code wnd health}) can tell a working stage from a hung or failed one by the file's age.
 * The file holds the instant of the last beat. Closing stops the beats and deletes the file.
 *
 * <p>Thread-safe; one daemon thread per heartbeat.
 */
final class Heartbeat implements AutoCloseable {

    /** How often the file is rewritten while healthy. */
    static final Duration PERIOD = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(Heartbeat.class);

    private final Path file;
    private final ScheduledExecutorService timer;

    private Heartbeat(Path file, BooleanSupplier healthy) {
        this.file = file;
        if (file == null) {
            this.timer = null;
            return;
        }
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the directory of the health file " + file, e);
        }
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "wnd-heartbeat");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> beatIf(healthy), 0, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Starts beating into {@code file} whenever {@code healthy} answers true (asked once per period).
     *
     * @param file the heartbeat file; null for none (then this object does nothing)
     */
    static Heartbeat start(Path file, BooleanSupplier healthy) {
        return new Heartbeat(file, healthy);
    }

    private void beatIf(BooleanSupplier healthy) {
        try {
            if (healthy.getAsBoolean()) {
                // Written beside and moved into place, so a reader never sees a half-written file.
                Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
                Files.writeString(tmp, Instant.now() + "\n", StandardCharsets.UTF_8);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot write the health file {}: {}", file, e.toString());
        }
    }

    @Override
    public void close() {
        if (timer == null) {
            return;
        }
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("cannot delete the health file {}: {}", file, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
