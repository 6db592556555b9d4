package dev.wnd.learner;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The deterministic mode's order of the input, independent of how the broker's fetches interleave the partitions:
 * a merge that always takes, among the next unprocessed record of every partition, the one with the smallest
 * (record timestamp, partition). The order of the next record is decided only while every partition that may still
 * receive records has one queued; a partition that is exhausted (read to its end once upstream has said no more
 * input will come) no longer holds the merge back. The merge of the partitions' suffixes from any position is the
 * suffix of the merge of the whole partitions, so a learner restarted at a checkpoint's offsets goes on with the same
 * sequence. Pure: no consumer, no clock; not thread-safe.
 *
 * @param <K> record key type
 * @param <V> record value type
 */
final class CanonicalMerge<K, V> {

    private final Comparator<ConsumerRecord<K, V>> order =
            Comparator.<ConsumerRecord<K, V>>comparingLong(ConsumerRecord::timestamp)
                    .thenComparingInt(ConsumerRecord::partition);
    private final Map<TopicPartition, ArrayDeque<ConsumerRecord<K, V>>> queues = new LinkedHashMap<>();
    private final Set<TopicPartition> exhausted = new HashSet<>();

    /** @param partitions the input's partitions */
    CanonicalMerge(List<TopicPartition> partitions) {
        partitions.stream().sorted(Comparator.comparing(TopicPartition::topic)
                .thenComparingInt(TopicPartition::partition)).forEach(tp -> queues.put(tp, new ArrayDeque<>()));
    }

    /** Queues records of one partition, consumed in offset order after those already queued. */
    void add(TopicPartition tp, List<ConsumerRecord<K, V>> records) {
        ArrayDeque<ConsumerRecord<K, V>> queue = queues.get(tp);
        if (queue == null) {
            throw new IllegalArgumentException("not an input partition of this merge: " + tp);
        }
        queue.addAll(records);
    }

    /**
     * Takes the next record in the canonical order, if that is decided: empty while a partition that may still
     * receive records has none queued ({@link #waitingFor()}), and when everything queued has been taken.
     */
    Optional<ConsumerRecord<K, V>> next() {
        ArrayDeque<ConsumerRecord<K, V>> best = null;
        for (Map.Entry<TopicPartition, ArrayDeque<ConsumerRecord<K, V>>> e : queues.entrySet()) {
            ArrayDeque<ConsumerRecord<K, V>> queue = e.getValue();
            if (queue.isEmpty()) {
                if (exhausted.contains(e.getKey())) {
                    continue;
                }
                return Optional.empty(); // its next record may come first: undecided
            }
            if (best == null || order.compare(queue.peekFirst(), best.peekFirst()) < 0) {
                best = queue;
            }
        }
        return best == null ? Optional.empty() : Optional.of(best.removeFirst());
    }

    /** The partitions the merge waits for: none queued and not exhausted. */
    List<TopicPartition> waitingFor() {
        List<TopicPartition> waiting = new ArrayList<>();
        queues.forEach((tp, queue) -> {
            if (queue.isEmpty() && !exhausted.contains(tp)) {
                waiting.add(tp);
            }
        });
        return waiting;
    }

    /** Marks {@code tp} as read to its final end: no record of it will follow. */
    void exhaust(TopicPartition tp) {
        exhausted.add(tp);
    }

    /** Whether every partition is exhausted and every record taken: the end of the input. */
    boolean finished() {
        return queues.entrySet().stream().allMatch(e -> e.getValue().isEmpty() && exhausted.contains(e.getKey()));
    }

    /** Records of {@code tp} queued and not taken. */
    int queued(TopicPartition tp) {
        return queues.get(tp).size();
    }

    /** Records queued and not taken, in all. */
    int queued() {
        return queues.values().stream().mapToInt(ArrayDeque::size).sum();
    }

    /** Forgets every queued record and every exhausted mark (a new pass over the input). */
    void reset() {
        queues.values().forEach(ArrayDeque::clear);
        exhausted.clear();
    }
}
