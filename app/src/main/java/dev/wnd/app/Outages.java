package dev.wnd.app;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells an outage (the cluster cannot be reached for now: a timeout, a lost connection, no leader) from an error that
 * waiting will not cure. A stage waits out the first and stops on the second.
 */
final class Outages {

    private Outages() {
    }

    /** The longest pause between two tries of something that cannot reach the cluster. */
    static final Duration MAX_PAUSE = Duration.ofSeconds(15);

    private static final Logger LOG = LoggerFactory.getLogger(Outages.class);

    /**
     * Whether {@code e}, or an exception it wraps, is one Kafka calls retriable, a client call that timed out waiting
     * for the cluster, or a broker host name that does not resolve yet (a container starting beside this one).
     */
    static boolean isOutage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RetriableException || t instanceof TimeoutException
                    || (t instanceof ConfigException
                            && String.valueOf(t.getMessage()).contains("No resolvable bootstrap urls"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs {@code action} until it does not fail for an outage: after each outage a pause (1 s, doubling up to
     * {@link #MAX_PAUSE}) and one log line naming {@code what} and the cluster. Any other failure ends it.
     */
    static <T> T waitOut(String what, String cluster, Supplier<T> action) {
        Duration pause = Duration.ofSeconds(1);
        while (true) {
            try {
                return action.get();
            } catch (RuntimeException e) {
                if (!isOutage(e)) {
                    throw e;
                }
                LOG.warn("the Kafka cluster {} cannot be reached ({}): {} again in {} s", cluster, describe(e), what,
                        pause.toSeconds());
                try {
                    Thread.sleep(pause.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                pause = nextPause(pause);
            }
        }
    }

    /** The pause after {@code pause}: twice as long, up to {@link #MAX_PAUSE}. */
    static Duration nextPause(Duration pause) {
        Duration doubled = pause.multipliedBy(2);
        return doubled.compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : doubled;
    }

    /** The retriable cause, on one line. */
    static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RetriableException || t instanceof TimeoutException
                    || t instanceof ConfigException) {
                return t.getClass().getSimpleName() + ": " + t.getMessage();
            }
        }
        return e.toString();
    }
}
