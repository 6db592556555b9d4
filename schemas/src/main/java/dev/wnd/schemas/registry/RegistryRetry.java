package dev.wnd.schemas.registry;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.common.errors.InterruptException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a registry call waits out an outage: a call that fails with a {@linkplain RegistryException#isTransient()
 * transient} error (no answer, a timeout, HTTP 5xx, 408, 429) is asked again in place, after a pause that doubles
 * from {@code firstPause} up to {@code maxPause}, for as long as the outage lasts. It logs one line when the wait
 * begins, one every {@code logEvery} while it goes on, and one when the registry answers again. Any other error
 * is thrown at once. Immutable and thread-safe: each call keeps its own state, so threads wait independently.
 *
 * <p>Waiting in place is what keeps an outage from losing records: the record being decoded (or encoded) is
 * neither skipped nor dead-lettered, and nothing behind it moves, so when the registry answers again processing
 * goes on from exactly there. The thread is blocked meanwhile: a Kafka consumer thread that waits longer than its
 * {@code max.poll.interval.ms} (5 minutes by default) leaves its group, and its records are processed again by
 * whoever takes its partitions (once under exactly-once, possibly twice under at-least-once).
 *
 * @param firstPause the pause after the first failure; positive
 * @param maxPause the longest pause between two attempts; at least {@code firstPause}
 * @param logEvery how often a waiting call logs that it is still waiting; at least {@code maxPause}
 */
public record RegistryRetry(Duration firstPause, Duration maxPause, Duration logEvery) {

    /**
     * What the serdes use: 100 ms doubling to 5 s between attempts (so a registry that is back is used within 5 s),
     * a line every 15 s while waiting.
     */
    public static final RegistryRetry DEFAULT =
            new RegistryRetry(Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofSeconds(15));

    private static final Logger LOG = LoggerFactory.getLogger(RegistryRetry.class);

    public RegistryRetry {
        Objects.requireNonNull(firstPause, "firstPause");
        Objects.requireNonNull(maxPause, "maxPause");
        Objects.requireNonNull(logEvery, "logEvery");
        if (firstPause.isNegative() || firstPause.isZero()) {
            throw new IllegalArgumentException("firstPause must be positive, was " + firstPause);
        }
        if (maxPause.compareTo(firstPause) < 0) {
            throw new IllegalArgumentException("maxPause (" + maxPause + ") must be at least firstPause ("
                    + firstPause + ")");
        }
        if (logEvery.compareTo(maxPause) < 0) {
            throw new IllegalArgumentException("logEvery (" + logEvery + ") must be at least maxPause (" + maxPause
                    + ")");
        }
    }

    /**
     * Runs {@code call} until it answers or fails with an error that is not transient.
     *
     * @param what what the call does, for the log: e.g. {@code "fetch schema id 7 for a record on displays"}
     * @return what {@code call} returned
     * @throws RegistryException the first error that is not transient
     * @throws InterruptException when the thread is interrupted while waiting (its interrupt flag stays set)
     */
    public <T> T call(String what, Supplier<T> call) {
        long started = 0;
        long nextLog = 0;
        int attempts = 0;
        long pauseNanos = firstPause.toNanos();
        while (true) {
            attempts++;
            try {
                T answer = call.get();
                if (attempts > 1) {
                    LOG.info("schema registry answered again after {} s ({} attempts); went on to {}",
                            seconds(System.nanoTime() - started), attempts, what);
                }
                return answer;
            } catch (RegistryException e) {
                if (!e.isTransient()) {
                    if (e.getCause() instanceof InterruptedException) {
                        throw new InterruptException("interrupted while trying to " + what,
                                (InterruptedException) e.getCause());
                    }
                    throw e;
                }
                long now = System.nanoTime();
                if (attempts == 1) {
                    started = now;
                    nextLog = now + logEvery.toNanos();
                    LOG.warn("schema registry unavailable, waiting for it to {}: {}. Retrying every {} ms at most; "
                            + "the record waits in place, nothing is skipped or dead-lettered", what, e.getMessage(),
                            maxPause.toMillis());
                } else if (now - nextLog >= 0) {
                    nextLog = now + logEvery.toNanos();
                    LOG.warn("still waiting for the schema registry after {} s ({} attempts) to {}: {}",
                            seconds(now - started), attempts, what, e.getMessage());
                }
            }
            try {
                TimeUnit.NANOSECONDS.sleep(pauseNanos);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptException("interrupted while waiting for the schema registry to " + what, e);
            }
            pauseNanos = Math.min(pauseNanos * 2, maxPause.toNanos());
        }
    }

    private static long seconds(long nanos) {
        return Duration.ofNanos(nanos).toSeconds();
    }
}
