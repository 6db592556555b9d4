package dev.wnd.ingest.inspect;

/**
 * A rejected line.
 *
 * @param line 1-based line number, the header being line 1
 * @param reason why it could not be read
 */
public record RejectEntry(long line, String reason) {
}
