package dev.wnd.app;

import dev.wnd.ingest.csv.CsvRow;
import dev.wnd.ingest.csv.DataDirectory;
import dev.wnd.ingest.csv.OutbrainFile;
import dev.wnd.ingest.csv.OutbrainReader;
import dev.wnd.ingest.replay.ReplaySummary;
import dev.wnd.schemas.avro.ClickTest;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Ranks the ads of every test display and writes a Kaggle submission. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Rank the ads of every display in DIR/clicks_test.csv with features as of that display's time "
                + "and write the Kaggle submission format (display_id,ad_id header; then display_id,ad ad ... best "
                + "first, every display exactly once).")
final class PredictCommand implements Callable<Integer> {

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "Directory of Outbrain CSV files.")
    Path data;

    @Option(names = "--model-dir", required = true, paramLabel = "DIR", description = "Checkpoint directory.")
    Path modelDir;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Submission file to write.")
    Path out;

    @Mixin
    LabelDelayOption labelDelay;

    @Override
    public Integer call() throws Exception {
        Path clicksTest = DataDirectory.scan(data).files().get(OutbrainFile.CLICKS_TEST);
        if (clicksTest == null) {
            throw new IllegalArgumentException("no clicks_test.csv (or .gz/.zip) in " + data);
        }
        Map<Long, List<Long>> requested = readClicksTest(clicksTest);
        Map<Long, List<Long>> ranked;
        try (Cluster c = Cluster.open(cluster, !cluster.external())) {
            c.ensureTopics();
            ReplaySummary replay = Replays.replay(c, data, 0, labelDelay.value());
            long requests = replay.sentPerTopic().getOrDefault(c.topics().scoreRequests.name(), 0L);
            Map<String, Long> servedBy = new java.util.TreeMap<>();
            ranked = Pipeline.score(c, c.stateDir(), modelDir, requests, Duration.ofHours(2),
                    servedBy);
            System.err.println("scores served by model version(s): " + servedBy);
        }
        int fallback = writeSubmission(out, requested, ranked);
        System.out.printf("wrote %,d displays to %s (%,d ranked by the model", requested.size(), out,
                requested.size() - fallback);
        System.out.printf(fallback == 0 ? ")%n"
                : "; %,d had no event row, so no features: their ads are listed in file order)%n", fallback);
        return 0;
    }

    /** The test displays in file order, each with its ads in file order. */
    static Map<Long, List<Long>> readClicksTest(Path file) throws Exception {
        Map<Long, List<Long>> displays = new LinkedHashMap<>();
        try (OutbrainReader<ClickTest> reader = OutbrainReader.open(file, OutbrainFile.CLICKS_TEST)) {
            while (reader.hasNext()) {
                CsvRow<ClickTest> row = reader.next();
                if (row instanceof CsvRow.Parsed<ClickTest> p) {
                    displays.computeIfAbsent(p.value().getDisplayId(), d -> new ArrayList<>()).add(p.value().getAdId());
                } else {
                    System.err.println("skipping " + row);
                }
            }
        }
        return displays;
    }

    /** Writes every requested display exactly once; returns how many fell back to file order. */
    static int writeSubmission(Path out, Map<Long, List<Long>> requested, Map<Long, List<Long>> ranked)
            throws Exception {
        int fallback = 0;
        try (BufferedWriter w = Files.newBufferedWriter(out)) {
            w.write("display_id,ad_id\n");
            for (Map.Entry<Long, List<Long>> e : requested.entrySet()) {
                List<Long> order = ranked.get(e.getKey());
                if (order == null) {
                    order = e.getValue();
                    fallback++;
                }
                StringBuilder line = new StringBuilder().append(e.getKey()).append(',');
                for (int i = 0; i < order.size(); i++) {
                    line.append(i == 0 ? "" : " ").append(order.get(i));
                }
                w.write(line.append('\n').toString());
            }
        }
        return fallback;
    }
}
