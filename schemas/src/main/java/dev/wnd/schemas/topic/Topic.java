package dev.wnd.schemas.topic;

import java.util.Objects;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serde;

/**
 * A topic with the serdes of its keys and values, so that producers and topologies cannot mismatch them. How the
 * topic is laid out on the cluster (partitions, cleanup policy, retention) is declared in {@link TopicPlan}.
 *
 * @param name the Kafka topic name
 * @param keySerde serde of the keys
 * @param valueSerde serde of the values
 * @param <K> key type
 * @param <V> value type
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {

    public Topic {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(keySerde, "keySerde");
        Objects.requireNonNull(valueSerde, "valueSerde");
        if (name.isBlank() || !name.matches("[a-zA-Z0-9._-]+")) {
            throw new IllegalArgumentException("not a legal Kafka topic name: '" + name + "'");
        }
    }

    /** A record for this topic with an explicit event timestamp (ms). */
    public ProducerRecord<K, V> record(K key, V value, long timestampMs) {
        return new ProducerRecord<>(name, null, timestampMs, key, value);
    }
}
