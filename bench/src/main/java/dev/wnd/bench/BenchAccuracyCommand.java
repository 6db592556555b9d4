package dev.wnd.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wnd.app.JsonOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Accuracy across worlds the project was not tuned on: for each world seed, {@code wnd generate --world-seed W},
 * then {@code wnd train} and {@code wnd predict} as a user runs them (timed together), then {@code wnd evaluate},
 * whose report carries the Wide &amp; Deep model, the GBDT peer (XGBoost on the same Examples), the baselines and
 * the planted optimum. Each command runs in a JVM of its own through the {@code ./wnd} launcher.
 *
 * <p>Per world it reports normalized MAP@12 ({@code (MAP − random) / (optimum − random)}, as {@code evaluate}
 * computes it) of the model and of the GBDT peer, and the wall time of train + predict; then the means, how many
 * worlds the model matches or beats the peer on, and whether the goals hold: the model ≥ the peer on at least 8 of
 * 10 worlds, a mean normalized MAP@12 ≥ 0.85, train + predict within 5 minutes on every world.
 */
@Command(name = "accuracy", mixinStandardHelpOptions = true,
        description = "For world seeds 1..N: generate a world, train and predict with the defaults (timed), "
                + "evaluate; print the normalized MAP@12 of the Wide & Deep model and of the GBDT peer per world, "
                + "their means, how many worlds the model matches or beats the peer on, and the goals. About 5 "
                + "minutes per world of 20,000 displays on 2 cores.")
final class BenchAccuracyCommand implements Callable<Integer> {

    /** Goal: the model at least as good as the GBDT peer on this many worlds of {@link #GOAL_WORLDS}. */
    static final int GOAL_WINS = 8;
    static final int GOAL_WORLDS = 10;
    /** Goal: mean normalized MAP@12 of the model. */
    static final double GOAL_MEAN = 0.85;
    /** Goal: train + predict on 20,000 displays, seconds. */
    static final double GOAL_SECONDS = 300;

    @Mixin
    JsonOption json;

    @Option(names = "--worlds", defaultValue = "10", paramLabel = "N",
            description = "How many worlds (default: ${DEFAULT-VALUE}).")
    int worlds;

    @Option(names = "--first-world", defaultValue = "1", paramLabel = "W",
            description = "World seed of the first world; the others follow it (default: ${DEFAULT-VALUE}).")
    long firstWorld;

    @Option(names = "--displays", defaultValue = "20000",
            description = "Displays per world (default: ${DEFAULT-VALUE}).")
    long displays;

    @Option(names = {"--data-seed", "--seed"}, defaultValue = "1",
            description = "Seed of the generated data in every world (default: ${DEFAULT-VALUE}).")
    long dataSeed;

    @Option(names = "--train-option", paramLabel = "OPTION",
            description = "An option for `wnd train`, e.g. --train-option=--global-batch-size=64 (repeatable; "
                    + "default: none, the defaults a user gets).")
    List<String> trainOptions = new ArrayList<>();

    @Option(names = "--evaluate-option", paramLabel = "OPTION",
            description = "An option for `wnd evaluate`, e.g. --evaluate-option=--gbdt-categorical=none "
                    + "(repeatable; default: none).")
    List<String> evaluateOptions = new ArrayList<>();

    @Option(names = "--reuse", description = "Keep the result of a world whose run in the work directory finished "
            + "with the same displays, seeds and options, instead of running it again.")
    boolean reuse;

    @Option(names = "--work-dir", defaultValue = ".wnd/bench-accuracy", paramLabel = "DIR",
            description = "Where each world's data, model, logs and reports go (default: ${DEFAULT-VALUE}).")
    Path workDir;

    @Override
    public Integer call() throws Exception {
        String launcher = System.getProperty("wnd.launcher");
        if (launcher == null) {
            throw new IllegalStateException("run the benchmark through the launcher: ./wnd bench accuracy");
        }
        if (worlds < 1 || displays < 10) {
            throw new IllegalArgumentException("--worlds must be >= 1 and --displays >= 10");
        }
        Path root = Path.of(launcher).toAbsolutePath().getParent();
        Files.createDirectories(workDir);
        List<WorldResult> results = new ArrayList<>();
        for (long w = firstWorld; w < firstWorld + worlds; w++) {
            WorldResult r = runWorld(root, w);
            results.add(r);
            System.err.printf(Locale.ROOT, "bench accuracy: world %d: W&D %.3f, GBDT %.3f, train+predict %.0f s%n",
                    w, r.normalizedModel(), r.normalizedGbdt(), r.trainPredictSeconds());
        }
        ObjectNode out = summary(results);
        System.out.print(text(out));
        json.write(mapper().writeValueAsString(out));
        return 0;
    }

    /** One world's figures. */
    record WorldResult(long world, String description, double trainSeconds, double predictSeconds,
            double evaluateSeconds, double map12Model, double map12Gbdt, double map12AdCtr, double map12Random,
            double map12Optimal, double map12RandomTest, double normalizedModel, double normalizedGbdt,
            double normalizedAdCtr, JsonNode gbdtDetails) {

        double trainPredictSeconds() {
            return trainSeconds + predictSeconds;
        }

        ObjectNode toJson() {
            ObjectNode n = mapper().createObjectNode();
            n.put("world_seed", world);
            n.put("world", description);
            n.put("train_s", round(trainSeconds, 1));
            n.put("predict_s", round(predictSeconds, 1));
            n.put("train_plus_predict_s", round(trainPredictSeconds(), 1));
            n.put("evaluate_s", round(evaluateSeconds, 1));
            ObjectNode map = n.putObject("map12");
            map.put("wnd", map12Model);
            map.put("gbdt", map12Gbdt);
            map.put("ad_ctr", map12AdCtr);
            map.put("random", map12Random);
            map.put("planted_optimum", map12Optimal);
            map.put("planted_random", map12RandomTest);
            ObjectNode norm = n.putObject("normalized_map12");
            norm.put("wnd", round(normalizedModel, 4));
            norm.put("gbdt", round(normalizedGbdt, 4));
            norm.put("ad_ctr", round(normalizedAdCtr, 4));
            n.put("wnd_at_least_gbdt", normalizedModel >= normalizedGbdt);
            n.set("gbdt", gbdtDetails);
            return n;
        }

        static WorldResult fromJson(JsonNode n) {
            return new WorldResult(n.path("world_seed").asLong(), n.path("world").asText(),
                    n.path("train_s").asDouble(), n.path("predict_s").asDouble(), n.path("evaluate_s").asDouble(),
                    n.at("/map12/wnd").asDouble(),
                    n.at("/map12/gbdt").asDouble(), n.at("/map12/ad_ctr").asDouble(), n.at("/map12/random").asDouble(),
                    n.at("/map12/planted_optimum").asDouble(), n.at("/map12/planted_random").asDouble(),
                    n.at("/normalized_map12/wnd").asDouble(), n.at("/normalized_map12/gbdt").asDouble(),
                    n.at("/normalized_map12/ad_ctr").asDouble(), n.path("gbdt"));
        }
    }

    /** Generates, trains, predicts and evaluates world {@code w}. */
    private WorldResult runWorld(Path root, long w) throws Exception {
        Path dir = workDir.resolve("world-" + w).toAbsolutePath();
        Path resultFile = dir.resolve("result.json");
        String settings = "displays " + displays + ", data seed " + dataSeed + ", train " + trainOptions
                + ", evaluate " + evaluateOptions;
        if (reuse && Files.isRegularFile(resultFile)) {
            JsonNode kept = new ObjectMapper().readTree(resultFile.toFile());
            if (kept.path("settings").asText().equals(settings)) {
                System.err.printf("bench accuracy: world %d kept from %s%n", w, resultFile);
                return WorldResult.fromJson(kept);
            }
        }
        deleteRecursively(dir);
        Files.createDirectories(dir);
        String wnd = root.resolve("wnd").toString();
        Path data = dir.resolve("data");
        Path model = dir.resolve("model");
        exec(root, dir, "generate", List.of(wnd, "generate", "--out", data.toString(), "--displays",
                Long.toString(displays), "--seed", Long.toString(dataSeed), "--world-seed", Long.toString(w)));

        List<String> train = new ArrayList<>(List.of(wnd, "train", "--data", data.toString(), "--model-dir",
                model.toString(), "--work-dir", dir.resolve("work").toString()));
        train.addAll(trainOptions);
        double trainSeconds = exec(root, dir, "train", train);
        double predictSeconds = exec(root, dir, "predict", List.of(wnd, "predict", "--data", data.toString(),
                "--model-dir", model.toString(), "--out", dir.resolve("submission.csv").toString(), "--work-dir",
                dir.resolve("work").toString()));

        Path evaluation = dir.resolve("evaluation.json");
        List<String> evaluate = new ArrayList<>(List.of(wnd, "evaluate", "--data", data.toString(), "--model-dir",
                model.toString(), "--work-dir", dir.resolve("work-evaluate").toString(), "--json",
                evaluation.toString(), "--report", dir.resolve("report").toString()));
        evaluate.addAll(evaluateOptions);
        double evaluateSeconds = exec(root, dir, "evaluate", evaluate);

        JsonNode e = new ObjectMapper().readTree(evaluation.toFile());
        JsonNode world = new ObjectMapper().readTree(data.resolve("truth/world.json").toFile());
        JsonNode methods = e.at("/evaluation/methods");
        JsonNode planted = e.path("planted");
        WorldResult r = new WorldResult(w, world.path("description").asText(), trainSeconds, predictSeconds,
                evaluateSeconds, methods.at("/model/map12").asDouble(), methods.at("/gbdt/map12").asDouble(Double.NaN),
                methods.at("/ad_ctr/map12").asDouble(), methods.at("/random/map12").asDouble(),
                planted.path("map12_optimal").asDouble(), planted.path("map12_random").asDouble(),
                planted.path("normalized_map12_model").asDouble(),
                planted.path("normalized_map12_gbdt").asDouble(Double.NaN),
                planted.path("normalized_map12_ad_ctr").asDouble(), e.at("/evaluation/peers/gbdt"));
        ObjectNode kept = r.toJson();
        kept.put("settings", settings);
        Files.writeString(resultFile, mapper().writeValueAsString(kept) + "\n");
        deleteRecursively(dir.resolve("work"));
        deleteRecursively(dir.resolve("work-evaluate"));
        return r;
    }

    /** The per-world rows, the means, the count of worlds the model matches or beats the peer on, the goals. */
    ObjectNode summary(List<WorldResult> results) {
        ObjectNode out = mapper().createObjectNode();
        out.put("date", LocalDate.now().toString());
        out.put("cores", Runtime.getRuntime().availableProcessors());
        out.put("displays", displays);
        out.put("data_seed", dataSeed);
        out.set("train_options", mapper().valueToTree(trainOptions));
        out.set("evaluate_options", mapper().valueToTree(evaluateOptions));
        ArrayNode rows = out.putArray("worlds");
        double sumModel = 0;
        double sumGbdt = 0;
        int wins = 0;
        double slowest = 0;
        for (WorldResult r : results) {
            rows.add(r.toJson());
            sumModel += r.normalizedModel();
            sumGbdt += r.normalizedGbdt();
            wins += r.normalizedModel() >= r.normalizedGbdt() ? 1 : 0;
            slowest = Math.max(slowest, r.trainPredictSeconds());
        }
        int n = results.size();
        double meanModel = sumModel / n;
        ObjectNode mean = out.putObject("mean_normalized_map12");
        mean.put("wnd", round(meanModel, 4));
        mean.put("gbdt", round(sumGbdt / n, 4));
        out.put("worlds_wnd_at_least_gbdt", wins);
        out.put("worlds_run", n);
        out.put("slowest_train_plus_predict_s", round(slowest, 1));
        ObjectNode goals = out.putObject("goals");
        int needed = (int) Math.ceil((double) GOAL_WINS * n / GOAL_WORLDS);
        goals.put("wnd_at_least_gbdt_on_" + needed + "_of_" + n, wins >= needed);
        goals.put("mean_normalized_map12_at_least_0.85", meanModel >= GOAL_MEAN);
        goals.put("train_plus_predict_within_300_s" + (displays == 20_000 ? "" : "_(goal is for 20,000 displays)"),
                slowest <= GOAL_SECONDS);
        return out;
    }

    /** The table printed on stdout. */
    static String text(JsonNode out) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "wnd bench accuracy: %d worlds of %,d displays (data seed %d)%n%n",
                out.path("worlds_run").asInt(), out.path("displays").asLong(), out.path("data_seed").asLong()));
        s.append(String.format(Locale.ROOT, "%-6s %9s %9s %9s %9s %8s %8s  %s%n", "world", "W&D", "GBDT", "ad CTR",
                "W&D-GBDT", "train+", "evaluate", "planted effects"));
        s.append(String.format(Locale.ROOT, "%-6s %9s %9s %9s %9s %8s %8s%n", "", "norm.", "norm.", "norm.", "",
                "pred. s", "s"));
        for (JsonNode r : out.path("worlds")) {
            double model = r.at("/normalized_map12/wnd").asDouble();
            double gbdt = r.at("/normalized_map12/gbdt").asDouble();
            s.append(String.format(Locale.ROOT, "%-6d %9.3f %9.3f %9.3f %+9.3f %8.0f %8.0f  %s%n",
                    r.path("world_seed").asLong(), model, gbdt, r.at("/normalized_map12/ad_ctr").asDouble(),
                    model - gbdt, r.path("train_plus_predict_s").asDouble(), r.path("evaluate_s").asDouble(),
                    r.path("world").asText().replaceFirst("^world \\d+: ", "")));
        }
        s.append(String.format(Locale.ROOT, "%nmean normalized MAP@12: W&D %.3f, GBDT %.3f; W&D >= GBDT on %d of %d "
                + "worlds; slowest train+predict %.0f s%n", out.at("/mean_normalized_map12/wnd").asDouble(),
                out.at("/mean_normalized_map12/gbdt").asDouble(), out.path("worlds_wnd_at_least_gbdt").asInt(),
                out.path("worlds_run").asInt(), out.path("slowest_train_plus_predict_s").asDouble()));
        out.path("goals").fields().forEachRemaining(g -> s.append(String.format(Locale.ROOT, "  goal %-60s %s%n",
                g.getKey().replace('_', ' '), g.getValue().asBoolean() ? "met" : "NOT met")));
        return s.toString();
    }

    /** Runs one command, its output in {@code dir/name.log}; returns its wall time in seconds. */
    private static double exec(Path root, Path dir, String name, List<String> command) throws Exception {
        System.err.printf("bench accuracy: %s%n", String.join(" ", command.subList(1, command.size())));
        Path log = dir.resolve(name + ".log");
        long start = System.nanoTime();
        Process p = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        Duration timeout = Duration.ofMinutes(60);
        if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(name + " did not finish within " + timeout + "; see " + log);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(name + " exited " + p.exitValue() + "; see " + log);
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static double round(double v, int decimals) {
        double f = Math.pow(10, decimals);
        return Math.round(v * f) / f;
    }

    private static ObjectMapper mapper() {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }
}
