package dev.wnd.app;

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
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Features topology throughput on the embedded broker, exactly-once. */
@Command(name = "features", mixinStandardHelpOptions = true,
        description = "Replay a generated data set into the embedded broker, then time the features topology "
                + "(exactly-once) from start until it has consumed every input record.")
final class BenchFeaturesCommand implements Callable<Integer> {

    @Option(names = "--displays", defaultValue = "100000", description = "Displays to generate (default: ${DEFAULT-VALUE}).")
    long displays;

    @Option(names = "--seed", defaultValue = "1", description = "Data seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--work-dir", defaultValue = ".wnd/bench-features", description = "Reset at start (default: ${DEFAULT-VALUE}).")
    Path workDir;

    @Option(names = "--at-least-once", description = "Measure at-least-once instead of exactly-once.")
    boolean atLeastOnce;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the result as JSON.")
    Path json;

    @Override
    public Integer call() throws Exception {
        Workspace.reset(workDir);
        GeneratorSummary data = DataGenerator.generate(GeneratorConfig.defaults(displays, seed), workDir.resolve("data"));
        ClusterOptions options = Workspace.embedded(workDir);
        try (Cluster cluster = Cluster.open(options, true)) {
            cluster.ensureTopics();
            ReplaySummary replay = IngestCommand.replay(cluster, workDir.resolve("data"), 0, Duration.ofHours(1));
            long inputs = replay.sent() - replay.sentPerTopic().getOrDefault(cluster.topics().scoreRequests.name(), 0L);
            List<String> streamInputs = List.of(cluster.topics().pageViews.name(), cluster.topics().displays.name(),
                    cluster.topics().labels.name());
            System.err.printf("timing the features topology over %,d input records%n", inputs);
            long t0 = System.nanoTime();
            KafkaStreams features = Stages.startFeatures(cluster, workDir.resolve("state"), 0, !atLeastOnce);
            try (Admin admin = cluster.admin()) {
                Stages.await("the features topology to consume its inputs", Duration.ofHours(1),
                        () -> Stages.caughtUp(admin, Stages.FEATURES_APP_ID, streamInputs));
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            features.close();
            long stateBytes = directorySize(workDir.resolve("state"));
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("input_records_per_s", inputs / seconds);
            out.put("input_records", inputs);
            out.put("seconds", seconds);
            out.put("processing_guarantee", atLeastOnce ? "at_least_once" : "exactly_once_v2");
            out.put("displays", data.trainDisplays());
            out.put("state_bytes_on_disk", stateBytes);
            out.put("cores", Runtime.getRuntime().availableProcessors());
            BenchCommand.report(out, json);
        }
        return 0;
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
