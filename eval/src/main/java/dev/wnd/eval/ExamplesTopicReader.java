package dev.wnd.eval;

import dev.wnd.schemas.avro.Example;
import dev.wnd.schemas.avro.Split;
import dev.wnd.schemas.kafka.KafkaConnection;
import dev.wnd.schemas.topic.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The evaluation job's input: reads the examples topic to its end (its last stable offsets, read_committed) and
 * turns it into what the {@link Evaluator} takes: every VALIDATION example scored by the model under evaluation,
 * in batches, and every TRAIN example's label (for the point-in-time ad-CTR baseline). Examples of another feature
 * spec and unreadable records are skipped and counted. The model comes in as an {@link ExampleScorer}, so this
 * module needs no model code.
 */
public final class ExamplesTopicReader {

    private static final Logger LOG = LoggerFactory.getLogger(ExamplesTopicReader.class);

    /** Scores a batch of validation examples: one click probability per example, in order. */
    @FunctionalInterface
    public interface ExampleScorer {
        float[] score(List<Example> examples);
    }

    /**
     * Sees every Example read (both splits, in topic order, after the spec check), for a method that trains on the
     * same Examples as the model, such as {@link GbdtPeer}.
     */
    @FunctionalInterface
    public interface ExampleSink {
        void accept(Example example);
    }

    /**
     * What was read.
     *
     * @param scored the VALIDATION examples with their probabilities
     * @param train the TRAIN examples' labels
     * @param skipped unreadable examples and examples of another feature spec
     */
    public record Collected(List<ScoredRow> scored, List<TrainLabel> train, long skipped) {
    }

    private final KafkaConnection kafka;
    private final Topic<?, Example> examples;
    private final String specHash;
    private final int batchSize;
    private final Duration timeout;

    /**
     * @param kafka the cluster
     * @param examples the examples topic
     * @param specHash the feature spec the model reads; other examples are skipped
     * @param batchSize validation examples per scoring call, at least 1
     * @param timeout how long reading to the end may take
     */
    public ExamplesTopicReader(KafkaConnection kafka, Topic<?, Example> examples, String specHash, int batchSize,
            Duration timeout) {
        this.kafka = Objects.requireNonNull(kafka, "kafka");
        this.examples = Objects.requireNonNull(examples, "examples");
        this.specHash = Objects.requireNonNull(specHash, "specHash");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        this.batchSize = batchSize;
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /**
     * Reads the topic from its beginning to the end it has now.
     *
     * @throws IllegalStateException when the end is not reached within the timeout
     */
    public Collected read(ExampleScorer scorer) {
        return read(scorer, e -> { });
    }

    /**
     * Reads the topic from its beginning to the end it has now, also handing every Example to {@code sink}. The
     * VALIDATION examples reach the sink in the order of {@link Collected#scored()}.
     *
     * @throws IllegalStateException when the end is not reached within the timeout
     */
    public Collected read(ExampleScorer scorer, ExampleSink sink) {
        Objects.requireNonNull(sink, "sink");
        List<ScoredRow> scored = new ArrayList<>();
        List<TrainLabel> train = new ArrayList<>();
        List<Example> pending = new ArrayList<>(batchSize);
        long skipped = 0;
        Deserializer<Example> values = examples.valueSerde().deserializer();
        Properties p = kafka.properties();
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.max(500, batchSize));
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(examples.name(), Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(examples.name(), info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions); // the last stable offsets
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read the examples topic to its end within "
                            + timeout.toSeconds() + " s");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    Example e;
                    try {
                        e = values.deserialize(record.topic(), record.value());
                    } catch (SerializationException ex) {
                        LOG.warn("skipping unreadable example at {}-{}@{}: {}", record.topic(), record.partition(),
                                record.offset(), ex.toString());
                        skipped++;
                        continue;
                    }
                    if (e == null) {
                        continue;
                    }
                    if (!specHash.equals(e.getSpecHash())) {
                        skipped++;
                        continue;
                    }
                    sink.accept(e);
                    if (e.getSplit() == Split.VALIDATION) {
                        pending.add(e);
                        if (pending.size() >= batchSize) {
                            score(scorer, pending, scored);
                        }
                    } else {
                        train.add(new TrainLabel(e.getAdId(), e.getTimestamp(), e.getLabel()));
                    }
                }
            }
            score(scorer, pending, scored);
        }
        if (skipped > 0) {
            LOG.warn("skipped {} examples (unreadable or not built with feature spec {})", skipped, specHash);
        }
        LOG.info("scored {} validation examples; {} TRAIN labels for the ad-CTR baseline", scored.size(),
                train.size());
        return new Collected(scored, train, skipped);
    }

    private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** Scores {@code pending}, appends the scored rows and clears it. */
    private static void score(ExampleScorer scorer, List<Example> pending, List<ScoredRow> out) {
        if (pending.isEmpty()) {
            return;
        }
        float[] probabilities = scorer.score(pending);
        if (probabilities.length != pending.size()) {
            throw new IllegalStateException("the scorer gave " + probabilities.length + " probabilities for "
                    + pending.size() + " examples");
        }
        for (int i = 0; i < pending.size(); i++) {
            Example e = pending.get(i);
            out.add(new ScoredRow(e.getDisplayId(), e.getAdId(), e.getTimestamp(), probabilities[i], e.getLabel()));
        }
        pending.clear();
    }
}
