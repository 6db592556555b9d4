package dev.wnd.scorer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The newest offset each partition's consumer has fetched, so the scorer knows whether more requests are already
 * waiting behind the one it is processing: then it holds the request and scores them together in one forward
 * pass; at the newest fetched request it scores what it holds. Requests queue only when the scorer is behind, so
 * a lone request is never held and batches grow exactly as fast as the backlog does.
 *
 * <p>Fed by {@link Interceptor}, a consumer interceptor that the scorer's Streams configuration installs on its
 * main consumers ({@link #CONFIG} passes this instance to it). Thread-safe: consumers write, stream threads read;
 * a partition is polled by one consumer at a time and its offsets only grow.
 */
public final class FetchedOffsets {

    /** Consumer config key under which the interceptor finds the instance to feed. */
    public static final String CONFIG = "wnd.scorer.fetched-offsets";

    private final Map<TopicPartition, Long> newest = new ConcurrentHashMap<>();

    /** Whether a record of {@code topic}-{@code partition} later than {@code offset} has been fetched already. */
    public boolean moreFetchedAfter(String topic, int partition, long offset) {
        Long n = newest.get(new TopicPartition(topic, partition));
        return n != null && n > offset;
    }

    /** Notes that {@code partition}'s consumer has fetched up to {@code offset}. */
    public void fetched(TopicPartition partition, long offset) {
        newest.merge(partition, offset, Math::max);
    }

    /** Feeds the {@link FetchedOffsets} found under {@link #CONFIG} with every record a poll returns. */
    public static final class Interceptor implements ConsumerInterceptor<Object, Object> {
        private FetchedOffsets offsets;

        @Override
        public void configure(Map<String, ?> configs) {
            if (!(configs.get(CONFIG) instanceof FetchedOffsets given)) {
                throw new IllegalArgumentException(CONFIG + " must hold a " + FetchedOffsets.class.getName());
            }
            offsets = given;
        }

        @Override
        public ConsumerRecords<Object, Object> onConsume(ConsumerRecords<Object, Object> records) {
            for (TopicPartition p : records.partitions()) {
                var list = records.records(p);
                offsets.fetched(p, list.get(list.size() - 1).offset());
            }
            return records;
        }

        @Override
        public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {
        }

        @Override
        public void close() {
        }
    }
}
