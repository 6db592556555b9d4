/**
 * Inspection of a directory of Outbrain CSV files: rows, rejects with line and reason, value ranges per column and
 * references that dangle across files, as JSON and as text ({@link dev.wnd.ingest.inspect.Inspector}).
 */
package dev.wnd.ingest.inspect;
