package dev.wnd.app;

import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.ingest.generate.DataGenerator;
import dev.wnd.ingest.generate.GeneratorConfig;
import dev.wnd.ingest.replay.ReplaySummary;
import dev.wnd.model.Batch;
import dev.wnd.model.ClickPredictor;
import dev.wnd.model.ModelConfig;
import dev.wnd.model.TrainResult;
import dev.wnd.model.WideDeepTrainer;
import dev.wnd.eval.metrics.RankingMetrics;
import dev.wnd.scorer.ScorerMetrics;
import dev.wnd.schemas.avro.AdScore;
import dev.wnd.schemas.avro.Example;
import dev.wnd.schemas.avro.Score;
import dev.wnd.schemas.avro.Split;
import dev.wnd.scorer.ModelFeed;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The accuracy lab of issue 7: a fast loop for "why does one pass underfit". Not a test and not part of the
 * product; run from the test class path.
 *
 * <ul>
 *   <li>{@code dump WORK DISPLAYS [DATA_SEED]}: generates the default data set (unless {@code WORK/data} has one),
 *       runs replay, the features topology and the scorer on the embedded broker exactly as {@code wnd demo} does
 *       (label delay 1 h, split seed 0, one partition), and writes {@code WORK/examples.bin}: every Example in
 *       the examples topic's order (what the learner reads), then every test display's rows as the scorer built
 *       them (features as of the display's time). Takes a few minutes for 100k displays; done once.</li>
 *   <li>{@code fit WORK [key=value ...]}: trains the Wide &amp; Deep model offline on the TRAIN examples in topic
 *       order (validation examples are only scored), then ranks the test displays and prints MAP@12 against the
 *       generator's truth: realized (the clicks drawn) and expected (under the true click probabilities, far less
 *       noisy), both normalized, beside the ranking by the {@code pop_ad_id} feature (the ad-CTR baseline) and the
 *       planted optimum. Keys: {@code batch}, {@code hidden} (e.g. {@code 1024x5} or {@code 256,256}),
 *       {@code epochs}, {@code deepLr}, {@code linearLr}, {@code warmup}, {@code dropout}, {@code seed},
 *       {@code deepAcc}, {@code linearAcc}, {@code linearL1}, {@code linearL2}.</li>
 *   <li>{@code gbdt WORK [key=value ...]}: the evaluation's GBDT peer ({@link dev.wnd.eval.GbdtPeer}) trained on
 *       the TRAIN examples as {@code wnd evaluate} trains it, then scoring the test displays, reported like
 *       {@code fit}. Keys: {@code categorical} ({@code codes} or {@code none}), {@code objective},
 *       {@code depth}, {@code eta}, {@code holdout}, {@code rounds}.</li>
 * </ul>
 * A world other than the original: {@code wnd generate --world-seed W --out WORK/data} before {@code dump}.
 * Command: build the test classes ({@code ./mvnw -pl app -am test-compile}), then, with {@code DJL_OFFLINE=true
 * PYTORCH_FLAVOR=cpu} in the environment as {@code ./wnd} sets them, {@code java -cp
 * app/target/test-classes:app/target/classes:$(cat app/target/classpath.txt) dev.wnd.app.AccuracyLab ...}.
 */
final class AccuracyLab {

    private AccuracyLab() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: AccuracyLab dump WORK DISPLAYS [DATA_SEED] | fit WORK [key=value ...] | "
                    + "gbdt WORK [key=value ...] | score WORK MODEL_DIR | stats WORK");
            System.exit(2);
        }
        Path work = Path.of(args[1]);
        switch (args[0]) {
            case "dump" -> dump(work, Long.parseLong(args[2]), args.length > 3 ? Long.parseLong(args[3]) : 1L);
            case "fit" -> fit(work, options(Arrays.copyOfRange(args, 2, args.length)));
            case "gbdt" -> gbdt(work, options(Arrays.copyOfRange(args, 2, args.length)));
            case "stats" -> stats(work);
            case "score" -> score(work, Path.of(args[2]));
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    // ---------------------------------------------------------------- dump

    static void dump(Path work, long displays, long dataSeed) throws Exception {
        Path data = work.resolve("data");
        if (!Files.exists(data.resolve("truth").resolve("summary.json"))) {
            DataGenerator.generate(GeneratorConfig.defaults(displays, dataSeed), data);
        }
        Path run = work.resolve("run");
        WorkDirLock lock = Workspace.claimFresh(run);
        List<ExampleFile.Row> rows = new ArrayList<>();
        try (Cluster c = Cluster.open(Workspace.embedded(run), true, lock)) {
            c.ensureTopics();
            ReplaySummary replay = Replays.replay(c, data, 0, Duration.ofHours(1));
            long requests = replay.sentPerTopic().getOrDefault(c.topics().scoreRequests.name(), 0L);
            long t0 = System.nanoTime();
            KafkaStreams features = Stages.startFeatures(c, c.stateDir(), Stages.FeaturesOptions.of(0L)).streams();
            try (Admin admin = c.admin()) {
                List<String> inputs = List.of(c.topics().pageViews.name(), c.topics().displays.name(),
                        c.topics().labels.name());
                Stages.await("features", Duration.ofHours(2), () -> features.state() == KafkaStreams.State.RUNNING
                        && Stages.caughtUp(admin, Stages.FEATURES_APP_ID, inputs));
            } finally {
                features.close();
            }
            System.err.printf("features done in %.0f s%n", (System.nanoTime() - t0) / 1e9);
            readExamples(c, rows);
            System.err.printf("%,d examples%n", rows.size());
            t0 = System.nanoTime();
            RecordingFeed feed = new RecordingFeed();
            KafkaStreams scorer = Stages.startScorer(c, c.stateDir(), feed, false, ScorerMetrics.NONE).streams();
            try {
                readTestRows(c, feed, requests, rows);
            } finally {
                scorer.close();
            }
            System.err.printf("scorer done in %.0f s%n", (System.nanoTime() - t0) / 1e9);
        }
        ExampleFile.write(work.resolve("examples.bin"), rows);
        System.err.printf("wrote %,d rows to %s%n", rows.size(), work.resolve("examples.bin"));
    }

    private static void readExamples(Cluster c, List<ExampleFile.Row> rows) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, c.bootstrap());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(c.topics().examples.name(), 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            var deserializer = c.topics().examples.valueSerde().deserializer();
            while (consumer.position(tp) < end) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    Example e = deserializer.deserialize(r.topic(), r.value());
                    rows.add(new ExampleFile.Row(e.getDisplayId(), e.getAdId(), e.getTimestamp(), e.getLabel(),
                            e.getSplit() == Split.VALIDATION ? ExampleFile.Kind.VALIDATION : ExampleFile.Kind.TRAIN,
                            e.getCategorical().stream().mapToInt(Integer::intValue).toArray(),
                            toFloats(e.getNumeric())));
                }
            }
        }
    }

    private static float[] toFloats(List<Float> values) {
        float[] a = new float[values.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = values.get(i);
        }
        return a;
    }

    /**
     * A model feed whose predictor keeps every batch the scorer builds and answers, for the n-th row it is ever
     * asked about, the probability {@code n / 2^24} (exact in float), so that each score record names the batch
     * and row its ad came from, whatever the output order and however many displays the scorer puts in one batch.
     */
    private static final class RecordingFeed implements ModelFeed {
        final List<Batch> batches = new ArrayList<>();
        /** For row n: (call << 32) | row in that call's batch. */
        final List<Long> origins = new ArrayList<>();

        @Override
        public String latestVersion() {
            return "recorder";
        }

        @Override
        public ClickPredictor newPredictor() {
            return new ClickPredictor() {
                @Override
                public float[] predict(Batch batch) {
                    float[] p = new float[batch.size()];
                    synchronized (batches) {
                        long call = batches.size();
                        batches.add(batch);
                        for (int j = 0; j < p.length; j++) {
                            origins.add(call << 32 | j);
                            p[j] = origins.size() / 16_777_216f;
                        }
                    }
                    return p;
                }

                @Override
                public String modelVersion() {
                    return "recorder";
                }

                @Override
                public String specHash() {
                    return FeatureSpec.standard().hash();
                }

                @Override
                public void close() {
                }
            };
        }
    }

    private static void readTestRows(Cluster c, RecordingFeed feed, long requests, List<ExampleFile.Row> rows) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, c.bootstrap());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "wnd-lab-" + System.nanoTime());
        int slots = FeatureSpec.standard().categoricalSlots();
        int numerics = FeatureSpec.standard().numericCount();
        Map<Long, Boolean> seen = new HashMap<>();
        try (KafkaConsumer<Long, Score> consumer = new KafkaConsumer<>(p,
                c.topics().scores.keySerde().deserializer(), c.topics().scores.valueSerde().deserializer())) {
            consumer.subscribe(List.of(c.topics().scores.name()));
            long deadline = System.nanoTime() + Duration.ofHours(1).toNanos();
            while (seen.size() < requests && System.nanoTime() < deadline) {
                for (ConsumerRecord<Long, Score> r : consumer.poll(Duration.ofMillis(500))) {
                    Score s = r.value();
                    if (seen.put(s.getDisplayId(), true) != null) {
                        continue;
                    }
                    for (AdScore a : s.getAds()) {
                        int n = (int) Math.round(a.getProbability() * 16_777_216.0);
                        Batch b;
                        int row;
                        synchronized (feed.batches) {
                            long origin = feed.origins.get(n - 1);
                            b = feed.batches.get((int) (origin >>> 32));
                            row = (int) origin;
                        }
                        rows.add(new ExampleFile.Row(s.getDisplayId(), a.getAdId(), 0, -1, ExampleFile.Kind.TEST,
                                Arrays.copyOfRange(b.categorical(), row * slots, (row + 1) * slots),
                                Arrays.copyOfRange(b.numeric(), row * numerics, (row + 1) * numerics)));
                    }
                }
            }
        }
        System.err.printf("%,d of %,d test displays%n", seen.size(), requests);
    }

    // ---------------------------------------------------------------- score

    /**
     * Ranks the dumped test rows with the newest checkpoint in {@code modelDir} (e.g. a {@code wnd demo} or
     * {@code wnd train} run on the same data) and reports as {@code fit} does: the pipeline's model, scored on the
     * features the scorer builds, without running the scorer again.
     */
    static void score(Path work, Path modelDir) throws IOException {
        FeatureSpec spec = FeatureSpec.standard();
        List<ExampleFile.Row> test = ExampleFile.read(work.resolve("examples.bin")).stream()
                .filter(r -> r.kind() == ExampleFile.Kind.TEST).toList();
        Truth truth = Truth.read(work.resolve("data").resolve("truth"));
        dev.wnd.model.checkpoint.LoadedCheckpoint checkpoint = new dev.wnd.model.checkpoint.CheckpointStore(
                modelDir, 1_000).loadNewestValid().orElseThrow();
        try (dev.wnd.model.WideDeepPredictor predictor = checkpoint.newPredictor(spec)) {
            double[] p = new double[test.size()];
            for (int from = 0; from < test.size(); from += 4096) {
                List<ExampleFile.Row> part = test.subList(from, Math.min(test.size(), from + 4096));
                float[] q = predictor.predict(batch(part, false));
                for (int i = 0; i < q.length; i++) {
                    p[from + i] = q[i];
                }
            }
            System.out.println(truth.report("checkpoint " + checkpoint.version() + " ("
                    + checkpoint.manifest().examplesTrained() + " examples)", test, p));
        }
    }

    // ---------------------------------------------------------------- stats

    /**
     * Per feature: mean of each numeric and share of filled categorical slots, for the first and last fifth of the
     * train examples, the validation examples and the test rows: a train/serve skew shows as a test column far from
     * the train columns.
     */
    static void stats(Path work) throws IOException {
        FeatureSpec spec = FeatureSpec.standard();
        List<ExampleFile.Row> all = ExampleFile.read(work.resolve("examples.bin"));
        List<ExampleFile.Row> train = all.stream().filter(r -> r.kind() == ExampleFile.Kind.TRAIN).toList();
        Map<String, List<ExampleFile.Row>> groups = new LinkedHashMap<>();
        groups.put("train 1st 5th", train.subList(0, train.size() / 5));
        groups.put("train last 5th", train.subList(train.size() * 4 / 5, train.size()));
        groups.put("validation", all.stream().filter(r -> r.kind() == ExampleFile.Kind.VALIDATION).toList());
        groups.put("test", all.stream().filter(r -> r.kind() == ExampleFile.Kind.TEST).toList());
        System.out.printf("%-34s", "numeric mean (share > 0)");
        groups.keySet().forEach(g -> System.out.printf("%22s", g));
        System.out.println();
        for (int f = 0; f < spec.numericCount(); f++) {
            System.out.printf("%-34s", spec.numeric().get(f).name());
            for (List<ExampleFile.Row> rows : groups.values()) {
                double sum = 0;
                int positive = 0;
                for (ExampleFile.Row r : rows) {
                    sum += r.numeric()[f];
                    positive += r.numeric()[f] > 0 ? 1 : 0;
                }
                System.out.printf(Locale.ROOT, "%14.4f (%4.2f)", sum / rows.size(), positive / (double) rows.size());
            }
            System.out.println();
        }
        for (int f = 0; f < spec.categorical().size(); f++) {
            System.out.printf("%-34s", "filled " + spec.categorical().get(f).name());
            int offset = spec.slotOffset(f);
            for (List<ExampleFile.Row> rows : groups.values()) {
                int filled = 0;
                for (ExampleFile.Row r : rows) {
                    filled += r.categorical()[offset] >= 0 ? 1 : 0;
                }
                System.out.printf(Locale.ROOT, "%22.3f", filled / (double) rows.size());
            }
            System.out.println();
        }
    }

    // ---------------------------------------------------------------- fit

    private static Map<String, String> options(String[] args) {
        Map<String, String> o = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            o.put(a.substring(0, eq), a.substring(eq + 1));
        }
        return o;
    }

    private static List<Integer> hidden(String spec) {
        List<Integer> units = new ArrayList<>();
        if (spec.isEmpty()) {
            return units;
        }
        if (spec.contains("x")) {
            String[] p = spec.split("x");
            for (int i = 0; i < Integer.parseInt(p[1]); i++) {
                units.add(Integer.parseInt(p[0]));
            }
            return units;
        }
        for (String u : spec.split(",")) {
            units.add(Integer.parseInt(u));
        }
        return units;
    }

    static void fit(Path work, Map<String, String> o) throws IOException {
        FeatureSpec spec = FeatureSpec.standard();
        List<ExampleFile.Row> all = ExampleFile.read(work.resolve("examples.bin"));
        List<ExampleFile.Row> train = new ArrayList<>();
        List<ExampleFile.Row> validation = new ArrayList<>();
        List<ExampleFile.Row> test = new ArrayList<>();
        for (ExampleFile.Row r : all) {
            (r.kind() == ExampleFile.Kind.TRAIN ? train : r.kind() == ExampleFile.Kind.VALIDATION ? validation
                    : test).add(r);
        }
        int batchSize = Integer.parseInt(o.getOrDefault("batch", "4096"));
        int epochs = Integer.parseInt(o.getOrDefault("epochs", "1"));
        ModelConfig.Builder b = ModelConfig.defaults().toBuilder()
                .deepHiddenUnits(hidden(o.getOrDefault("hidden", "1024x5")))
                .seed(Long.parseLong(o.getOrDefault("seed", "42")));
        if (o.containsKey("deepLr")) {
            b.deepLearningRate(Double.parseDouble(o.get("deepLr")));
        }
        if (o.containsKey("linearLr")) {
            b.linearLearningRate(Double.parseDouble(o.get("linearLr")));
        }
        if (o.containsKey("warmup")) {
            b.deepWarmupSteps(Long.parseLong(o.get("warmup")));
        }
        if (o.containsKey("dropout")) {
            b.deepDropout(Double.parseDouble(o.get("dropout")));
        }
        if (o.containsKey("deepAcc")) {
            b.deepInitialAccumulator(Double.parseDouble(o.get("deepAcc")));
        }
        if (o.containsKey("linearAcc")) {
            b.linearInitialAccumulator(Double.parseDouble(o.get("linearAcc")));
        }
        if (o.containsKey("linearL1")) {
            b.linearL1(Double.parseDouble(o.get("linearL1")));
        }
        if (o.containsKey("linearL2")) {
            b.linearL2(Double.parseDouble(o.get("linearL2")));
        }
        ModelConfig config = b.build();
        System.out.printf(Locale.ROOT, "rows: %,d train, %,d validation, %,d test; %s; batch %d, epochs %d%n",
                train.size(), validation.size(), test.size(), o, batchSize, epochs);

        Truth truth = Truth.read(work.resolve("data").resolve("truth"));
        System.out.println(truth.report("ad-CTR feature (pop_ad_id)", test,
                column(test, spec.numericIndex("pop_ad_id"))));
        System.out.println(truth.report("truth probabilities", test, truth.probabilities(test)));

        long t0 = System.nanoTime();
        try (WideDeepTrainer trainer = WideDeepTrainer.create(spec, config)) {
            int chunks = 10;
            for (int epoch = 0; epoch < epochs; epoch++) {
                double lossSum = 0;
                int lossN = 0;
                int batches = (train.size() + batchSize - 1) / batchSize;
                StringBuilder curve = new StringBuilder();
                for (int i = 0; i < batches; i++) {
                    List<ExampleFile.Row> part = train.subList(i * batchSize,
                            Math.min(train.size(), (i + 1) * batchSize));
                    TrainResult r = trainer.trainBatch(batch(part, true));
                    lossSum += r.loss();
                    lossN++;
                    if ((i + 1) * chunks / batches != i * chunks / batches || i == batches - 1) {
                        curve.append(String.format(Locale.ROOT, " %.4f", lossSum / lossN));
                        System.out.printf(Locale.ROOT, "  %d/%d batches, loss %.4f (%.0f s)%n", i + 1, batches,
                                lossSum / lossN, (System.nanoTime() - t0) / 1e9);
                        lossSum = 0;
                        lossN = 0;
                    }
                }
                System.out.printf(Locale.ROOT, "epoch %d: train loss by tenth:%s (%.0f s)%n", epoch + 1, curve,
                        (System.nanoTime() - t0) / 1e9);
                float[] pv = predict(trainer, validation);
                double[] pvd = new double[pv.length];
                int[] yv = new int[pv.length];
                for (int i = 0; i < pv.length; i++) {
                    pvd[i] = pv[i];
                    yv[i] = validation.get(i).label();
                }
                System.out.printf(Locale.ROOT, "  validation: logloss %.4f, AUC %.4f%n",
                        RankingMetrics.logloss(pvd, yv), RankingMetrics.auc(pvd, yv));
                float[] pt = predict(trainer, test);
                double[] ptd = new double[pt.length];
                for (int i = 0; i < pt.length; i++) {
                    ptd[i] = pt[i];
                }
                System.out.println(truth.report("model after epoch " + (epoch + 1), test, ptd));
            }
        }
    }

    static void gbdt(Path work, Map<String, String> o) throws IOException {
        List<ExampleFile.Row> all = ExampleFile.read(work.resolve("examples.bin"));
        dev.wnd.eval.GbdtConfig d = dev.wnd.eval.GbdtConfig.defaults();
        dev.wnd.eval.GbdtConfig config = new dev.wnd.eval.GbdtConfig(
                dev.wnd.eval.GbdtConfig.Categorical.valueOf(o.getOrDefault("categorical", "codes")
                        .toUpperCase(Locale.ROOT)),
                o.getOrDefault("objective", d.objective()),
                Integer.parseInt(o.getOrDefault("rounds", Integer.toString(d.maxRounds()))), d.earlyStoppingRounds(),
                Double.parseDouble(o.getOrDefault("holdout", Double.toString(d.holdoutFraction()))),
                Double.parseDouble(o.getOrDefault("eta", Double.toString(d.eta()))),
                Integer.parseInt(o.getOrDefault("depth", Integer.toString(d.maxDepth()))), d.minChildWeight(),
                d.subsample(), d.colsampleByTree(), d.maxTrainRows(), d.threads(), d.seed());
        dev.wnd.eval.GbdtPeer peer = EvaluateCommand.gbdtPeer(FeatureSpec.standard(), config);
        List<ExampleFile.Row> test = new ArrayList<>();
        for (ExampleFile.Row r : all) {
            if (r.kind() == ExampleFile.Kind.TEST) {
                test.add(r);
            } else if (r.kind() == ExampleFile.Kind.TRAIN) {
                peer.accept(example(r, Split.TRAIN));
            }
        }
        for (ExampleFile.Row r : test) {
            peer.accept(example(r, Split.VALIDATION)); // scored like validation rows
        }
        long t0 = System.nanoTime();
        dev.wnd.eval.PeerScores scores = peer.fit();
        double[] s = new double[scores.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = scores.score(i);
        }
        Truth truth = Truth.read(work.resolve("data").resolve("truth"));
        System.out.printf(Locale.ROOT, "gbdt %s in %.1f s: %s%n", o, (System.nanoTime() - t0) / 1e9,
                scores.details());
        System.out.println(truth.report("GBDT " + o, test, s));
    }

    private static Example example(ExampleFile.Row r, Split split) {
        List<Integer> cat = new ArrayList<>(r.categorical().length);
        for (int c : r.categorical()) {
            cat.add(c);
        }
        List<Float> num = new ArrayList<>(r.numeric().length);
        for (float x : r.numeric()) {
            num.add(x);
        }
        return Example.newBuilder().setDisplayId(r.displayId()).setAdId(r.adId()).setTimestamp(r.timestamp())
                .setLabel(Math.max(0, r.label())).setSplit(split).setSpecHash("lab").setCategorical(cat)
                .setNumeric(num).build();
    }

    private static double[] column(List<ExampleFile.Row> rows, int numeric) {
        double[] v = new double[rows.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = rows.get(i).numeric()[numeric];
        }
        return v;
    }

    private static float[] predict(WideDeepTrainer trainer, List<ExampleFile.Row> rows) {
        float[] out = new float[rows.size()];
        for (int from = 0; from < rows.size(); from += 8192) {
            List<ExampleFile.Row> part = rows.subList(from, Math.min(rows.size(), from + 8192));
            float[] p = trainer.predict(batch(part, false));
            System.arraycopy(p, 0, out, from, p.length);
        }
        return out;
    }

    static Batch batch(List<ExampleFile.Row> rows, boolean labels) {
        int n = rows.size();
        int slots = rows.get(0).categorical().length;
        int numerics = rows.get(0).numeric().length;
        int[] cat = new int[n * slots];
        float[] num = new float[n * numerics];
        float[] y = labels ? new float[n] : null;
        for (int i = 0; i < n; i++) {
            ExampleFile.Row r = rows.get(i);
            System.arraycopy(r.categorical(), 0, cat, i * slots, slots);
            System.arraycopy(r.numeric(), 0, num, i * numerics, numerics);
            if (labels) {
                y[i] = r.label();
            }
        }
        return new Batch(n, cat, num, y);
    }

    /** The generator's truth for the test displays: clicked ad and true probabilities. */
    private record Truth(Map<Long, Long> clicked, Map<Long, Map<Long, Double>> probability, double optimal,
            double random) {

        static Truth read(Path dir) throws IOException {
            Map<Long, Long> clicked = new HashMap<>();
            try (BufferedReader in = Files.newBufferedReader(dir.resolve("clicks_test_truth.csv"))) {
                in.readLine();
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    String[] f = line.split(",");
                    if (f[2].equals("1")) {
                        clicked.put(Long.parseLong(f[0]), Long.parseLong(f[1]));
                    }
                }
            }
            Map<Long, Map<Long, Double>> probability = new HashMap<>();
            try (BufferedReader in = Files.newBufferedReader(dir.resolve("test_probabilities.csv"))) {
                in.readLine();
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    String[] f = line.split(",");
                    probability.computeIfAbsent(Long.parseLong(f[0]), d -> new HashMap<>())
                            .put(Long.parseLong(f[1]), Double.parseDouble(f[2]));
                }
            }
            String summary = Files.readString(dir.resolve("summary.json"));
            return new Truth(clicked, probability, number(summary, "map12_optimal"), number(summary, "map12_random"));
        }

        private static double number(String json, String key) {
            int at = json.indexOf('"' + key + '"');
            int colon = json.indexOf(':', at);
            int end = colon + 1;
            while (end < json.length() && ",}\n".indexOf(json.charAt(end)) < 0) {
                end++;
            }
            return Double.parseDouble(json.substring(colon + 1, end).trim());
        }

        double[] probabilities(List<ExampleFile.Row> rows) {
            double[] p = new double[rows.size()];
            for (int i = 0; i < p.length; i++) {
                p[i] = probability.get(rows.get(i).displayId()).get(rows.get(i).adId());
            }
            return p;
        }

        /** Realized and expected MAP@12 of ranking each display's rows by {@code score}, normalized. */
        String report(String what, List<ExampleFile.Row> rows, double[] score) {
            Map<Long, List<Integer>> byDisplay = new LinkedHashMap<>();
            for (int i = 0; i < rows.size(); i++) {
                byDisplay.computeIfAbsent(rows.get(i).displayId(), d -> new ArrayList<>()).add(i);
            }
            double ap = 0;
            double expected = 0;
            double random = 0;
            double optimum = 0;
            for (Map.Entry<Long, List<Integer>> e : byDisplay.entrySet()) {
                List<Integer> idx = new ArrayList<>(e.getValue());
                idx.sort((a, b) -> Double.compare(score[b], score[a]));
                List<Long> ranked = idx.stream().map(i -> rows.get(i).adId()).toList();
                ap += RankingMetrics.averagePrecisionAt12(ranked, List.of(clicked.get(e.getKey())));
                Map<Long, Double> p = probability.get(e.getKey());
                for (int r = 0; r < Math.min(12, ranked.size()); r++) {
                    expected += p.get(ranked.get(r)) / (r + 1);
                }
                double[] sorted = p.values().stream().mapToDouble(Double::doubleValue).sorted().toArray();
                for (int r = 0; r < Math.min(12, sorted.length); r++) {
                    optimum += sorted[sorted.length - 1 - r] / (r + 1);
                }
                random += RankingMetrics.expectedRandomAp(ranked.size());
            }
            int n = byDisplay.size();
            return String.format(Locale.ROOT, "  %-28s MAP@12 %.4f (normalized %.3f); expected MAP@12 %.4f "
                    + "(normalized %.3f) [%d displays, random %.4f, optimum %.4f]", what, ap / n,
                    (ap / n - random / n) / (this.optimal - this.random), expected / n,
                    (expected - random) / (optimum - random), n, random / n, optimum / n);
        }
    }
}
