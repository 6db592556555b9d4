/**
 * What the two Kafka Streams applications, features and scorer, share around their topologies: their Streams settings
 * ({@link dev.wnd.features.streams.StreamsSettings}), the dead-letter handler for records that cannot be read,
 * processed or produced ({@link dev.wnd.features.streams.DeadLetterHandler}), and the admin work done before they
 * start: checking that their event topics are co-partitioned and creating the CTR updates topic of several
 * partitions ({@link dev.wnd.features.streams.InputPartitions}, {@link dev.wnd.features.streams.StatePartitioning}),
 * and purging what they have consumed of it ({@link dev.wnd.features.streams.ConsumedRecordsPurger}). Public API of
 * Kafka only.
 */
package dev.wnd.features.streams;
