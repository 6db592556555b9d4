package dev.wnd.bench;

import dev.wnd.app.OptionDefaults;
import dev.wnd.app.DisplaysOption;
import dev.wnd.app.WorkDirOption;
import dev.wnd.app.JsonOption;
import dev.wnd.app.PageViewsOption;
import dev.wnd.app.Cluster;
import dev.wnd.app.ClusterOptions;
import dev.wnd.app.Stages;
import dev.wnd.app.Workspace;
import dev.wnd.app.WorkDirLock;
import dev.wnd.app.Replays;
import dev.wnd.features.state.CtrCounts;
import dev.wnd.features.state.CtrFamily;
import dev.wnd.features.state.CtrKeys;
import dev.wnd.features.state.StateSerdes;
import dev.wnd.features.topology.StoreNames;
import dev.wnd.ingest.generate.DataGenerator;
import dev.wnd.ingest.generate.GeneratorConfig;
import dev.wnd.ingest.generate.GeneratorSummary;
import dev.wnd.ingest.replay.ReplaySummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Features topology throughput on the embedded broker, exactly-once; or, as a ceiling, a topology without any. */
@Command(name = "features", mixinStandardHelpOptions = true, defaultValueProvider = BenchFeaturesCommand.Defaults.class,
        description = "Replay a generated data set into the embedded broker, then time the features topology "
                + "(exactly-once) from start until it has consumed every input record.")
final class BenchFeaturesCommand implements Callable<Integer> {

    /** Names of the OS threads of RocksDB's flushes and compactions ({@code rocksdb:low}, {@code rocksdb:high}). */
    static final String ROCKSDB_THREADS = "rocksdb";

    /** This command's own defaults for shared options. */
    static final class Defaults extends OptionDefaults {
        @Override
        protected java.util.Map<String, String> values() {
            return java.util.Map.of("--work-dir", ".wnd/bench-features", "--displays", "100000");
        }
    }

    @Mixin
    DisplaysOption displays;

    @Option(names = {"--data-seed", "--seed"}, defaultValue = "1",
            description = "Seed of the generated data: same seed, same bytes (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    PageViewsOption pageViews;

    @Mixin
    WorkDirOption workDir;

    @Option(names = "--at-least-once", description = "Measure at-least-once instead of exactly-once.")
    boolean atLeastOnce;

    @Option(names = "--commit-interval-ms", paramLabel = "MS",
            description = "Commit interval of the features application (default: the application's, 200).")
    Long commitIntervalMs;

    @Option(names = "--partitions", defaultValue = "1", paramLabel = "N",
            description = "Partitions of every topic; with more than one the features run a stream thread per "
                    + "partition (up to the cores) and their tasks exchange CTR updates (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--passthrough",
            description = "Time a topology without features instead: the same event topics, serdes, guarantee, "
                    + "commit interval and broker, every display forwarded as is, no state. What Kafka Streams and "
                    + "the broker alone sustain here: a ceiling for the features topology.")
    boolean passthrough;

    @Mixin
    JsonOption json;

    @Override
    public Integer call() throws Exception {
        GeneratorConfig dataConfig = dataConfig();
        WorkDirLock lock = Workspace.claimFresh(workDir.value());
        GeneratorSummary data = DataGenerator.generate(dataConfig, workDir.value().resolve("data"));
        ClusterOptions options = Workspace.embedded(workDir.value());
        options.partitions = partitions;
        try (Cluster cluster = Cluster.open(options, true, lock)) {
            cluster.ensureTopics();
            ReplaySummary replay = Replays.replay(cluster, workDir.value().resolve("data"), 0, Duration.ofHours(1));
            long inputs = replay.sent() - replay.sentPerTopic().getOrDefault(cluster.topics().scoreRequests.name(), 0L);
            List<String> streamInputs = List.of(cluster.topics().pageViews.name(), cluster.topics().displays.name(),
                    cluster.topics().labels.name());
            String label = passthrough ? "passthrough" : "features";
            System.err.printf("timing the %s topology over %,d input records%n", label, inputs);
            long t0 = System.nanoTime();
            long commitMs = commitIntervalMs == null ? Stages.FEATURES_COMMIT_INTERVAL_MS : commitIntervalMs;
            String appId = passthrough ? PassthroughTopology.APP_ID : Stages.FEATURES_APP_ID;
            KafkaStreams streams = passthrough
                    ? PassthroughTopology.start(cluster, workDir.value().resolve("state"), !atLeastOnce, commitMs)
                    : Stages.startFeatures(cluster, workDir.value().resolve("state"), Stages.FeaturesOptions.of(0)
                            .withExactlyOnce(!atLeastOnce).withCommitIntervalMs(commitMs)).streams();
            ConsumptionProgress progress;
            try (Admin admin = cluster.admin()) {
                progress = awaitConsumed(admin, label, appId, streamInputs, t0);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            ThreadCpu cpuAtEnd = ThreadCpu.now();
            GcTotals gcAtEnd = GcTotals.now();
            Map<String, Object> loop = BenchCommand.threadTimes(streams);
            Double lastExampleSeconds = null;
            if (partitions > 1 && !passthrough) {
                // Consumed is not yet emitted: each task holds its last events until every task has passed them,
                // and at the end of the input that takes an idle period.
                Stages.await("the features tasks to release every held event", Duration.ofMinutes(10),
                        () -> Stages.held(streams) == Stages.Held.NOTHING);
                lastExampleSeconds = (System.nanoTime() - t0) / 1e9;
            }
            // The stage's CPU for all its work, so read after the held events were released: every Java thread
            // named after the application (each stream thread, the global thread, the producers' network threads,
            // the group's heartbeat, the state updater, the updates purger) and RocksDB's native threads, which
            // only the features' stores use in this JVM.
            ThreadCpu cpuAtLastExample = ThreadCpu.now();
            double rocksDbCpuSeconds = passthrough ? 0 : ThreadCpu.secondsOfOsThreadsNamed(ROCKSDB_THREADS);
            double appCpuSeconds = cpuAtLastExample.secondsOfThreadsNamed(appId) + rocksDbCpuSeconds;
            int streamThreads = cpuAtLastExample.threadsNamed(name -> name.startsWith(appId)
                    && name.matches(".*-StreamThread-\\d+"));
            Map<String, Object> stateSizes = passthrough ? Map.of() : stateSizes(streams);
            streams.close();
            long stateBytes = directorySize(workDir.value().resolve("state"));
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("topology", label);
            out.put("input_records_per_s", inputs / seconds);
            out.put("input_records", inputs);
            out.put("seconds", seconds);
            // CPU time of the application's threads, every stream thread's included, and of RocksDB's: less
            // sensitive than the wall clock to other work on the machine, so runs on a shared machine compare. Not
            // the JIT compiler's or the collector's, which this JVM shares with the broker.
            out.put("app_cpu_seconds", appCpuSeconds);
            out.put("app_cpu_seconds_rocksdb", rocksDbCpuSeconds);
            out.put("app_stream_threads", streamThreads);
            out.put("input_records_per_app_cpu_s", inputs / appCpuSeconds);
            out.put("replay_records_per_s", replay.sent() / Math.max(1e-9, replay.elapsed().toNanos() / 1e9));
            // Past start-up (global stores, task init) and the JIT's first compilations: what a long-running
            // instance sustains.
            out.put("steady_input_records_per_s", progress.steadyRate);
            if (progress.cpuAtThird != null) {
                // Which threads had the cores in the steady part: the stream thread, the broker, the JIT.
                out.put("steady_cpu_cores_by_thread", cpuAtEnd.coresSince(progress.cpuAtThird, 8));
                GcTotals gc = gcAtEnd.minus(progress.gcAtThird);
                out.put("steady_gc_collections", gc.count());
                out.put("steady_gc_time_ms", gc.millis());
            }
            out.put("stream_thread", loop);
            out.put("processing_guarantee", atLeastOnce ? "at_least_once" : "exactly_once_v2");
            out.put("commit_interval_ms", commitMs);
            out.put("partitions", partitions);
            out.put("page_views_per_display", dataConfig.pageViewsPerDisplay());
            out.put("page_views", replay.sentPerTopic().getOrDefault(cluster.topics().pageViews.name(), 0L));
            if (lastExampleSeconds != null) {
                out.put("seconds_to_last_example", lastExampleSeconds);
            }
            out.put("displays", data.trainDisplays());
            out.put("state_bytes_on_disk", stateBytes);
            out.putAll(stateSizes);
            out.put("cores", Runtime.getRuntime().availableProcessors());
            BenchCommand.report(out, json);
        }
        return 0;
    }

    /**
     * The data set this run generates: the defaults for {@code --displays} and {@code --data-seed} in the original
     * world, with {@code --page-views-per-display} when given.
     *
     * @throws IllegalArgumentException when {@code --page-views-per-display} is out of range
     */
    GeneratorConfig dataConfig() {
        return pageViews.applyTo(GeneratorConfig.defaults(displays.value(), seed));
    }

    /**
     * Waits (through {@link Stages#await}) until application {@code group} has committed the end of its event topics,
     * drawing its progress; the progress then holds the rate of committed event offsets from a third of the way to
     * the end (null when the run was too short to tell) and the threads' CPU times at that third.
     */
    private static ConsumptionProgress awaitConsumed(Admin admin, String label, String group, List<String> topics,
            long t0) {
        ConsumptionProgress progress = new ConsumptionProgress(admin, label, group, topics, t0);
        Stages.await("the " + label + " topology to consume its inputs", Duration.ofHours(1), progress);
        return progress;
    }

    /** One look at the application's committed offsets per call: draws the progress line, notes the steady rate. */
    private static final class ConsumptionProgress implements BooleanSupplier {
        private final Admin admin;
        private final String label;
        private final String group;
        private final List<String> topics;
        private final long t0;
        private final boolean console = System.console() != null;
        private long lastLine;
        private long thirdNanos;
        private long thirdOffsets;
        private Double steadyRate;
        private ThreadCpu cpuAtThird;
        private GcTotals gcAtThird;

        ConsumptionProgress(Admin admin, String label, String group, List<String> topics, long t0) {
            this.admin = admin;
            this.label = label;
            this.group = group;
            this.topics = topics;
            this.t0 = t0;
        }

        @Override
        public boolean getAsBoolean() {
            Stages.Consumption c = Stages.consumption(admin, group, topics);
            long now = System.nanoTime();
            if (c == null) {
                return false;
            }
            if (thirdNanos == 0 && c.committed() * 3 >= c.end()) {
                thirdNanos = now;
                thirdOffsets = c.committed();
                cpuAtThird = ThreadCpu.now();
                gcAtThird = GcTotals.now();
            }
            if (c.caughtUp() || console || now - lastLine > 10_000_000_000L) {
                System.err.printf("%s%s: %,d of %,d event offsets committed (%.0f%%), %.0f s%s", console ? "\r" : "",
                        label, c.committed(), c.end(), 100.0 * c.committed() / Math.max(1, c.end()),
                        (now - t0) / 1e9, console && !c.caughtUp() ? "" : "%n".formatted());
                lastLine = now;
            }
            if (c.caughtUp()) {
                double window = (now - thirdNanos) / 1e9;
                steadyRate = thirdNanos == 0 || window < 1 ? null : (c.committed() - thirdOffsets) / window;
            }
            return c.caughtUp();
        }
    }

    /**
     * Entries and serialized bytes (key + value, as in RocksDB and the changelog) of the user and CTR stores, read
     * through interactive queries; CTR bytes per ad are all CTR keys' bytes over the ads with a key of family
     * {@link CtrFamily#AD}.
     */
    private static Map<String, Object> stateSizes(KafkaStreams streams) {
        long[] users = sizes(streams, StoreNames.USERS, Serdes.String(), StateSerdes.userState());
        long[] ctr = sizes(streams, StoreNames.CTR, Serdes.Long(), StateSerdes.ctrCounts());
        long ads = 0;
        ReadOnlyKeyValueStore<Long, CtrCounts> counts = streams.store(StoreQueryParameters.fromNameAndType(
                StoreNames.CTR, QueryableStoreTypes.<Long, CtrCounts>keyValueStore()));
        try (KeyValueIterator<Long, CtrCounts> it = counts.all()) {
            while (it.hasNext()) {
                if (CtrKeys.family(it.next().key) == CtrFamily.AD) {
                    ads++;
                }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("users", users[0]);
        out.put("user_state_bytes", users[1]);
        out.put("bytes_per_user", users[0] == 0 ? 0 : users[1] / users[0]);
        out.put("ctr_keys", ctr[0]);
        out.put("ctr_state_bytes", ctr[1]);
        out.put("ads_with_labels", ads);
        out.put("ctr_bytes_per_ad", ads == 0 ? 0 : ctr[1] / ads);
        return out;
    }

    private static <K, V> long[] sizes(KafkaStreams streams, String store, Serde<K> keySerde, Serde<V> serde) {
        ReadOnlyKeyValueStore<K, V> kv = streams.store(StoreQueryParameters.fromNameAndType(store,
                QueryableStoreTypes.<K, V>keyValueStore()));
        long entries = 0;
        long bytes = 0;
        try (KeyValueIterator<K, V> it = kv.all()) {
            while (it.hasNext()) {
                KeyValue<K, V> e = it.next();
                entries++;
                bytes += keySerde.serializer().serialize(store, e.key).length
                        + serde.serializer().serialize(store, e.value).length;
            }
        }
        return new long[] {entries, bytes};
    }

    private static long directorySize(Path dir) throws Exception {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
