package dev.wnd.learner;

import dev.wnd.model.Batch;
import dev.wnd.schemas.avro.DeadLetter;
import dev.wnd.schemas.avro.Example;
import dev.wnd.schemas.avro.ModelVersion;
import dev.wnd.schemas.avro.Split;
import dev.wnd.schemas.topic.AppTopics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
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
 * <p><b>Serving snapshots</b> ({@link LearnerConfig#servingSnapshotEvery()}): between full checkpoints, which
 * carry the optimizer state and are the only recovery points, the learner publishes the parameters alone after a
 * batch, at their own cadence, and announces each one as a ModelVersion the same way, so that scorers follow the
 * model closely while full checkpoints stay rare. A snapshot changes nothing the learner resumes from: a restart
 * still seeks to the newest full checkpoint's offsets.
 *
 * <p>Exactly-once training: the input position lives in the checkpoint, not in a consumer group. A restart seeks
 * to the newest checkpoint's offsets, so an example is trained once whatever the crash point. A checkpoint is
 * only ever taken right after a batch was trained (or, at the end of a run, once everything consumed has been
 * trained or scored), and records the position just past the last record handled: every train record before it
 * was trained, every validation record before it scored, every bad record before it dead-lettered. A record that
 * was only consumed, not yet handled, lies after the recorded position and is read again after a restart.
 *
 * <p><b>Deterministic mode</b> ({@link LearnerConfig#deterministic()}): the parameters are a function of the input
 * log alone, whatever the crashes and restarts, so that a run killed at any moment and restarted ends bit-identical
 * to an uninterrupted one. Three rules make it so:
 * <ol>
 *   <li>Records are processed in one canonical order, independent of how the broker's fetches interleave the
 *       partitions: a merge that always takes, among the next unprocessed record of every partition, the one with
 *       the smallest (record timestamp, partition). The merge waits while some partition has no next record
 *       buffered, unless that partition is exhausted (consumed to its end after {@code upstreamDrained} said no
 *       more input will come). The merge of the logs' suffixes from any checkpoint is the suffix of the merge of
 *       the whole logs, so a restart resumes the same sequence.</li>
 *   <li>Batches are cut by size alone, every {@code batchSize} train examples of that sequence; the only partial
 *       batch ever trained is the last one, at the true end of the input ({@code upstreamDrained}).</li>
 *   <li>{@link #stop()} does not train the partial batch it interrupts: it checkpoints (if anything was trained
 *       since the last checkpoint) the position just past the last full batch, and the next run reads the rest
 *       again.</li>
 * </ol>
 * The price is liveness: a partition that receives nothing holds the learner back until upstream is drained.
 * Validation scoring never changes the parameters ({@link TrainableModel#predict}), so it may happen at any time.
 *
 * <p><b>Several passes</b> ({@link LearnerConfig#epochs()} &gt; 1): when the input is drained (as above: caught up
 * with {@code upstreamDrained} true), the learner finishes the pass like the end of a run (scores what is buffered,
 * trains the partial batch), seeks every partition to its beginning, checkpoints that position with the next pass
 * number, and reads the topic again, until it has made {@code epochs} passes. Validation examples are scored in the
 * first pass only (the online metrics are prequential) and are never trained, in any pass. A checkpoint records the
 * pass its offsets lie in ({@link TrainableModel#restoredEpoch()}); a restart mid-pass resumes that pass at those
 * offsets, so every train example is still trained exactly once per pass, and makes the passes that are left. A
 * learner whose upstream never drains (a live stream) makes one endless pass.
 *
 * <p><b>A checkpoint that cannot be written</b> (a full disk) fails alone: the store removes what it wrote, the
 * previous checkpoint stays the recovery point, the failure is logged as one WARN line, and the learner trains on and
 * tries again at the next checkpoint moment; the learner stops (throws {@link CheckpointFailedException} out of
 * {@link #run}) only when the final checkpoint of a run fails or when more than
 * {@link LearnerConfig#maxFailedCheckpoints()} fail in a row. Either way exactly-once holds: every checkpoint on
 * disk pairs parameters with the offsets they were trained to, so a restart, or the next checkpoint once there is
 * space, continues without losing or repeating an example (and in deterministic mode ends bit-identical to a run
 * that never failed). A serving snapshot that cannot be written is skipped with one WARN line.
 *
 * <p>Online metrics are kept in memory: after a restart the window starts empty, and validation records after
 * the restored checkpoint are scored again (with the restored model, as the uninterrupted run scored them); the
 * metrics log's {@code validation_examples} counts from the start of the process.
 *
 * <p>Threading: {@link #run} confines the model to the calling thread; {@link #stop} may be called from any thread.
 */
public final class OnlineLearner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OnlineLearner.class);

    private final LearnerConfig config;
    private final AppTopics topics;
    private final TrainableModel model;
    private final OnlineMetrics metrics;
    private final LearnerMetrics meters;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<String, byte[]> producer;
    /** Next offset per partition after the last record processed ({@link #accept}ed). */
    private final Map<TopicPartition, Long> position = new HashMap<>();
    private final List<Example> trainBuffer = new ArrayList<>();
    private final List<Example> validationBuffer = new ArrayList<>();
    /** The position just past the last record handled (trained, scored or dead-lettered): what a checkpoint records. */
    private Map<TopicPartition, Long> positionAfterLastBatch = new HashMap<>();
    /** The position the newest checkpoint recorded (or the restored one). */
    private Map<TopicPartition, Long> checkpointedPosition = new HashMap<>();
    /** Deterministic mode: the canonical order of the consumed records; made once the partitions are known. */
    private CanonicalMerge<byte[], byte[]> merge;
    /** Deterministic mode: partitions paused because too many of their records wait for the merge. */
    private final Set<TopicPartition> paused = new HashSet<>();
    /** A learning-curve point is written every this many batches. */
    private static final int METRICS_EVERY_BATCHES = 5;
    /** When to train, checkpoint and publish. */
    private final Cadence cadence;

    private volatile boolean stopping;
    /** The pass over the input in progress, 0-based. */
    private int epoch;
    private long batches;
    private long lastEndCheck;
    private long streamTime;
    private long deadLetters;
    private double lastLoss = Double.NaN;
    private String lastVersion;

    public OnlineLearner(LearnerConfig config, AppTopics topics, TrainableModel model, OnlineMetrics metrics) {
        this(config, topics, model, metrics, LearnerMetrics.NONE);
    }

    /**
     * @param metrics the online (prequential) accuracy metrics, kept in memory
     * @param meters told of steps, checkpoints and dead letters, for a metrics registry
     */
    public OnlineLearner(LearnerConfig config, AppTopics topics, TrainableModel model, OnlineMetrics metrics,
            LearnerMetrics meters) {
        this.config = config;
        this.topics = topics;
        this.model = model;
        this.metrics = metrics;
        this.meters = meters;
        this.cadence = new Cadence(config, System.nanoTime());
        Properties c = config.kafka().properties();
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Named, so that its lag and fetch metrics say whose they are (there is no group: offsets live in checkpoints).
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "wnd-learner");
        // The position is always set by a seek; this only decides what an out-of-range position does (the
        // checkpoint's offsets deleted by retention, a recreated topic): learn from the earliest record there is,
        // rather than the client's default of silently skipping to the end.
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.max(500, config.batchSize()));
        this.consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        meters.consumerOpened(consumer);
        Properties p = config.kafka().properties();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        this.producer = new KafkaProducer<>(p, Serdes.String().serializer(), Serdes.ByteArray().serializer());
    }

    /**
     * Learns until {@link #stop()} is called, or until {@code upstreamDrained} answers true while the learner has
     * consumed everything there is; then trains what is buffered, checkpoints and returns. In deterministic mode,
     * a {@link #stop()} leaves the partial batch untrained (see the class comment).
     *
     * @param upstreamDrained whether the producers of the examples topic are done, so that its end offsets are
     *     final; once it answered true it must stay true (the deterministic merge relies on it)
     */
    public Summary run(BooleanSupplier upstreamDrained) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo info : consumer.partitionsFor(topics.examples.name(), Duration.ofSeconds(30))) {
            partitions.add(new TopicPartition(info.topic(), info.partition()));
        }
        partitions.sort(Comparator.comparingInt(TopicPartition::partition));
        consumer.assign(partitions);
        Map<String, Long> restored = model.restoredOffsets();
        epoch = model.restoredEpoch();
        if (pastTheEnd(restored, partitions)) {
            restored = Map.of();
            epoch = 0;
        }
        merge = new CanonicalMerge<>(partitions);
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
        checkpointedPosition = new HashMap<>(position);
        LOG.info("learning from {} ({} partitions{}), pass {} of {}, resuming at {} after {} examples trained",
                topics.examples.name(), partitions.size(), config.deterministic() ? ", deterministic order" : "",
                epoch + 1, config.epochs(), restored.isEmpty() ? "the beginning" : restored,
                model.examplesTrained());
        long started = System.nanoTime();
        long startExamples = model.examplesTrained();
        long lastLog = System.nanoTime();
        boolean endOfInput = false;
        try {
            while (!stopping && !endOfInput) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                if (config.deterministic()) {
                    endOfInput = processInCanonicalOrder(records, partitions, upstreamDrained);
                } else {
                    for (ConsumerRecord<byte[], byte[]> record : records) {
                        process(record);
                    }
                    if (cadence.waitedEnough(trainBuffer.size(), System.nanoTime())) {
                        trainBuffered();
                        maybeCheckpoint();
                    } else if (cadence.snapshotOwed(System.nanoTime())) {
                        servingSnapshot();
                    }
                    endOfInput = records.isEmpty() && caughtUp(partitions) && upstreamDrained.getAsBoolean()
                            && caughtUp(partitions);
                }
                if (System.nanoTime() - lastLog > 10_000_000_000L) {
                    logProgress(started, startExamples);
                    lastLog = System.nanoTime();
                }
                if (endOfInput && !stopping && epoch + 1 < config.epochs()) {
                    startNextPass(partitions);
                    endOfInput = false;
                }
            }
        } catch (WakeupException e) {
            // stop() was called
        }
        if (endOfInput) {
            LOG.info("input drained: finishing");
        }
        if (endOfInput || !config.deterministic()) {
            scoreValidation();
            if (!trainBuffer.isEmpty()) {
                trainBuffered();
            }
            // Everything consumed is now handled; checkpoint if the position moved (trained, scored or
            // dead-lettered records), so that a restart neither retrains nor rescores nor re-dead-letters them.
            positionAfterLastBatch = new HashMap<>(position);
            if (!positionAfterLastBatch.equals(checkpointedPosition) || lastVersion == null) {
                checkpoint(true);
            }
        } else {
            // Deterministic stop: the batch boundaries of the whole input must stay those of an uninterrupted run,
            // so the partial batch is not trained; the next run reads it again from the last full batch on.
            int left = trainBuffer.size() + validationBuffer.size() + merge.queued();
            trainBuffer.clear();
            validationBuffer.clear();
            if (cadence.trainedSinceWritten() > 0 || lastVersion == null) {
                checkpoint(true);
            }
            LOG.info("stopped in deterministic mode: {} consumed records after the last full batch are left for the"
                    + " next run", left);
        }
        logProgress(started, startExamples);
        return new Summary(model.examplesTrained(), metrics.examplesSeen(), deadLetters, lastVersion,
                metrics.snapshot());
    }

    /**
     * Whether the checkpoint's offsets lie past the end of the topic: they were consumed from another topic of the
     * same name (a cluster formatted afresh, a topic recreated), and resuming at them would skip records or read
     * nothing. The model then keeps its parameters and reads this topic from its beginning, saying so.
     */
    private boolean pastTheEnd(Map<String, Long> restored, List<TopicPartition> partitions) {
        if (restored.isEmpty()) {
            return false;
        }
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
        List<String> ahead = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            Long offset = restored.get(name(tp));
            if (offset != null && offset > ends.get(tp)) {
                ahead.add(name(tp) + " at " + offset + " (its end is " + ends.get(tp) + ")");
            }
        }
        if (ahead.isEmpty()) {
            return false;
        }
        LOG.warn("the newest checkpoint was trained on another {} topic: its offsets lie past this one's end ({}). "
                + "The model keeps its parameters and learns {} from its beginning", topics.examples.name(),
                String.join(", ", ahead), topics.examples.name());
        return true;
    }

    /**
     * Ends a pass at the drained end of the input the way a run ends (buffered validation scored, the partial batch
     * trained), then rewinds every partition to its beginning and checkpoints that position with the next pass's
     * number, so that a restart from here makes the passes that are left.
     */
    private void startNextPass(List<TopicPartition> partitions) {
        scoreValidation();
        if (!trainBuffer.isEmpty()) {
            trainBuffered();
        }
        epoch++;
        Map<TopicPartition, Long> beginning = consumer.beginningOffsets(partitions);
        for (TopicPartition tp : partitions) {
            consumer.seek(tp, beginning.get(tp));
            position.put(tp, beginning.get(tp));
        }
        merge.reset();
        consumer.resume(paused);
        paused.clear();
        positionAfterLastBatch = new HashMap<>(position);
        LOG.info("input drained: pass {} of {} done after {} examples trained; reading {} again from the beginning",
                epoch, config.epochs(), model.examplesTrained(), topics.examples.name());
        checkpoint(false);
    }

    /**
     * Deterministic mode: queues the polled records per partition, then processes records in the canonical merge
     * order for as long as the order is decided (every partition that may still receive records has one queued).
     * Pauses partitions whose queue is long, resumes them once it has drained.
     *
     * @return true when every partition is exhausted and every queued record processed: the end of the input
     */
    private boolean processInCanonicalOrder(ConsumerRecords<byte[], byte[]> records, List<TopicPartition> partitions,
            BooleanSupplier upstreamDrained) {
        for (TopicPartition tp : records.partitions()) {
            merge.add(tp, records.records(tp));
        }
        while (true) {
            mergeWhileDecided();
            updatePaused(partitions);
            if (stopping) {
                return false;
            }
            // The merge stopped because a partition that may still receive records has none queued, or because
            // every partition is exhausted and every queue empty: the end of the input.
            List<TopicPartition> waitingFor = merge.waitingFor();
            if (waitingFor.isEmpty()) {
                return true;
            }
            // Is the merge waiting for partitions that are at their end, with upstream done? At most every 100 ms.
            if (!records.isEmpty() && System.nanoTime() - lastEndCheck < 100_000_000L) {
                return false;
            }
            lastEndCheck = System.nanoTime();
            if (!caughtUp(waitingFor) || !upstreamDrained.getAsBoolean()) {
                return false;
            }
            // Upstream is drained: end offsets are final. Read them after the answer, then mark the partitions.
            Map<TopicPartition, Long> end = consumer.endOffsets(waitingFor);
            boolean marked = false;
            for (TopicPartition tp : waitingFor) {
                long at = consumer.position(tp);
                if (at >= end.get(tp)) {
                    merge.exhaust(tp);
                    marked = true;
                    LOG.info("{} exhausted at offset {} (end offset {}, upstream drained)", name(tp), at,
                            end.get(tp));
                }
            }
            if (!marked) {
                return false;
            }
        }
    }

    /** Processes records in the canonical order for as long as it is decided (and {@link #stop()} was not called). */
    private void mergeWhileDecided() {
        while (!stopping) {
            java.util.Optional<ConsumerRecord<byte[], byte[]>> next = merge.next();
            if (next.isEmpty()) {
                return;
            }
            process(next.get());
        }
    }

    /** Bounds the merge's memory: a partition far ahead of the one the merge waits for stops being fetched. */
    private void updatePaused(List<TopicPartition> partitions) {
        int limit = 4 * Math.max(500, config.batchSize());
        for (TopicPartition tp : partitions) {
            int queued = merge.queued(tp);
            if (queued >= limit && paused.add(tp)) {
                consumer.pause(List.of(tp));
            } else if (queued < limit / 2 && paused.remove(tp)) {
                consumer.resume(List.of(tp));
            }
        }
    }

    /** Accepts one record, then trains and maybe checkpoints when a batch is full. */
    private void process(ConsumerRecord<byte[], byte[]> record) {
        accept(record);
        cadence.buffered(trainBuffer.size(), System.nanoTime());
        if (cadence.full(trainBuffer.size())) {
            trainBuffered();
            maybeCheckpoint();
        }
    }

    /**
     * Asks {@link #run} to finish: train what is buffered (in deterministic mode: nothing past the last full batch),
     * checkpoint, return. Thread-safe.
     */
    public void stop() {
        stopping = true;
        consumer.wakeup();
    }

    /** Whether the consumer's position is at the end of each partition (the last stable offset: read_committed). */
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
        } catch (org.apache.kafka.common.errors.SerializationException e) {
            // The record's own fault only: a refused credential or an interrupted wait for the registry is not the
            // example's, and must not be dead-lettered once per example.
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
            if (epoch > 0) {
                return; // scored in the first pass; never trained
            }
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
        Batch batch = Batch.fromExamples(trainBuffer);
        long stepStart = System.nanoTime();
        lastLoss = model.train(batch);
        meters.trained(trainBuffer.size(), System.nanoTime() - stepStart, lastLoss);
        cadence.trained(trainBuffer.size());
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
        float[] p = model.predict(Batch.fromExamples(validationBuffer));
        for (int i = 0; i < p.length; i++) {
            Example e = validationBuffer.get(i);
            metrics.add(e.getDisplayId(), e.getAdId(), p[i], e.getLabel());
        }
        meters.validationScored(p.length);
        validationBuffer.clear();
    }

    private void maybeCheckpoint() {
        switch (cadence.due(System.nanoTime())) {
            case CHECKPOINT -> checkpoint(false);
            case SERVING_SNAPSHOT -> servingSnapshot();
            case NOTHING -> { }
            default -> throw new IllegalStateException();
        }
    }

    /**
     * Publishes the parameters as a serving snapshot with {@link #positionAfterLastBatch} (what they learned from)
     * and announces it. The checkpointed position, from which a restart resumes, does not move. A snapshot that
     * cannot be written (a full disk) is skipped with one WARN line: scorers keep the version they have, and the
     * next snapshot is due a full {@link LearnerConfig#servingSnapshotEvery()} later.
     */
    private void servingSnapshot() {
        TrainableModel.Checkpointed saved;
        try {
            saved = model.servingSnapshot(offsetsByName(positionAfterLastBatch), epoch, model.examplesTrained(),
                    streamTime);
        } catch (UncheckedIOException e) {
            cadence.snapshotFailed(System.nanoTime());
            LOG.warn("serving snapshot failed after {} examples: {}; scorers keep the previous version",
                    model.examplesTrained(), reason(e));
            return;
        }
        long createdMs = announce(saved);
        meters.servingSnapshotPublished(saved.version(), model.examplesTrained(), createdMs);
        LOG.debug("serving snapshot {} after {} examples", saved.version(), model.examplesTrained());
    }

    /**
     * Checkpoints the model with {@link #positionAfterLastBatch} and announces it.
     *
     * <p><b>When it cannot be written</b> (a full disk, an I/O error: {@link TrainableModel#checkpoint} throws
     * {@link UncheckedIOException}), the store has removed what it wrote of it and the newest checkpoint on disk,
     * with its offsets, stays the recovery point; the parameters are untouched. This is logged as one WARN line and
     * the learner trains on: it tries again at the next checkpoint moment (another
     * {@link LearnerConfig#checkpointEveryExamples()} examples or {@link LearnerConfig#checkpointEvery()} after the
     * failed attempt). Exactly-once holds throughout: a restart resumes from the newest written checkpoint, whose
     * parameters are those of its offsets, and trains what follows once. The learner stops instead, by throwing
     * {@link CheckpointFailedException} out of {@link #run} (so the process exits non-zero), when the checkpoint is
     * the last of the run ({@code last}: there is no next moment) or when more than
     * {@link LearnerConfig#maxFailedCheckpoints()} have failed in a row (the work that a crash would cost keeps
     * growing, and the disk needs an operator).
     */
    private void checkpoint(boolean last) {
        Map<String, Long> offsets = offsetsByName(positionAfterLastBatch);
        TrainableModel.Checkpointed saved;
        try {
            saved = model.checkpoint(offsets, epoch, model.examplesTrained(), streamTime);
        } catch (UncheckedIOException e) {
            boolean tooMany = cadence.checkpointFailed(System.nanoTime());
            int failedCheckpoints = cadence.failedInARow();
            meters.checkpointFailed(model.examplesTrained(), reason(e));
            String kept = checkpointedPosition.isEmpty() ? "there is no checkpoint yet (a restart starts over)"
                    : "the newest checkpoint stays the one at offsets "
                            + new java.util.TreeMap<>(offsetsByName(checkpointedPosition));
            if (last || tooMany) {
                throw new CheckpointFailedException((last ? "the final checkpoint of the run" : "checkpoint "
                        + failedCheckpoints + " in a row (more than the " + config.maxFailedCheckpoints()
                        + " the learner tolerates)") + " failed after " + model.examplesTrained()
                        + " examples: " + reason(e) + "; " + kept + ". Free space in the model directory and start"
                        + " the learner again: it resumes there and trains what follows exactly once", e);
            }
            LOG.warn("checkpoint failed after {} examples ({} in a row, the learner stops after {}): {}; {}; "
                    + "training goes on, the next checkpoint moment tries again", model.examplesTrained(),
                    failedCheckpoints, config.maxFailedCheckpoints() + 1, reason(e), kept);
            return;
        }
        cadence.checkpointWritten(System.nanoTime());
        checkpointedPosition = new HashMap<>(positionAfterLastBatch);
        lastVersion = saved.version();
        long createdMs = announce(saved);
        meters.checkpointed(saved.version(), model.examplesTrained(), createdMs);
        LOG.info("checkpoint {} after {} examples, offsets {}", saved.version(), model.examplesTrained(), offsets);
    }

    /** The message of a write failure and of its cause (e.g. "cannot write ...: No space left on device"). */
    private static String reason(UncheckedIOException e) {
        IOException cause = e.getCause();
        return e.getMessage() + (cause == null || e.getMessage().contains(String.valueOf(cause.getMessage()))
                ? "" : ": " + cause.getMessage());
    }

    private static Map<String, Long> offsetsByName(Map<TopicPartition, Long> position) {
        Map<String, Long> offsets = new HashMap<>();
        position.forEach((tp, offset) -> offsets.put(name(tp), offset));
        return offsets;
    }

    /** Announces a written model version on the model-versions topic; returns its creation time (epoch ms). */
    private long announce(TrainableModel.Checkpointed saved) {
        cadence.published(System.nanoTime());
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
        return announcement.getCreatedMs();
    }

    private void deadLetter(ConsumerRecord<byte[], byte[]> record, String reason) {
        deadLetters++;
        meters.deadLettered(record.topic());
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


    private static String name(TopicPartition tp) {
        return tp.topic() + "-" + tp.partition();
    }

    @Override
    public void close() {
        // Bounded: a cluster that cannot be reached must not hold the close (a restart resends what was unsent: the
        // position in the newest checkpoint says where to start).
        consumer.close(Duration.ofSeconds(30));
        producer.close(Duration.ofSeconds(30));
    }

    /** What a run did. */
    public record Summary(long examplesTrained, long validationExamples, long deadLetters, String lastVersion,
            OnlineMetrics.Snapshot validation) {
    }
}
