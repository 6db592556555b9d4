package dev.wnd.ingest.replay;

import dev.wnd.schemas.kafka.KafkaConnection;
import dev.wnd.schemas.topic.TopicPlan;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How to replay one data directory into Kafka; validated on construction. {@link #defaults(Path, String)} gives a
 * backfill at full speed.
 *
 * @param dataDir the directory holding the Outbrain files (any subset of the nine)
 * @param kafka the cluster and the client settings (security) of every client the replay starts
 * @param speed times real time: 1 replays a day of data in a day, 3600 an hour of data per second; 0 or less is a
 *     backfill, as fast as the broker takes it (default 0)
 * @param labelDelay how long after a display its labels are released, at least 1 ms (default
 *     {@link StreamOptions#DEFAULT_LABEL_DELAY}, one hour)
 * @param reorderBound how far back in time a record may be and still be put in order (default
 *     {@link StreamOptions#DEFAULT_REORDER_BOUND}, one minute); see {@link StreamOptions}
 * @param partitions partitions of the topics the replay creates (default 4); existing topics are checked against
 *     the {@link TopicPlan} and differences logged, never changed
 * @param replicationFactor replication factor of the topics the replay creates; empty (the default) for the
 *     broker's {@code default.replication.factor}
 * @param stopAfter stop once the replay position (records of the stream committed, counting earlier runs) reaches
 *     this; 0 for no limit (default 0). A later run resumes from there.
 * @param replayId names this replay's position and its transactional id ({@code wnd-replay-<replayId>}); replays of
 *     different data into the same topics need different ids (default {@code default})
 * @param transactionRecords records per transaction at most (default 20,000)
 * @param transactionInterval wall time per transaction at most (default 1 s), so that read_committed consumers see
 *     a slow replay promptly
 */
public record ReplayConfig(Path dataDir, KafkaConnection kafka, double speed, Duration labelDelay,
        Duration reorderBound, int partitions, Optional<Short> replicationFactor, long stopAfter, String replayId,
        int transactionRecords, Duration transactionInterval) {

    /** Default partitions of created topics. */
    public static final int DEFAULT_PARTITIONS = 4;
    /** Default records per transaction. */
    public static final int DEFAULT_TRANSACTION_RECORDS = 20_000;
    /** Default wall time per transaction. */
    public static final Duration DEFAULT_TRANSACTION_INTERVAL = Duration.ofSeconds(1);
    /** Default replay id. */
    public static final String DEFAULT_REPLAY_ID = "default";

    public ReplayConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(labelDelay, "labelDelay");
        Objects.requireNonNull(reorderBound, "reorderBound");
        Objects.requireNonNull(replayId, "replayId");
        Objects.requireNonNull(transactionInterval, "transactionInterval");
        if (Double.isNaN(speed) || Double.isInfinite(speed)) {
            throw new IllegalArgumentException("speed must be a finite number (<= 0 for a backfill), was " + speed);
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1, was " + partitions);
        }
        Objects.requireNonNull(replicationFactor, "replicationFactor");
        if (replicationFactor.isPresent() && replicationFactor.get() < 1) {
            throw new IllegalArgumentException("replicationFactor must be >= 1, was " + replicationFactor.get());
        }
        if (stopAfter < 0) {
            throw new IllegalArgumentException("stopAfter must be >= 0 (0 = no limit), was " + stopAfter);
        }
        if (replayId.isEmpty() || !replayId.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-'
                || c == '_' || c == '.')) {
            throw new IllegalArgumentException("replayId must be letters, digits, '-', '_' or '.', was '"
                    + replayId + "'");
        }
        if (transactionRecords < 1) {
            throw new IllegalArgumentException("transactionRecords must be >= 1, was " + transactionRecords);
        }
        if (transactionInterval.isZero() || transactionInterval.isNegative()) {
            throw new IllegalArgumentException("transactionInterval must be positive, was " + transactionInterval);
        }
        new StreamOptions(labelDelay, reorderBound, StreamOptions.DEFAULT_MAX_EVENT_RUNS);
    }

    /** A backfill of {@code dataDir} into the PLAINTEXT cluster at {@code bootstrapServers} with every default. */
    public static ReplayConfig defaults(Path dataDir, String bootstrapServers) {
        return defaults(dataDir, KafkaConnection.plaintext(bootstrapServers));
    }

    /** A backfill of {@code dataDir} into the cluster of {@code kafka} with every default. */
    public static ReplayConfig defaults(Path dataDir, KafkaConnection kafka) {
        return new ReplayConfig(dataDir, kafka, 0, StreamOptions.DEFAULT_LABEL_DELAY,
                StreamOptions.DEFAULT_REORDER_BOUND, DEFAULT_PARTITIONS, Optional.empty(), 0, DEFAULT_REPLAY_ID,
                DEFAULT_TRANSACTION_RECORDS, DEFAULT_TRANSACTION_INTERVAL);
    }

    /** The options that shape the stream (and its fingerprint). */
    public StreamOptions streamOptions() {
        return new StreamOptions(labelDelay, reorderBound, StreamOptions.DEFAULT_MAX_EVENT_RUNS);
    }

    /** The bootstrap servers of {@link #kafka()}. */
    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** Whether this is a backfill (no pacing). */
    public boolean isBackfill() {
        return speed <= 0;
    }

    /** This config with another speed (0 or less: backfill). */
    public ReplayConfig withSpeed(double newSpeed) {
        return new ReplayConfig(dataDir, kafka, newSpeed, labelDelay, reorderBound, partitions,
                replicationFactor, stopAfter, replayId, transactionRecords, transactionInterval);
    }

    /** This config with another label delay. */
    public ReplayConfig withLabelDelay(Duration delay) {
        return new ReplayConfig(dataDir, kafka, speed, delay, reorderBound, partitions, replicationFactor,
                stopAfter, replayId, transactionRecords, transactionInterval);
    }

    /** This config with another partition count and replication factor for created topics. */
    public ReplayConfig withTopicLayout(int newPartitions, short newReplicationFactor) {
        return withTopicLayout(newPartitions, Optional.of(newReplicationFactor));
    }

    /** This config with another partition count and replication factor (empty: the broker's default). */
    public ReplayConfig withTopicLayout(int newPartitions, Optional<Short> newReplicationFactor) {
        return new ReplayConfig(dataDir, kafka, speed, labelDelay, reorderBound, newPartitions,
                newReplicationFactor, stopAfter, replayId, transactionRecords, transactionInterval);
    }

    /** This config stopping once the position reaches {@code records} (0: no limit). */
    public ReplayConfig withStopAfter(long records) {
        return new ReplayConfig(dataDir, kafka, speed, labelDelay, reorderBound, partitions,
                replicationFactor, records, replayId, transactionRecords, transactionInterval);
    }

    /** This config with another replay id. */
    public ReplayConfig withReplayId(String id) {
        return new ReplayConfig(dataDir, kafka, speed, labelDelay, reorderBound, partitions,
                replicationFactor, stopAfter, id, transactionRecords, transactionInterval);
    }

    /** This config with other transaction limits. */
    public ReplayConfig withTransactions(int records, Duration interval) {
        return new ReplayConfig(dataDir, kafka, speed, labelDelay, reorderBound, partitions,
                replicationFactor, stopAfter, replayId, records, interval);
    }
}
