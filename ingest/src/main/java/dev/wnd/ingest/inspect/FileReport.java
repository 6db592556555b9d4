package dev.wnd.ingest.inspect;

import java.util.List;
import java.util.Map;

/**
 * What inspecting one file found.
 *
 * @param file Kaggle's base name of the file kind, e.g. {@code events}
 * @param bytes size on disk
 * @param rows accepted data rows
 * @param rejected rejected data rows (all of them counted)
 * @param rejects the first rejected rows, at most the inspector's limit
 * @param blankLines blank lines skipped
 * @param coercedToNull values read as null because they did not parse where the schema allows it (publish_time)
 * @param columns value range per column, in column order
 * @param counts value counts of low-cardinality columns (platform, traffic_source, clicked, geo forms, ads per
 *     display, ...), by column then value
 * @param error why the file could not be read at all (wrong header); null when it was read
 */
public record FileReport(String file, long bytes, long rows, long rejected, List<RejectEntry> rejects,
        long blankLines, long coercedToNull, Map<String, ColumnStats> columns, Map<String, Map<String, Long>> counts,
        String error) {
}
