package dev.wnd.features.topology;

import dev.wnd.features.spec.EventTime;
import dev.wnd.features.fn.FeatureFunctions;
import dev.wnd.schemas.avro.Display;
import dev.wnd.schemas.avro.DocumentCategory;
import dev.wnd.schemas.avro.DocumentEntity;
import dev.wnd.schemas.avro.DocumentMeta;
import dev.wnd.schemas.avro.DocumentTopic;
import dev.wnd.schemas.avro.Label;
import dev.wnd.schemas.avro.PageView;
import dev.wnd.schemas.avro.PromotedContent;
import dev.wnd.schemas.topic.AppTopics;
import dev.wnd.schemas.topic.Topic;
import java.util.List;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Where one record of a test stream goes as the replay would write it: its input topic, key and Kafka timestamp.
 * Dimension rows at the epoch base minus 1 ms, page views and displays at their own time, labels at their release
 * time, all absolute (base + relative ms).
 *
 * @param topic the input topic
 * @param key the record key (uuid for user events, the id for dimension rows)
 * @param value the record
 * @param timestamp the Kafka timestamp, absolute ms
 * @param <K> key type
 * @param <V> value type
 */
record InputRecord<K, V>(Topic<K, V> topic, K key, V value, long timestamp) {

    static final long BASE = EventTime.EPOCH_BASE_MS;

    /** The routing of {@code record} among {@code topics}. */
    static InputRecord<?, ?> of(AppTopics topics, SpecificRecord record) {
        if (record instanceof PromotedContent p) {
            return new InputRecord<>(topics.promotedContent, p.getAdId(), p, BASE - 1);
        } else if (record instanceof DocumentMeta m) {
            return new InputRecord<>(topics.documentsMeta, m.getDocumentId(), m, BASE - 1);
        } else if (record instanceof DocumentTopic t) {
            return new InputRecord<>(topics.documentsTopics, t.getDocumentId(), t, BASE - 1);
        } else if (record instanceof DocumentEntity e) {
            return new InputRecord<>(topics.documentsEntities, e.getDocumentId(), e, BASE - 1);
        } else if (record instanceof DocumentCategory c) {
            return new InputRecord<>(topics.documentsCategories, c.getDocumentId(), c, BASE - 1);
        } else if (record instanceof PageView v) {
            return new InputRecord<>(topics.pageViews, v.getUuid(), v, BASE + v.getTimestamp());
        } else if (record instanceof Display d) {
            return new InputRecord<>(topics.displays, d.getUuid(), d, BASE + d.getTimestamp());
        } else if (record instanceof Label l) {
            return new InputRecord<>(topics.labels, l.getUuid(), l, BASE + l.getReleaseTimestamp());
        }
        throw new IllegalArgumentException("not an input record: " + record);
    }

    /** The key in bytes, as the topic's serde writes it. */
    byte[] keyBytes() {
        return topic.keySerde().serializer().serialize(topic.name(), key);
    }

    /** The value in bytes, as the topic's serde writes it. */
    byte[] valueBytes() {
        return topic.valueSerde().serializer().serialize(topic.name(), value);
    }

    /**
     * Produces {@code records} in order to the broker at {@code bootstrap}, routed as {@link #of} says, with the
     * default partitioner (by key bytes), as the replay would (non-transactional inputs).
     */
    static void produce(String bootstrap, AppTopics topics, List<SpecificRecord> records) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        // One request in flight: the 4.4 broker can answer an idempotent producer's retry after a first send to a
        // topic it has just created with OUT_OF_ORDER_SEQUENCE until the batch expires (seen in CI: OnlineLearnerIT).
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (SpecificRecord r : records) {
                InputRecord<?, ?> in = of(topics, r);
                producer.send(new ProducerRecord<>(in.topic().name(), null, in.timestamp(), in.keyBytes(),
                        in.valueBytes()));
            }
            producer.flush();
        }
    }
}
