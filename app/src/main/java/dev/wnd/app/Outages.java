package dev.wnd.app;

import org.apache.kafka.common.errors.RetriableException;

/**
 * Tells an outage (the cluster cannot be reached for now: a timeout, a lost connection, no leader) from an error that
 * waiting will not cure. A stage waits out the first and stops on the second.
 */
final class Outages {

    private Outages() {
    }

    /** Whether {@code e}, or an exception it wraps, is one Kafka calls retriable. */
    static boolean isOutage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RetriableException) {
                return true;
            }
        }
        return false;
    }

    /** The retriable cause, on one line. */
    static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RetriableException) {
                return t.getClass().getSimpleName() + ": " + t.getMessage();
            }
        }
        return e.toString();
    }
}
