package dev.wnd.learner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The deterministic mode's merge, without a broker: records are built by hand, fetches interleaved at will. */
class CanonicalMergeTest {

    private static final TopicPartition P0 = new TopicPartition("examples", 0);
    private static final TopicPartition P1 = new TopicPartition("examples", 1);

    private static ConsumerRecord<String, String> record(TopicPartition tp, long offset, long timestamp) {
        return new ConsumerRecord<>(tp.topic(), tp.partition(), offset, timestamp,
                org.apache.kafka.common.record.TimestampType.CREATE_TIME, 0, 0, null, tp.partition() + "@" + offset,
                new org.apache.kafka.common.header.internals.RecordHeaders(), Optional.empty());
    }

    @Test
    void shouldTakeTheSmallestTimestampThenTheLowerPartition() {
        CanonicalMerge<String, String> merge = new CanonicalMerge<>(List.of(P1, P0));
        merge.add(P0, List.of(record(P0, 0, 10), record(P0, 1, 30)));
        merge.add(P1, List.of(record(P1, 0, 10), record(P1, 1, 20)));
        merge.exhaust(P0);
        merge.exhaust(P1);

        assertThat(drain(merge)).containsExactly("0@0", "1@0", "1@1", "0@1");
        assertThat(merge.finished()).isTrue();
    }

    @Test
    void shouldWaitForAPartitionThatMayStillReceiveRecords() {
        CanonicalMerge<String, String> merge = new CanonicalMerge<>(List.of(P0, P1));
        merge.add(P0, List.of(record(P0, 0, 10)));

        assertThat(merge.next()).as("P1's next record may come first").isEmpty();
        assertThat(merge.waitingFor()).containsExactly(P1);

        merge.exhaust(P1);
        assertThat(drain(merge)).containsExactly("0@0");
        assertThat(merge.waitingFor()).containsExactly(P0);
        assertThat(merge.finished()).isFalse();
    }

    @Test
    void shouldGiveTheSameSequenceHoweverTheFetchesInterleaveAndFromAnyResumePoint() {
        List<ConsumerRecord<String, String>> p0 = new ArrayList<>();
        List<ConsumerRecord<String, String>> p1 = new ArrayList<>();
        Random random = new Random(7);
        for (int i = 0; i < 200; i++) {
            p0.add(record(P0, i, random.nextInt(1_000)));
            p1.add(record(P1, i, random.nextInt(1_000)));
        }
        p0.sort(java.util.Comparator.comparingLong(ConsumerRecord::timestamp));
        p1.sort(java.util.Comparator.comparingLong(ConsumerRecord::timestamp));
        p0 = renumber(P0, p0);
        p1 = renumber(P1, p1);
        List<String> whole = mergeInChunks(p0, p1, 0, 0, new Random(1));

        for (int seed = 2; seed < 12; seed++) {
            assertThat(mergeInChunks(p0, p1, 0, 0, new Random(seed))).as("fetch order %d", seed)
                    .isEqualTo(whole);
        }
        // Resuming at the offsets reached after any prefix continues the same sequence.
        for (int cut : List.of(1, 57, 200, 399)) {
            List<String> prefix = whole.subList(0, cut);
            long from0 = prefix.stream().filter(s -> s.startsWith("0@")).count();
            long from1 = prefix.stream().filter(s -> s.startsWith("1@")).count();
            assertThat(mergeInChunks(p0, p1, (int) from0, (int) from1, new Random(cut)))
                    .isEqualTo(whole.subList(cut, whole.size()));
        }
    }

    @Test
    void shouldStartAPassAfreshOnReset() {
        CanonicalMerge<String, String> merge = new CanonicalMerge<>(List.of(P0, P1));
        merge.add(P0, List.of(record(P0, 0, 1)));
        merge.exhaust(P1);
        merge.reset();
        assertThat(merge.queued()).isZero();
        assertThat(merge.waitingFor()).containsExactly(P0, P1);
    }

    /** Feeds the two partitions from the given offsets in random chunks, as fetches would; returns the order taken. */
    private static List<String> mergeInChunks(List<ConsumerRecord<String, String>> p0,
            List<ConsumerRecord<String, String>> p1, int from0, int from1, Random random) {
        CanonicalMerge<String, String> merge = new CanonicalMerge<>(List.of(P0, P1));
        int at0 = from0;
        int at1 = from1;
        List<String> out = new ArrayList<>();
        while (!merge.finished()) {
            if (random.nextBoolean() && at0 < p0.size()) {
                int n = Math.min(p0.size() - at0, 1 + random.nextInt(30));
                merge.add(P0, p0.subList(at0, at0 + n));
                at0 += n;
            } else if (at1 < p1.size()) {
                int n = Math.min(p1.size() - at1, 1 + random.nextInt(30));
                merge.add(P1, p1.subList(at1, at1 + n));
                at1 += n;
            }
            if (at0 == p0.size()) {
                merge.exhaust(P0);
            }
            if (at1 == p1.size()) {
                merge.exhaust(P1);
            }
            out.addAll(drain(merge));
        }
        return out;
    }

    private static List<ConsumerRecord<String, String>> renumber(TopicPartition tp,
            List<ConsumerRecord<String, String>> records) {
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            out.add(record(tp, i, records.get(i).timestamp()));
        }
        return out;
    }

    private static List<String> drain(CanonicalMerge<String, String> merge) {
        List<String> out = new ArrayList<>();
        for (Optional<ConsumerRecord<String, String>> r = merge.next(); r.isPresent(); r = merge.next()) {
            out.add(r.get().value());
        }
        return out;
    }
}
