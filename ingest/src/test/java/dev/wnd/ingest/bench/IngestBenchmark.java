package dev.wnd.ingest.bench;

import dev.wnd.embedded.EmbeddedRuntime;
import dev.wnd.ingest.csv.CsvRow;
import dev.wnd.ingest.csv.DataDirectory;
import dev.wnd.ingest.csv.OutbrainFile;
import dev.wnd.ingest.csv.OutbrainReader;
import dev.wnd.ingest.generate.DataGenerator;
import dev.wnd.ingest.generate.GeneratorConfig;
import dev.wnd.ingest.generate.GeneratorSummary;
import dev.wnd.ingest.replay.ReplayConfig;
import dev.wnd.ingest.replay.ReplaySummary;
import dev.wnd.ingest.replay.Replayer;
import dev.wnd.ingest.replay.TerminalProgress;
import dev.wnd.schemas.registry.HttpSchemaRegistryClient;
import dev.wnd.schemas.topic.AppTopics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Measures the ingest on a generated data set: generation time, parse rate (rows/s on ONE thread, every file, best
 * of three rounds with the files in the page cache) and replay rate into the embedded broker (records/s, one
 * transactional producer, default settings).
 *
 * <p>Lives in the test tree because it starts the embedded broker, a test dependency of this module. Run it from
 * the repository root with
 * <pre>
 * ./mvnw -q -B -pl ingest -am install -DskipTests &amp;&amp; ./mvnw -q -B -pl ingest test-compile
 * ./mvnw -q -B -pl ingest dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/tmp/ingest.cp
 * java -cp "ingest/target/test-classes:ingest/target/classes:$(cat /tmp/ingest.cp)" \
 *     dev.wnd.ingest.bench.IngestBenchmark [--displays 1000000] [--dir DIR] [--no-replay]
 * </pre>
 * Without {@code --dir} the data set goes to a temporary directory that is deleted afterwards.
 */
public final class IngestBenchmark {

    private IngestBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long displays = 1_000_000;
        Path dir = null;
        boolean replay = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--displays" -> displays = Long.parseLong(args[++i]);
                case "--dir" -> dir = Path.of(args[++i]);
                case "--no-replay" -> replay = false;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (--displays N, --dir DIR, --no-replay)");
            }
        }
        boolean temporary = dir == null;
        Path data = temporary ? Files.createTempDirectory("ingest-bench-") : dir;
        try {
            System.out.printf(Locale.ROOT, "JVM %s, %d cores available%n", Runtime.version(),
                    Runtime.getRuntime().availableProcessors());
            long t0 = System.nanoTime();
            GeneratorSummary generated = DataGenerator.generate(GeneratorConfig.defaults(displays, 1), data);
            double genSeconds = (System.nanoTime() - t0) / 1e9;
            long rows = generated.rows().values().stream().mapToLong(Long::longValue).sum();
            System.out.printf(Locale.ROOT, "generate: %,d displays, %,d rows in %.1f s (%,.0f rows/s)%n",
                    displays, rows, genSeconds, rows / genSeconds);

            parse(data);
            if (replay) {
                replay(data);
            }
        } finally {
            if (temporary) {
                delete(data);
            }
        }
    }

    private static void parse(Path data) throws IOException {
        DataDirectory files = DataDirectory.scan(data);
        Map<String, double[]> best = new LinkedHashMap<>();
        double bestTotal = 0;
        for (int round = 1; round <= 3; round++) {
            long allRows = 0;
            long allNanos = 0;
            for (Map.Entry<OutbrainFile<?>, Path> e : files.files().entrySet()) {
                long t = System.nanoTime();
                long rows = drain(e.getValue(), e.getKey());
                long nanos = System.nanoTime() - t;
                allRows += rows;
                allNanos += nanos;
                double rate = rows / (nanos / 1e9);
                best.merge(e.getValue().getFileName().toString(), new double[] {rows, rate},
                        (a, b) -> a[1] >= b[1] ? a : b);
            }
            double rate = allRows / (allNanos / 1e9);
            bestTotal = Math.max(bestTotal, rate);
            System.out.printf(Locale.ROOT, "parse round %d: %,d rows in %.2f s = %,.0f rows/s on one thread%n", round,
                    allRows, allNanos / 1e9, rate);
        }
        best.forEach((file, v) -> System.out.printf(Locale.ROOT, "  %-26s %,12.0f rows  %,12.0f rows/s%n", file, v[0],
                v[1]));
        System.out.printf(Locale.ROOT, "parse rate (best round): %,.0f rows/s/core%n", bestTotal);
    }

    private static <T> long drain(Path path, OutbrainFile<T> file) throws IOException {
        long rejected = 0;
        try (OutbrainReader<T> reader = OutbrainReader.open(path, file)) {
            while (reader.hasNext()) {
                if (reader.next() instanceof CsvRow.Rejected<T>) {
                    rejected++;
                }
            }
            if (rejected > 0) {
                throw new IllegalStateException(rejected + " rejects in generated " + path);
            }
            return reader.rows();
        }
    }

    private static void replay(Path data) throws IOException {
        Path brokerDir = Files.createTempDirectory("ingest-bench-broker-");
        try (EmbeddedRuntime runtime = EmbeddedRuntime.start(new EmbeddedRuntime.Config(brokerDir))) {
            AppTopics topics = new AppTopics(new HttpSchemaRegistryClient(runtime.registryUrl()));
            ReplaySummary summary = Replayer.run(ReplayConfig.defaults(data, runtime.bootstrapServers()), topics,
                    new TerminalProgress(System.err, false));
            System.out.printf(Locale.ROOT, "replay: %,d records in %.1f s = %,.0f records/s into the embedded broker"
                    + " (4 partitions, transactions of %,d records)%n", summary.sent(),
                    summary.elapsed().toNanos() / 1e9, summary.recordsPerSecond(),
                    ReplayConfig.DEFAULT_TRANSACTION_RECORDS);
        } finally {
            delete(brokerDir);
        }
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
