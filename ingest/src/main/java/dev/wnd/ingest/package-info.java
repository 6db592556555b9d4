/**
 * Getting the Outbrain Click Prediction data into the system: readers of the nine Kaggle CSV files
 * ({@link dev.wnd.ingest.csv}), a whole-directory inspection report ({@link dev.wnd.ingest.inspect}), a synthetic data
 * set with a planted click model ({@link dev.wnd.ingest.generate}) and the event-time replay into Kafka
 * ({@link dev.wnd.ingest.replay}).
 *
 * <p>Timestamps in the CSV files are milliseconds after {@link dev.wnd.features.spec.EventTime#EPOCH_BASE_MS}
 * (2016-06-14 04:00 UTC); Avro records keep that relative value, Kafka record timestamps are absolute.
 */
package dev.wnd.ingest;
