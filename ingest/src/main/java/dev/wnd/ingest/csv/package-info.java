/**
 * Streaming readers of the nine Outbrain CSV files ({@code .csv}, {@code .csv.gz} or {@code .csv.zip}), in constant
 * memory and without regular expressions: a {@link dev.wnd.ingest.csv.OutbrainReader} turns each data line into
 * either a parsed Avro record with its line number or a reject with the file, line and reason
 * ({@link dev.wnd.ingest.csv.CsvRow}). The nine files and their exact Kaggle headers are described by
 * {@link dev.wnd.ingest.csv.OutbrainFile}.
 */
package dev.wnd.ingest.csv;
