package dev.wnd.ingest.inspect;

/**
 * Value range of one column over the accepted rows.
 *
 * @param min smallest value (null when every value was null or the file had no rows)
 * @param max largest value
 * @param nulls values that were empty or {@code \N}
 * @param distinct exact number of distinct values, where counted exactly (ids)
 * @param distinctApprox approximate number of distinct values (HyperLogLog, about 1% error), where counted so
 */
public record ColumnStats(Number min, Number max, long nulls, Long distinct, Long distinctApprox) {
}
