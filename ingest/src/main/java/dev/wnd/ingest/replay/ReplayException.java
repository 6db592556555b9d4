package dev.wnd.ingest.replay;

/** A replay that cannot go on: the broker refused it, or the topics hold a replay of other input. */
public final class ReplayException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message what went wrong and what to do about it */
    public ReplayException(String message) {
        super(message);
    }

    /** @param message what went wrong @param cause the underlying failure */
    public ReplayException(String message, Throwable cause) {
        super(message, cause);
    }
}
