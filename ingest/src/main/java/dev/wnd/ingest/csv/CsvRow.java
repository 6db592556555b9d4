package dev.wnd.ingest.csv;

import java.util.Objects;

/**
 * One data line of an Outbrain CSV file: either {@link Parsed} into the file's Avro record, or {@link Rejected}
 * because it cannot be read into that schema.
 *
 * @param <T> the file's record type
 */
public sealed interface CsvRow<T> permits CsvRow.Parsed, CsvRow.Rejected {

    /** The 1-based line number of the row in its file; the header is line 1, so data starts at line 2. */
    long line();

    /**
     * A line read into its record.
     *
     * @param line 1-based line number (header = 1)
     * @param value the parsed record
     * @param <T> the record type
     */
    record Parsed<T>(long line, T value) implements CsvRow<T> {
        public Parsed {
            Objects.requireNonNull(value, "value");
        }
    }

    /**
     * A line that cannot be read into its file's schema.
     *
     * @param file the file name as found on disk (e.g. {@code events.csv.gz})
     * @param line 1-based line number (header = 1)
     * @param reason why the line was rejected, naming the column where one is at fault
     * @param text the line as read, truncated to {@link #MAX_TEXT} characters
     * @param <T> the record type the line should have become
     */
    record Rejected<T>(String file, long line, String reason, String text) implements CsvRow<T> {

        /** The longest line text kept in a reject. */
        public static final int MAX_TEXT = 1024;

        public Rejected {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(text, "text");
            if (line < 1) {
                throw new IllegalArgumentException("line must be >= 1, was " + line);
            }
        }

        @Override
        public String toString() {
            return file + ":" + line + ": " + reason;
        }
    }
}
