package dev.wnd.ingest.csv;

/** Thrown by the field parsers when a line cannot be read into its record; cheap (no stack trace). */
final class RowRejection extends RuntimeException {

    private static final long serialVersionUID = 1L;

    RowRejection(String reason) {
        super(reason, null, false, false);
    }
}
