package dev.wnd.scorer;

/**
 * A mailbox of one between the model feed's follower and its applier: it holds the newest item offered since the
 * last {@link #take}, by rank (a model version's generation), and drops the others, so the applier never works
 * through a queue of versions already superseded. Thread-safe.
 *
 * @param <T> the item
 */
final class NewestOnly<T> {

    private T held;
    private long heldRank;
    private boolean closed;

    /**
     * Offers {@code item}: it replaces the item held if it ranks higher, else it is dropped itself.
     *
     * @return the item dropped (the one held before, or {@code item}), or null if none was; {@code item} once
     *     closed
     */
    synchronized T offer(T item, long rank) {
        if (closed) {
            return item;
        }
        if (held != null && heldRank >= rank) {
            return item;
        }
        T dropped = held;
        held = item;
        heldRank = rank;
        notifyAll();
        return dropped;
    }

    /**
     * The item held, which is then no longer held, waiting for one if none is.
     *
     * @return null once {@link #close closed}
     * @throws InterruptedException if interrupted while waiting
     */
    synchronized T take() throws InterruptedException {
        while (held == null && !closed) {
            wait();
        }
        if (closed) {
            return null;
        }
        T item = held;
        held = null;
        return item;
    }

    /** The item held, which is then no longer held; null if none is (or once closed). Never waits. */
    synchronized T poll() {
        T item = held;
        held = null;
        return item;
    }

    /** Drops what is held and wakes a waiting {@link #take}, which returns null, as every later one does. */
    synchronized void close() {
        closed = true;
        held = null;
        notifyAll();
    }
}
