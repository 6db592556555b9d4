package dev.wnd.ingest.inspect;

/**
 * Values of a column of one file that have no row in another file: counted, never rejected (real data is like that).
 *
 * @param from the referencing file, e.g. {@code clicks_train.csv}
 * @param column its column, e.g. {@code display_id}
 * @param to the file that should hold the value, e.g. {@code events.csv}
 * @param description what a dangling value means, e.g. "clicks whose display has no event row"
 * @param rows referencing rows whose value is missing from {@code to}
 * @param distinct distinct missing values
 */
public record ReferenceCheck(String from, String column, String to, String description, long rows, long distinct) {
}
