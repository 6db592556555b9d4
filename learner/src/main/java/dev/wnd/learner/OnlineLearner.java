package dev.wnd.learner;

import dev.wnd.model.Batch;
import dev.wnd.schemas.avro.DeadLetter;
import dev.wnd.schemas.avro.Example;
import dev.wnd.schemas.avro.ModelVersion;
import dev.wnd.schemas.avro.Split;
import dev.wnd.schemas.topic.AppTopics;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The micro-batch learner: reads Examples (read_committed), scores validation examples for the online metrics
 * without training on them, trains on train examples in batches, and checkpoints with the input offsets it has
 * consumed, announcing each checkpoint as a ModelVersion.
 *
 * <p>Exactly-once training: the input position lives in the checkpoint, not in a consumer group. A restart seeks
 * to the newest checkpoint's offsets, so an example is trained once whatever the crash point. A checkpoint is
 * only ever taken right after a batch was trained, and records the position just past that batch's last record.
 *
 * <p>Threading: {@link #run} confines the model to the calling thread; {@link #stop} may be called from any thread.
 */
public final class OnlineLearner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OnlineLearner.class);

    private final LearnerConfig config;
    private final AppTopics topics;
    private final TrainableModel model;
    private final OnlineMetrics metrics;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<String, byte[]> producer;
    private final Map<TopicPartition, Long> position = new HashMap<>();
    private final List<Example> trainBuffer = new ArrayList<>();
    private final List<Example> validationBuffer = new ArrayList<>();
    private Map<TopicPartition, Long> positionAfterLastBatch = new HashMap<>();
    /** A learning-curve point is written every this many batches. */
    private static final int METRICS_EVERY_BATCHES = 5;

    private volatile boolean stopping;
    private long batches;
    private long trainedSinceCheckpoint;
    private long lastCheckpointNanos = System.nanoTime();
    private long streamTime;
    private long deadLetters;
    private double lastLoss = Double.NaN;
    private String lastVersion;

    public OnlineLearner(LearnerConfig config, AppTopics topics, TrainableModel model, OnlineMetrics metrics) {
        this.config = config;
        this.topics = topics;
        this.model = model;
        this.metrics = metrics;
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.max(500, config.batchSize()));
        this.consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        this.producer = new KafkaProducer<>(p, Serdes.String().serializer(), Serdes.ByteArray().serializer());
    }

    /**
     * Learns until {@link #stop()} is called, or until {@code upstreamDrained} answers true while the learner has
     * consumed everything there is; then trains what is buffered, checkpoints and returns.
     */
    public Summary run(BooleanSupplier upstreamDrained) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo info : consumer.partitionsFor(topics.examples.name(), Duration.ofSeconds(30))) {
            partitions.add(new TopicPartition(info.topic(), info.partition()));
        }
        consumer.assign(partitions);
        Map<String, Long> restored = model.restoredOffsets();
        for (TopicPartition tp : partitions) {
            Long offset = restored.get(name(tp));
            if (offset == null) {
                consumer.seekToBeginning(List.of(tp));
            } else {
                consumer.seek(tp, offset);
                position.put(tp, offset);
            }
        }
        positionAfterLastBatch = new HashMap<>(position);
        LOG.info("learning from {} ({} partitions), resuming at {} after {} examples trained",
                topics.examples.name(), partitions.size(), restored.isEmpty() ? "the beginning" : restored,
                model.examplesTrained());
        long oldestBuffered = 0;
        long started = System.nanoTime();
        long startExamples = model.examplesTrained();
        long lastLog = System.nanoTime();
        try {
            while (!stopping) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    accept(record);
                    if (trainBuffer.size() == 1) {
                        oldestBuffered = System.nanoTime();
                    }
                    if (trainBuffer.size() >= config.batchSize()) {
                        trainBuffered();
                        maybeCheckpoint();
                    }
                }
                if (!config.deterministic() && !trainBuffer.isEmpty()
                        && System.nanoTime() - oldestBuffered >= config.maxBatchWait().toNanos()) {
                    trainBuffered();
                    maybeCheckpoint();
                }
                if (System.nanoTime() - lastLog > 10_000_000_000L) {
                    logProgress(started, startExamples);
                    lastLog = System.nanoTime();
                }
                if (records.isEmpty() && caughtUp(partitions) && upstreamDrained.getAsBoolean()
                        && caughtUp(partitions)) {
                    LOG.info("input drained: finishing");
                    break;
                }
            }
        } catch (WakeupException e) {
            // stop() was called
        }
        scoreValidation();
        if (!trainBuffer.isEmpty()) {
            trainBuffered();
        }
        if (trainedSinceCheckpoint > 0 || lastVersion == null) {
            checkpoint();
        }
        logProgress(started, startExamples);
        return new Summary(model.examplesTrained(), metrics.examplesSeen(), deadLetters, lastVersion,
                metrics.snapshot());
    }

    /** Asks {@link #run} to finish (train what is buffered, checkpoint, return). Thread-safe. */
    public void stop() {
        stopping = true;
        consumer.wakeup();
    }

    private boolean caughtUp(List<TopicPartition> partitions) {
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        for (TopicPartition tp : partitions) {
            if (consumer.position(tp) < end.get(tp)) {
                return false;
            }
        }
        return true;
    }

    private void accept(ConsumerRecord<byte[], byte[]> record) {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        position.put(tp, record.offset() + 1);
        Example example;
        try {
            example = topics.examples.valueSerde().deserializer().deserialize(record.topic(), record.value());
        } catch (RuntimeException e) {
            deadLetter(record, "cannot deserialize: " + e.getMessage());
            return;
        }
        if (example == null) {
            return;
        }
        if (!model.specHash().equals(example.getSpecHash())) {
            deadLetter(record, "example built with feature spec " + example.getSpecHash() + ", the model expects "
                    + model.specHash());
            return;
        }
        streamTime = Math.max(streamTime, example.getTimestamp());
        if (example.getSplit() == Split.VALIDATION) {
            validationBuffer.add(example);
            if (validationBuffer.size() >= config.batchSize()) {
                scoreValidation();
            }
        } else {
            trainBuffer.add(example);
        }
    }

    private void trainBuffered() {
        // Score validation examples that arrived before this batch with the model as it was when they arrived.
        scoreValidation();
        lastLoss = model.train(toBatch(trainBuffer));
        trainedSinceCheckpoint += trainBuffer.size();
        if (++batches % METRICS_EVERY_BATCHES == 0) {
            appendMetrics(metrics.snapshot());
        }
        trainBuffer.clear();
        positionAfterLastBatch = new HashMap<>(position);
    }

    private void scoreValidation() {
        if (validationBuffer.isEmpty()) {
            return;
        }
        float[] p = model.predict(toBatch(validationBuffer));
        for (int i = 0; i < p.length; i++) {
            Example e = validationBuffer.get(i);
            metrics.add(e.getDisplayId(), e.getAdId(), p[i], e.getLabel());
        }
        validationBuffer.clear();
    }

    private void maybeCheckpoint() {
        boolean byCount = config.checkpointEveryExamples() > 0
                && trainedSinceCheckpoint >= config.checkpointEveryExamples();
        boolean byTime = !config.checkpointEvery().isZero()
                && System.nanoTime() - lastCheckpointNanos >= config.checkpointEvery().toNanos();
        if (byCount || byTime) {
            checkpoint();
        }
    }

    private void checkpoint() {
        Map<String, Long> offsets = new HashMap<>();
        positionAfterLastBatch.forEach((tp, offset) -> offsets.put(name(tp), offset));
        TrainableModel.Checkpointed saved = model.checkpoint(offsets, model.examplesTrained(), streamTime);
        lastVersion = saved.version();
        trainedSinceCheckpoint = 0;
        lastCheckpointNanos = System.nanoTime();
        ModelVersion announcement = ModelVersion.newBuilder()
                .setVersion(saved.version())
                .setPath(saved.path())
                .setSpecHash(model.specHash())
                .setExamplesTrained(model.examplesTrained())
                .setStreamTime(streamTime)
                .setCreatedMs(System.currentTimeMillis())
                .build();
        String topic = topics.modelVersions.name();
        producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, config.modelName(),
                topics.modelVersions.valueSerde().serializer().serialize(topic, announcement)));
        producer.flush();
        LOG.info("checkpoint {} after {} examples, offsets {}", saved.version(), model.examplesTrained(), offsets);
    }

    private void deadLetter(ConsumerRecord<byte[], byte[]> record, String reason) {
        deadLetters++;
        LOG.warn("dead letter from {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), reason);
        DeadLetter letter = DeadLetter.newBuilder().setStage("learner").setSource(record.topic())
                .setPartition(record.partition()).setOffset(record.offset()).setReason(reason)
                .setPayload(record.value() == null ? null : ByteBuffer.wrap(record.value()))
                .setTimestamp(System.currentTimeMillis()).build();
        String topic = topics.deadLetters.name();
        producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, record.topic(),
                topics.deadLetters.valueSerde().serializer().serialize(topic, letter)));
    }

    private void logProgress(long startedNanos, long startExamples) {
        double seconds = (System.nanoTime() - startedNanos) / 1e9;
        long trained = model.examplesTrained() - startExamples;
        OnlineMetrics.Snapshot s = metrics.snapshot();
        LOG.info(String.format("trained %,d examples (%.0f/s), last batch loss %.4f; validation window %d displays:"
                + " logloss %.4f, AUC %.4f, MAP@12 %.4f", trained, trained / Math.max(seconds, 1e-9), lastLoss,
                s.displays(), s.logloss(), s.auc(), s.map12()));
        appendMetrics(s);
    }

    /** One JSON line of the online metrics for the report's learning curves. */
    private void appendMetrics(OnlineMetrics.Snapshot s) {
        if (config.metricsLog() != null) {
            String line = String.format(java.util.Locale.ROOT, "{\"wall_ms\": %d, \"stream_time\": %d, "
                    + "\"examples_trained\": %d, \"validation_examples\": %d, \"train_loss\": %s, "
                    + "\"window_displays\": %d, \"logloss\": %s, \"auc\": %s, \"map12\": %s}%n",
                    System.currentTimeMillis(), streamTime, model.examplesTrained(), metrics.examplesSeen(),
                    json(lastLoss), s.displays(), json(s.logloss()), json(s.auc()), json(s.map12()));
            try {
                java.nio.file.Files.writeString(config.metricsLog(), line, java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.APPEND);
            } catch (java.io.IOException e) {
                LOG.warn("cannot append to the metrics log {}: {}", config.metricsLog(), e.toString());
            }
        }
    }

    private static String json(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "null";
    }

    private Batch toBatch(List<Example> examples) {
        int n = examples.size();
        int slots = examples.get(0).getCategorical().size();
        int numerics = examples.get(0).getNumeric().size();
        int[] cat = new int[n * slots];
        float[] num = new float[n * numerics];
        float[] labels = new float[n];
        for (int i = 0; i < n; i++) {
            Example e = examples.get(i);
            List<Integer> c = e.getCategorical();
            for (int j = 0; j < slots; j++) {
                cat[i * slots + j] = c.get(j);
            }
            List<Float> x = e.getNumeric();
            for (int j = 0; j < numerics; j++) {
                num[i * numerics + j] = x.get(j);
            }
            labels[i] = e.getLabel();
        }
        return new Batch(n, cat, num, labels);
    }

    private static String name(TopicPartition tp) {
        return tp.topic() + "-" + tp.partition();
    }

    @Override
    public void close() {
        consumer.close();
        producer.close();
    }

    /** What a run did. */
    public record Summary(long examplesTrained, long validationExamples, long deadLetters, String lastVersion,
            OnlineMetrics.Snapshot validation) {
    }
}
