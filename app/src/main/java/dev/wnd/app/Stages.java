package dev.wnd.app;

import dev.wnd.features.fn.FeatureAssembler;
import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.features.streams.ConsumedRecordsPurger;
import dev.wnd.features.streams.DeadLetterHandler;
import dev.wnd.features.topology.FeaturesMetrics;
import dev.wnd.features.topology.FeaturesTopology;
import dev.wnd.features.streams.InputPartitions;
import dev.wnd.features.streams.StatePartitioning;
import dev.wnd.features.topology.StoreNames;
import dev.wnd.features.streams.StreamsSettings;
import dev.wnd.schemas.topic.AppTopics;
import dev.wnd.scorer.FetchedOffsets;
import dev.wnd.scorer.ModelFeed;
import dev.wnd.scorer.ScorerMetrics;
import dev.wnd.scorer.ScorerTopology;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.UnknownStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.Topology;

/** Starting the Streams stages and watching their progress; shared by the stage commands and the demo. */
public final class Stages {

    public static final String FEATURES_APP_ID = "wnd-features";
    public static final String SCORER_APP_ID = "wnd-scorer";

    private Stages() {
    }

    /** The features application's commit interval: how long its Examples stay invisible to read_committed. */
    public static final long FEATURES_COMMIT_INTERVAL_MS = 200;

    /** The features' producer batch size (changelogs, Examples). */
    public static final int FEATURES_BATCH_BYTES = 256 * 1024;

    /**
     * How the features stage runs; immutable.
     *
     * @param splitSeed seed of the train/validation split
     * @param exactlyOnce exactly_once_v2 (the default) or at-least-once
     * @param commitIntervalMs how often it commits: how long its Examples stay invisible to read_committed
     * @param metrics told of Examples and dead letters
     */
    public record FeaturesOptions(long splitSeed, boolean exactlyOnce, long commitIntervalMs, FeaturesMetrics metrics) {

        public FeaturesOptions {
            java.util.Objects.requireNonNull(metrics, "metrics");
            if (commitIntervalMs < 1) {
                throw new IllegalArgumentException("the commit interval must be >= 1 ms, got " + commitIntervalMs);
            }
        }

        /** Exactly-once, committing every {@link #FEATURES_COMMIT_INTERVAL_MS}, no metrics. */
        public static FeaturesOptions of(long splitSeed) {
            return new FeaturesOptions(splitSeed, true, FEATURES_COMMIT_INTERVAL_MS, FeaturesMetrics.NONE);
        }

        public FeaturesOptions withExactlyOnce(boolean exactlyOnce) {
            return new FeaturesOptions(splitSeed, exactlyOnce, commitIntervalMs, metrics);
        }

        public FeaturesOptions withCommitIntervalMs(long commitIntervalMs) {
            return new FeaturesOptions(splitSeed, exactlyOnce, commitIntervalMs, metrics);
        }

        public FeaturesOptions withMetrics(FeaturesMetrics metrics) {
            return new FeaturesOptions(splitSeed, exactlyOnce, commitIntervalMs, metrics);
        }
    }

    /**
     * Starts the features application after checking that its event topics are co-partitioned and, with several
     * partitions, creating its CTR updates topic ({@link InputPartitions#prepare}); it runs one stream thread per
     * partition, up to the machine's cores.
     */
    public static StreamsStage startFeatures(Cluster cluster, Path stateDir, FeaturesOptions options) {
        long splitSeed = options.splitSeed();
        FeaturesMetrics metrics = options.metrics();
        StatePartitioning partitioning = Outages.waitOut("checking the features' input topics", cluster.bootstrap(),
                () -> {
                    try (Admin admin = cluster.admin()) {
                        return InputPartitions.prepare(admin, cluster.topics(), FEATURES_APP_ID);
                    }
                });
        FeatureAssembler assembler = new FeatureAssembler(FeatureSpec.standard());
        Topology topology = FeaturesTopology.build(cluster.topics(), assembler,
                FeaturesTopology.Options.of(splitSeed).withMetrics(metrics).withPartitioning(partitioning));
        StreamsSettings settings = new StreamsSettings(FEATURES_APP_ID, cluster.kafka(), cluster.registry(),
                stateDir.resolve("features"), "features", options.exactlyOnce(), options.commitIntervalMs());
        Properties props = settings.toProperties();
        props.put(DeadLetterHandler.LISTENER_CONFIG, metrics);
        // Batches of 256 kB instead of the producer's 16 kB: at each commit the features send a changelog record per
        // changed key and the interval's Examples, and in 16 kB batches bench features ran at 0.71x the records/s
        // (512 kB was no better; docs/benchmarks-history.md#producer-batches-of-256-kb).
        props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), FEATURES_BATCH_BYTES);
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG,
                Math.min(partitioning.partitions(), Runtime.getRuntime().availableProcessors()));
        return purgingUpdates(cluster, partitioning, FEATURES_APP_ID, start("features", topology, props));
    }

    /**
     * Starts the scorer. With several partitions its tasks exchange CTR updates through its own topic, created here
     * ({@link InputPartitions#prepare}).
     *
     * @param live serve requests as they come (no waiting for other inputs, answers sent without linger); false for a
     *     backfill, where requests must wait until the state inputs have caught up with their timestamps
     * @param metrics told of answers and swaps
     */
    public static StreamsStage startScorer(Cluster cluster, Path stateDir, ModelFeed feed, boolean live,
            ScorerMetrics metrics) {
        StatePartitioning partitioning = scorerPartitioning(cluster);
        FetchedOffsets fetched = new FetchedOffsets();
        Topology topology = ScorerTopology.build(cluster.topics(), new FeatureAssembler(FeatureSpec.standard()), feed,
                ScorerTopology.Options.defaults().withMetrics(metrics).withFetched(fetched)
                        .withPartitioning(partitioning));
        return purgingUpdates(cluster, partitioning, SCORER_APP_ID,
                startScorer(cluster, stateDir, live, topology, metrics, fetched));
    }

    /** With several partitions, deletes what the application has consumed of its CTR updates topic, while it runs. */
    private static StreamsStage purgingUpdates(Cluster cluster, StatePartitioning partitioning, String applicationId,
            StreamsStage stage) {
        if (partitioning.broadcasts()) {
            KafkaStreams streams = stage.streams();
            ConsumedRecordsPurger.start(cluster.admin(), applicationId, partitioning.updatesTopic(),
                    Duration.ofSeconds(30), () -> streams.state() != KafkaStreams.State.NOT_RUNNING
                            && streams.state() != KafkaStreams.State.ERROR
                            && streams.state() != KafkaStreams.State.PENDING_SHUTDOWN);
        }
        return stage;
    }

    private static StatePartitioning scorerPartitioning(Cluster cluster) {
        AppTopics topics = cluster.topics();
        List<String> coPartitioned = new ArrayList<>(InputPartitions.eventTopics(topics));
        coPartitioned.add(topics.scoreRequests.name());
        coPartitioned.add(topics.scoreRequestsJson.name());
        return Outages.waitOut("checking the scorer's input topics", cluster.bootstrap(), () -> {
            try (Admin admin = cluster.admin()) {
                return InputPartitions.prepare(admin, coPartitioned, SCORER_APP_ID);
            }
        });
    }

    private static StreamsStage startScorer(Cluster cluster, Path stateDir, boolean live, Topology topology,
            ScorerMetrics metrics, FetchedOffsets fetched) {
        Properties props = scorerProperties(cluster, stateDir, SCORER_APP_ID, live);
        props.put(DeadLetterHandler.LISTENER_CONFIG, metrics);
        // Tells the scoring processor which requests already wait behind the one at hand (batching).
        props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG),
                FetchedOffsets.Interceptor.class.getName());
        props.put(StreamsConfig.mainConsumerPrefix(FetchedOffsets.CONFIG), fetched);
        return start("scorer", topology, props);
    }

    /**
     * The scorer's Streams settings under {@code applicationId}: at-least-once, 100 ms commits, and when
     * {@code live} the latency settings of a scorer that answers clients (no task idling, producer linger 0, short
     * fetch waits and polls).
     */
    public static Properties scorerProperties(Cluster cluster, Path stateDir, String applicationId, boolean live) {
        // At-least-once: a score is an answer, not state; a rare duplicate answer is harmless and latency matters.
        StreamsSettings settings = new StreamsSettings(applicationId, cluster.kafka(), cluster.registry(),
                stateDir.resolve("scorer"), "scorer", false, 100);
        Properties props = settings.toProperties();
        if (live) {
            // -1, not 0: never wait for a partition that the broker has data for but the consumer has not fetched.
            // A live answer uses the state as fetched so far; with 0, Streams also formats a log string per record
            // for each empty input partition (Kafka 4.4's PartitionGroup), measured at ~5% of the stream thread.
            props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
            props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 0);
            // The main consumer only: while it holds fetched requests that Streams has not processed yet, its next
            // fetch leaves their partition out, and a request arriving then waits for that fetch to come back. The
            // global consumer (documents, ads) has no such wait to bound and keeps the default (500 ms): at 5 ms its
            // empty fetches cost ~0.04 of a core (docs/benchmarks-history.md#the-global-consumers-fetches).
            props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), 5);
            props.put(StreamsConfig.POLL_MS_CONFIG, 5L);
        }
        return props;
    }

    /** Starts a Streams stage called {@code name} in messages; see {@link StreamsStage}. */
    public static StreamsStage start(String name, Topology topology, Properties props) {
        return StreamsStage.start(name, topology, props);
    }

    /**
     * Whether consumer group {@code group} has committed offsets at the end of every partition of {@code topics}
     * (a Streams application's group is its application id).
     */
    public static boolean caughtUp(Admin admin, String group, Collection<String> topics) {
        Consumption c = consumption(admin, group, topics);
        return c != null && c.caughtUp();
    }

    /**
     * How far a consumer group has come through topics: offsets committed and end offsets, summed over their
     * partitions (offsets count records and, under exactly-once, transaction markers).
     *
     * @param caughtUp whether every partition's committed offset is at its end (or before only its last marker)
     */
    public record Consumption(long committed, long end, boolean caughtUp) {
    }

    /** The group's {@link Consumption} of {@code topics} now, or null when the broker did not answer in time. */
    public static Consumption consumption(Admin admin, String group, Collection<String> topics) {
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS).forEach((name, d) ->
                    d.partitions().forEach(p -> partitions.add(new TopicPartition(name, p.partition()))));
            Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
            partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
                    admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            long committedSum = 0;
            long endSum = 0;
            boolean caughtUp = true;
            for (TopicPartition tp : partitions) {
                long end = ends.get(tp).offset();
                OffsetAndMetadata c = committed.get(tp);
                endSum += end;
                committedSum += c == null ? 0 : c.offset();
                // Under exactly-once the end offset includes the transaction marker after the last record.
                if (end > 0 && (c == null || c.offset() < end - 1)) {
                    caughtUp = false;
                }
            }
            return new Consumption(committedSum, endSum, caughtUp);
        } catch (ExecutionException | TimeoutException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * Whether the features application has turned every event into what it emits, and committed it: it has committed
     * the end of its event topics and, with several partitions, of its CTR updates topic, and its tasks hold no event
     * any more. (With several partitions the tasks release their last events only after an idle period, in a later
     * transaction than the one that committed the end of the inputs.)
     */
    public static boolean featuresDrained(Admin admin, StreamsStage stage, AppTopics topics) {
        stage.check();
        KafkaStreams features = stage.streams();
        if (features.state() != KafkaStreams.State.RUNNING) {
            return false;
        }
        Held held = held(features);
        List<String> inputs = new ArrayList<>(InputPartitions.eventTopics(topics));
        if (held != Held.NO_SEQUENCER) {
            inputs.add(StatePartitioning.updatesTopicOf(FEATURES_APP_ID));
        }
        return held != Held.SOMETHING && caughtUp(admin, FEATURES_APP_ID, inputs)
                && held(features) != Held.SOMETHING;
    }

    /** What the features application's tasks hold for event-time order. */
    public enum Held {
        /** It runs on one partition: nothing is ever held. */
        NO_SEQUENCER,
        /** Its tasks hold no event and no CTR update. */
        NOTHING,
        /** Some event or update is held, or the stores cannot be read now (a task migrating or restoring). */
        SOMETHING
    }

    /** Whether the application's tasks hold events; reads one entry at the most (it is polled while they run). */
    public static Held held(KafkaStreams streams) {
        try {
            ReadOnlyKeyValueStore<Bytes, byte[]> held = streams.store(StoreQueryParameters.fromNameAndType(
                    StoreNames.SEQUENCER_HELD, QueryableStoreTypes.<Bytes, byte[]>keyValueStore()));
            try (KeyValueIterator<Bytes, byte[]> it = held.all()) {
                return it.hasNext() ? Held.SOMETHING : Held.NOTHING;
            }
        } catch (UnknownStateStoreException e) {
            return Held.NO_SEQUENCER;
        } catch (InvalidStateStoreException e) {
            return Held.SOMETHING; // migrating or restoring: not drained
        }
    }

    /** Waits until {@code condition} holds, polling every 500 ms, or fails after {@code timeout}. */
    public static void await(String what, Duration timeout, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + what, e);
            }
        }
    }
}
