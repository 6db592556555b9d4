package dev.wnd.embedded;

/** Thrown when an embedded broker or schema registry cannot start (or does not become ready in time). */
public class EmbeddedStartupException extends RuntimeException {
    public EmbeddedStartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
