package dev.wnd.ingest.replay;

import dev.wnd.features.spec.EventTime;
import dev.wnd.ingest.csv.DataDirectory;
import dev.wnd.ingest.csv.OutbrainFile;
import dev.wnd.schemas.topic.AppTopics;
import dev.wnd.schemas.topic.Topic;
import dev.wnd.schemas.topic.TopicPlan;
import dev.wnd.schemas.topic.TopicReconciler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Produces a data directory's {@link ReplayStream} to the typed topics of {@link AppTopics}, exactly once.
 *
 * <h2>What it does</h2>
 * <ol>
 *   <li>Creates the topics it writes if they are missing, as the {@link TopicPlan} declares them
 *       ({@link ReplayConfig#partitions()} partitions, {@code retention.ms=-1} because the data's timestamps are
 *       from 2016 and would be deleted at once by time retention, compacted tables), plus the compacted
 *       {@value #POSITION_TOPIC} topic; existing ones are checked by the {@link TopicReconciler}.</li>
 *   <li>Starts a transactional producer ({@code transactional.id = wnd-replay-<replayId>}), which aborts whatever a
 *       crashed earlier run left open, then reads the replay position committed so far (read_committed).</li>
 *   <li>Skips that many records of the deterministic stream and produces the rest, in transactions of at most
 *       {@link ReplayConfig#transactionRecords()} records and {@link ReplayConfig#transactionInterval()}; each
 *       transaction also writes the new position (records of the stream committed, plus the fingerprint of the
 *       input), so records and position are committed together or not at all.</li>
 * </ol>
 * A run stops at the end of the stream, when the position reaches {@link ReplayConfig#stopAfter()}, or when its
 * thread is interrupted; in each case what was sent is committed first. Resuming with other input or other stream
 * options than the position was written with fails with a {@link ReplayException} (use another replay id).
 *
 * <p>Record timestamps: absolute epoch ms of the event ({@link OutbrainFile#EventTime.EPOCH_BASE_MS} + the CSV's ms);
 * dimension records one ms before the data's epoch; dead letters the wall clock. Keys: as {@link AppTopics} says
 * (ids for dimensions, uuid for page views, displays, labels and score requests), the file name for dead letters.
 * With {@link ReplayConfig#speed()} &gt; 0 the timed records are paced to that many times real time.
 *
 * <p>Blocking, on the calling thread; one run per replay id at a time (a second one fences the first).
 */
public final class Replayer {

    /** The compacted topic holding each replay's position, keyed by replay id. */
    public static final String POSITION_TOPIC = TopicPlan.REPLAY_POSITION;

    private static final long PROGRESS_EVERY_NANOS = 250_000_000L;
    private static final Duration POSITION_READ_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(60);

    private final ReplayConfig config;
    private final AppTopics topics;
    private final ProgressListener listener;
    private final Map<Channel, Topic<Object, Object>> topicOf = new EnumMap<>(Channel.class);
    private final Map<Channel, long[]> sentByChannel = new EnumMap<>(Channel.class);
    private final AtomicReference<Exception> sendFailure = new AtomicReference<>();
    private final long startNanos = System.nanoTime();

    private KafkaProducer<byte[], byte[]> producer;
    private String fingerprint;
    private ReplayStream stream;
    private long position;
    private long skipped;
    private long sent;
    private long inTransaction;
    private long transactionStartNanos;
    private boolean transactionOpen;
    private long lastProgressNanos;
    private long paceStreamStart = Long.MIN_VALUE;
    private long paceWallStart;
    private boolean interrupted;

    @SuppressWarnings("unchecked")
    private Replayer(ReplayConfig config, AppTopics topics, ProgressListener listener) {
        this.config = config;
        this.topics = topics;
        this.listener = listener;
        for (Channel channel : Channel.values()) {
            topicOf.put(channel, (Topic<Object, Object>) channel.topic(topics));
            sentByChannel.put(channel, new long[1]);
        }
    }

    /**
     * Replays {@code config.dataDir()} into the cluster of {@code config.kafka()}.
     *
     * @param config what to replay and how
     * @param topics the typed topics (their serdes' registry client registers the value schemas)
     * @param listener told about the start, the progress and the end; {@link ProgressListener#NONE} for nothing
     * @return what this run did; {@link ReplaySummary#complete()} is false when it stopped early
     * @throws IOException when the data directory cannot be read
     * @throws dev.wnd.ingest.csv.NotAnOutbrainFileException when a file's header is wrong
     * @throws ReplayException when the broker refuses the replay or the committed position is of other input
     */
    public static ReplaySummary run(ReplayConfig config, AppTopics topics, ProgressListener listener)
            throws IOException {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(listener, "listener");
        Replayer replayer = new Replayer(config, topics, listener);
        try {
            return replayer.replay();
        } finally {
            if (replayer.interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private ReplaySummary replay() throws IOException {
        DataDirectory data = DataDirectory.scan(config.dataDir());
        Map<String, Path> files = new LinkedHashMap<>();
        data.files().forEach((f, p) -> files.put(f.name(), p));
        fingerprint = InputFingerprint.of(files, config.streamOptions());
        createTopics();
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(producerProperties())) {
            producer = p;
            try {
                producer.initTransactions();
            } catch (KafkaException e) {
                throw new ReplayException("cannot start the transactional producer " + transactionalId() + " on "
                        + config.bootstrapServers() + ": " + e.getMessage(), e);
            }
            ReplayPosition committed = readPosition();
            if (committed != null && !committed.fingerprint().equals(fingerprint)) {
                throw new ReplayException("replay '" + config.replayId() + "' already committed " + committed.records()
                        + " records of other input or other stream options (fingerprint " + committed.fingerprint()
                        + ", now " + fingerprint + "); replay into fresh topics or under another replay id");
            }
            long resumeFrom = committed == null ? 0 : committed.records();
            try (ReplayStream s = ReplayStream.open(config.dataDir(), config.streamOptions())) {
                stream = s;
                listener.onStart(new ReplayStart(config.replayId(), s.files(), s.unusedFiles(), s.bytesTotal(),
                        s.eventRuns(), resumeFrom, fingerprint));
                ReplaySummary summary = committed != null && committed.complete()
                        ? summary(resumeFrom, true)
                        : produce(resumeFrom);
                listener.onFinish(summary);
                return summary;
            }
        }
    }

    private ReplaySummary produce(long resumeFrom) {
        while (position < resumeFrom && stream.hasNext()) {
            stream.next();
            position++;
            skipped++;
            maybeReport(true);
        }
        if (position < resumeFrom) {
            throw new ReplayException("replay '" + config.replayId() + "' committed " + resumeFrom
                    + " records but the stream has only " + position);
        }
        try {
            begin();
            while (true) {
                if (config.stopAfter() > 0 && position >= config.stopAfter()) {
                    break;
                }
                if (Thread.currentThread().isInterrupted()) {
                    interrupted = true;
                    break;
                }
                if (!stream.hasNext()) {
                    break;
                }
                StreamRecord record = stream.next();
                if (!config.isBackfill() && record.channel() != Channel.DEAD_LETTERS) {
                    interrupted = pace(record);
                }
                send(record);
                if (inTransaction >= config.transactionRecords() || transactionAge() >= intervalNanos()) {
                    commit(false);
                    begin();
                }
                maybeReport(false);
                if (interrupted) {
                    break;
                }
            }
            interrupted |= Thread.interrupted();
            boolean complete = !stream.hasNext();
            commit(complete);
            return summary(position, complete);
        } catch (RuntimeException e) {
            abortQuietly();
            if (e instanceof KafkaException) {
                throw new ReplayException("replay '" + config.replayId() + "' failed after " + position
                        + " records (the last committed position stays): " + e.getMessage(), e);
            }
            throw e;
        } finally {
            interrupted |= Thread.interrupted();
        }
    }

    /** Waits until the record is due; true when interrupted while waiting (the record is still sent). */
    private boolean pace(StreamRecord record) {
        if (record.timestampMs() < EventTime.EPOCH_BASE_MS) {
            return false;
        }
        long streamMs = record.timestampMs();
        if (paceStreamStart == Long.MIN_VALUE) {
            paceStreamStart = streamMs;
            paceWallStart = System.nanoTime();
        }
        long due = paceWallStart + (long) ((streamMs - paceStreamStart) * 1e6 / config.speed());
        while (true) {
            long wait = due - System.nanoTime();
            if (wait <= 0) {
                return false;
            }
            if (inTransaction > 0 && transactionAge() >= intervalNanos()) {
                commit(false);
                begin();
            }
            maybeReport(false);
            try {
                Thread.sleep(Math.max(1, Math.min(wait, 100_000_000L) / 1_000_000L));
            } catch (InterruptedException e) {
                return true;
            }
        }
    }

    private void send(StreamRecord record) {
        Topic<Object, Object> topic = topicOf.get(record.channel());
        Serializer<Object> keys = topic.keySerde().serializer();
        Serializer<Object> values = topic.valueSerde().serializer();
        byte[] key = keys.serialize(topic.name(), record.key());
        byte[] value = values.serialize(topic.name(), record.value());
        producer.send(new ProducerRecord<>(topic.name(), null, record.timestampMs(), key, value), (meta, error) -> {
            if (error != null) {
                sendFailure.compareAndSet(null, error);
            }
        });
        sentByChannel.get(record.channel())[0]++;
        position++;
        sent++;
        inTransaction++;
    }

    private void begin() {
        producer.beginTransaction();
        transactionOpen = true;
        inTransaction = 0;
        transactionStartNanos = System.nanoTime();
    }

    private void commit(boolean complete) {
        ReplayPosition at = new ReplayPosition(config.replayId(), fingerprint, position, complete);
        producer.send(new ProducerRecord<>(POSITION_TOPIC, null, System.currentTimeMillis(),
                config.replayId().getBytes(StandardCharsets.UTF_8), at.toJson().getBytes(StandardCharsets.UTF_8)));
        Exception failure = sendFailure.get();
        if (failure != null) {
            throw new ReplayException("a record of replay '" + config.replayId() + "' was refused: "
                    + failure.getMessage(), failure);
        }
        producer.commitTransaction();
        transactionOpen = false;
        failure = sendFailure.get();
        if (failure != null) {
            throw new ReplayException("a record of replay '" + config.replayId() + "' was refused: "
                    + failure.getMessage(), failure);
        }
    }

    private void abortQuietly() {
        if (transactionOpen) {
            try {
                producer.abortTransaction();
            } catch (RuntimeException ignored) {
                // the producer is closed next; an open transaction is aborted by the next run's initTransactions
            }
            transactionOpen = false;
        }
    }

    private long transactionAge() {
        return System.nanoTime() - transactionStartNanos;
    }

    private long intervalNanos() {
        return config.transactionInterval().toNanos();
    }

    private void maybeReport(boolean skipping) {
        long now = System.nanoTime();
        if (now - lastProgressNanos < PROGRESS_EVERY_NANOS) {
            return;
        }
        lastProgressNanos = now;
        listener.onProgress(progress(skipping, now));
    }

    private ReplayProgress progress(boolean skipping, long now) {
        Duration elapsed = Duration.ofNanos(now - startNanos);
        double seconds = elapsed.toNanos() / 1e9;
        long read = stream.bytesRead();
        long total = stream.bytesTotal();
        double fraction = total <= 0 ? 1 : Math.min(1, (double) read / total);
        Duration eta = fraction > 0.005 && fraction < 1
                ? Duration.ofMillis((long) (elapsed.toMillis() * (1 - fraction) / fraction))
                : null;
        long streamTime = stream.streamTime();
        return new ReplayProgress(position, skipping, sent, sentPerTopic(), sentByChannel.get(
                Channel.DEAD_LETTERS)[0], stream.late(), seconds > 0 ? sent / seconds : 0, read, total, elapsed, eta,
                streamTime == Long.MIN_VALUE ? 0 : EventTime.EPOCH_BASE_MS + streamTime);
    }

    private Map<String, Long> sentPerTopic() {
        Map<String, Long> out = new LinkedHashMap<>();
        sentByChannel.forEach((channel, n) -> {
            if (n[0] > 0) {
                out.put(topicOf.get(channel).name(), n[0]);
            }
        });
        return out;
    }

    private ReplaySummary summary(long committedPosition, boolean complete) {
        return new ReplaySummary(config.replayId(), committedPosition, skipped, sent, sentPerTopic(),
                stream.rejectedByFile(), stream.deadLettersByCause(), stream.late(), stream.eventRuns(),
                stream.unusedFiles(), complete, Duration.ofNanos(System.nanoTime() - startNanos));
    }

    private String transactionalId() {
        return "wnd-replay-" + config.replayId();
    }

    private Properties producerProperties() {
        Properties props = config.kafka().properties();
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId());
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 128L * 1024 * 1024);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, transactionalId());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return props;
    }

    /** Applies the topic plan's declarations of the topics this replay writes (see {@link TopicReconciler}). */
    private void createTopics() {
        List<String> names = new ArrayList<>();
        for (Channel channel : Channel.values()) {
            names.add(channel.topic(topics).name());
        }
        names.add(POSITION_TOPIC);
        TopicPlan plan = TopicPlan.forApp(topics, config.partitions()).only(names);
        try (Admin admin = Admin.create(config.kafka().properties())) {
            new TopicReconciler(admin, config.replicationFactor(), TOPIC_TIMEOUT).apply(plan);
        } catch (IllegalStateException e) {
            throw new ReplayException("cannot set up the topics on " + config.bootstrapServers() + ": "
                    + e.getMessage(), e);
        }
    }

    /** The position last committed for this replay id, or null. */
    private ReplayPosition readPosition() {
        Properties props = config.kafka().properties();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        long deadline = System.nanoTime() + POSITION_READ_TIMEOUT.toNanos();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = new ArrayList<>();
            while (partitions.isEmpty()) {
                List<PartitionInfo> infos = consumer.partitionsFor(POSITION_TOPIC, Duration.ofSeconds(10));
                if (infos != null) {
                    infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
                }
                if (partitions.isEmpty() && System.nanoTime() > deadline) {
                    throw new ReplayException("topic " + POSITION_TOPIC + " has no partitions on "
                            + config.bootstrapServers());
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            ReplayPosition found = null;
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new ReplayException("could not read topic " + POSITION_TOPIC + " to its end within "
                            + POSITION_READ_TIMEOUT);
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    if (config.replayId().equals(r.key()) && r.value() != null) {
                        found = ReplayPosition.fromJson(r.value());
                    }
                }
            }
            return found;
        }
    }
}
