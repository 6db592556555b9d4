package dev.wnd.features.streams;

import dev.wnd.schemas.kafka.KafkaConnection;
import dev.wnd.schemas.registry.RegistryConnection;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Connection and processing settings shared by the Streams applications (features, scorer). Immutable.
 *
 * @param applicationId Streams application id (also the consumer group)
 * @param kafka the cluster and the client settings (security) every client of the application gets
 * @param registry the Confluent-compatible schema registry (URL, credentials, TLS), for the dead-letter handler
 * @param stateDir where RocksDB state lives
 * @param stage the stage name written into dead letters
 * @param exactlyOnce exactly_once_v2 when true, at_least_once otherwise
 * @param commitIntervalMs how often offsets and state are committed (and, under exactly-once, how long outputs
 *     stay invisible to read_committed consumers)
 */
public record StreamsSettings(String applicationId, KafkaConnection kafka, RegistryConnection registry, Path stateDir,
        String stage, boolean exactlyOnce, long commitIntervalMs) {

    public StreamsSettings {
        Objects.requireNonNull(applicationId, "applicationId");
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(stage, "stage");
        if (commitIntervalMs < 1) {
            throw new IllegalArgumentException("commitIntervalMs must be >= 1, got " + commitIntervalMs);
        }
    }

    /**
     * The Streams properties, dead-letter handling included: {@link DeadLetterHandler} handles deserialization,
     * processing and production errors (see there for what is dead-lettered and what stops the stage).
     */
    public Properties toProperties() {
        return toProperties(null);
    }

    /** As {@link #toProperties()}, with the dead-letter handler using {@code topics} (for tests without a registry). */
    public Properties toProperties(dev.wnd.schemas.topic.AppTopics topics) {
        Properties p = kafka.properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
                exactlyOnce ? StreamsConfig.EXACTLY_ONCE_V2 : StreamsConfig.AT_LEAST_ONCE);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitIntervalMs);
        // One produce request in flight: with more, the 4.4 broker answered transactions-v2 producers with bursts of
        // retriable OUT_OF_ORDER_SEQUENCE errors (KAFKA-18202); throughput was no worse with one.
        p.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION), 1);
        // An in-memory cache in front of every RocksDB store: hot keys (ads, campaigns, aspects) are read from
        // memory and their many updates reach RocksDB and the changelog once per commit.
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 128L * 1024 * 1024);
        // Internal topics (changelogs, repartition topics) get the broker's default.replication.factor: 1 on the
        // embedded broker, what the operator chose on a real cluster.
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, -1);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        // Wait briefly for every input partition to have data so records are merged in timestamp order.
        p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, 200L);
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class);
        // A record the broker refuses (too large) or that cannot be serialized is dead-lettered instead of failing
        // the stage, where it would fail again at every restart; an outage is retried, never dead-lettered.
        p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class);
        p.put("processing.exception.handler.global.enabled", true);
        p.put(DeadLetterHandler.REGISTRY_CONFIG, registry);
        p.put(DeadLetterHandler.STAGE_CONFIG, stage);
        if (topics != null) {
            p.put(DeadLetterHandler.TOPICS_CONFIG, topics);
        }
        return p;
    }
}
