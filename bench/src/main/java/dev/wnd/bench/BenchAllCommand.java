package dev.wnd.bench;

import dev.wnd.app.OptionDefaults;
import dev.wnd.app.WorkDirOption;
import dev.wnd.app.JsonOption;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
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
 * The regression suite: every benchmark at a short, fixed size, each in a JVM of its own started through the
 * {@code ./wnd} launcher (so with the collector and modules it gives that command), one after the other; then one
 * table of the headline figures beside the recorded ones ({@value #RECORDED}), each flagged where it is more than
 * {@link #WORSE} worse. {@code --record} makes this run's figures the recorded ones.
 *
 * <p>Timings on a small machine are noisy (±30% run to run is common): a flag says "look", not "regressed"; rerun
 * the one benchmark alone to see.
 */
@Command(name = "all", mixinStandardHelpOptions = true, defaultValueProvider = BenchAllCommand.Defaults.class,
        description = "Run every benchmark at a short, fixed size (about 20 minutes on 2 cores) and print the "
                + "headline figures beside the recorded ones in bench/recorded.json, flagging any more than 30% "
                + "worse.")
final class BenchAllCommand implements Callable<Integer> {

    /** This command's own defaults for shared options. */
    static final class Defaults extends OptionDefaults {
        @Override
        protected java.util.Map<String, String> values() {
            return java.util.Map.of("--work-dir", ".wnd/bench-all");
        }
    }

    /** The recorded figures, relative to the repository root. */
    static final String RECORDED = "bench/recorded.json";
    /** A figure this much worse than recorded is flagged. */
    static final double WORSE = 0.30;

    @Mixin
    JsonOption json;

    @Option(names = "--record", description = "Write this run's figures to " + RECORDED + " as the new reference.")
    boolean record;

    @Mixin
    WorkDirOption workDir;

    /** One headline figure. */
    record Figure(String name, String unit, boolean higherIsBetter, double value, String command) {
    }

    @Override
    public Integer call() throws Exception {
        String launcher = System.getProperty("wnd.launcher");
        if (launcher == null) {
            throw new IllegalStateException("run the suite through the launcher: ./wnd bench all");
        }
        Path root = Path.of(launcher).toAbsolutePath().getParent();
        Files.createDirectories(workDir.value());
        double loadBefore = load();
        List<Figure> figures = new ArrayList<>();

        JsonNode features = run(root, "features", "bench", "features", "--displays", "20000");
        figures.add(new Figure("features input records/s", "records/s", true,
                features.path("input_records_per_s").asDouble(), "bench features --displays 20000"));
        figures.add(new Figure("features input records per app-CPU-s", "records/s", true,
                features.path("input_records_per_app_cpu_s").asDouble(), "bench features --displays 20000"));
        figures.add(new Figure("replay records/s", "records/s", true,
                features.path("replay_records_per_s").asDouble(), "bench features --displays 20000"));
        JsonNode passthrough = run(root, "passthrough", "bench", "features", "--displays", "20000",
                "--passthrough");
        figures.add(new Figure("passthrough input records/s", "records/s", true,
                passthrough.path("input_records_per_s").asDouble(), "bench features --displays 20000 --passthrough"));

        JsonNode learner = run(root, "learner", "bench", "learner", "--batch", "4096", "--steps", "3");
        figures.add(new Figure("learner full/MLP throughput", "ratio", true, learner.path("ratio").asDouble(),
                "bench learner --batch 4096 --steps 3"));

        String[] scorer = {"bench", "scorer", "--deep-hidden-units", "256,256,256", "--rate", "500", "--seconds",
            "15", "--warmup-seconds", "45", "--displays", "3000"};
        JsonNode scored = run(root, "scorer", scorer);
        String scorerCommand = "bench scorer --deep-hidden-units 256,256,256 --rate 500 --seconds 15 "
                + "--warmup-seconds 45 --displays 3000";
        figures.add(new Figure("scorer p50", "ms", false, scored.path("p50_ms").asDouble(), scorerCommand));
        figures.add(new Figure("scorer p99", "ms", false, scored.path("p99_ms").asDouble(), scorerCommand));
        List<String> floor = new ArrayList<>(List.of(scorer));
        floor.add("--passthrough");
        JsonNode scoredFloor = run(root, "scorer-passthrough", floor.toArray(String[]::new));
        figures.add(new Figure("scorer passthrough p50", "ms", false, scoredFloor.path("p50_ms").asDouble(),
                scorerCommand + " --passthrough"));
        figures.add(new Figure("scorer passthrough p99", "ms", false, scoredFloor.path("p99_ms").asDouble(),
                scorerCommand + " --passthrough"));

        JsonNode fresh = run(root, "freshness", "bench", "freshness", "--deep-hidden-units", "256,256,256",
                "--seconds", "20");
        String freshCommand = "bench freshness --deep-hidden-units 256,256,256 --seconds 20";
        figures.add(new Figure("freshness p50", "ms", false, fresh.path("freshness").path("p50_ms").asDouble(),
                freshCommand));
        figures.add(new Figure("freshness p99", "ms", false, fresh.path("freshness").path("p99_ms").asDouble(),
                freshCommand));
        figures.add(new Figure("version to accepted by scorer p99", "ms", false,
                fresh.path("version_to_accepted_by_scorer").path("p99_ms").asDouble(), freshCommand));

        figures.add(new Figure("train + predict, 20,000 displays", "s", false, trainAndPredict(root),
                "generate --displays 20000; train; predict"));

        JsonNode recorded = readRecorded(root);
        ObjectNode out = table(figures, recorded, loadBefore);
        json.write(mapper().writeValueAsString(out));
        if (record) {
            Files.writeString(root.resolve(RECORDED), mapper().writeValueAsString(recordOf(figures, loadBefore))
                    + "\n");
            System.out.println("recorded as the new reference in " + RECORDED);
        }
        return 0;
    }

    /** Runs {@code ./wnd args... --json F} and returns F. */
    private JsonNode run(Path root, String name, String... args) throws Exception {
        Path result = workDir.value().resolve(name + ".json").toAbsolutePath();
        List<String> command = new ArrayList<>(List.of(root.resolve("wnd").toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("--json", result.toString(), "--work-dir",
                workDir.value().resolve(name).toAbsolutePath().toString()));
        if (args[1].equals("learner")) {
            command.removeAll(List.of("--work-dir", workDir.value().resolve(name).toAbsolutePath().toString()));
        }
        exec(root, name, command, Duration.ofMinutes(20));
        return new ObjectMapper().readTree(result.toFile());
    }

    /** Generates 20,000 displays, then times {@code train} plus {@code predict} on them (seconds). */
    private double trainAndPredict(Path root) throws Exception {
        Path dir = workDir.value().resolve("train-predict").toAbsolutePath();
        String wnd = root.resolve("wnd").toString();
        exec(root, "generate", List.of(wnd, "generate", "--out", dir.resolve("data").toString(), "--displays",
                "20000", "--seed", "1"), Duration.ofMinutes(10));
        long t0 = System.nanoTime();
        exec(root, "train", List.of(wnd, "train", "--data", dir.resolve("data").toString(), "--model-dir",
                dir.resolve("model").toString(), "--work-dir", dir.resolve("work").toString()), Duration.ofMinutes(30));
        exec(root, "predict", List.of(wnd, "predict", "--data", dir.resolve("data").toString(), "--model-dir",
                dir.resolve("model").toString(), "--out", dir.resolve("submission.csv").toString(), "--work-dir",
                dir.resolve("work").toString()), Duration.ofMinutes(30));
        return (System.nanoTime() - t0) / 1e9;
    }

    private void exec(Path root, String name, List<String> command, Duration timeout) throws Exception {
        System.err.printf("bench all: %s%n", String.join(" ", command.subList(1, command.size())));
        Path log = workDir.value().resolve(name + ".log");
        Process p = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(name + " did not finish within " + timeout + "; see " + log);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(name + " exited " + p.exitValue() + "; see " + log);
        }
    }

    private static JsonNode readRecorded(Path root) throws IOException {
        Path file = root.resolve(RECORDED);
        return Files.exists(file) ? new ObjectMapper().readTree(file.toFile()) : new ObjectMapper().createObjectNode();
    }

    /** Prints the table and returns it as JSON. */
    static ObjectNode table(List<Figure> figures, JsonNode recorded, double loadBefore) {
        ObjectNode out = new ObjectMapper().createObjectNode();
        out.put("date", LocalDate.now().toString());
        out.put("cores", Runtime.getRuntime().availableProcessors());
        out.put("load_average_before", loadBefore);
        out.put("load_average_after", load());
        out.put("recorded_on", recorded.path("date").asText("none"));
        ObjectNode rows = out.putObject("figures");
        System.out.printf("%-40s %14s %14s %9s%n", "figure", "now", "recorded", "change");
        int flagged = 0;
        for (Figure f : figures) {
            JsonNode r = recorded.path("figures").path(f.name()).path("value");
            ObjectNode row = rows.putObject(f.name());
            row.put("value", f.value());
            row.put("unit", f.unit());
            row.put("better", f.higherIsBetter() ? "higher" : "lower");
            row.put("command", f.command());
            String recordedText = "-";
            String change = "";
            boolean worse = false;
            if (r.isNumber() && r.asDouble() != 0) {
                double ratio = f.value() / r.asDouble();
                worse = f.higherIsBetter() ? ratio < 1 - WORSE : ratio > 1 + WORSE;
                row.put("recorded", r.asDouble());
                row.put("ratio", ratio);
                recordedText = format(r.asDouble(), f.unit());
                change = String.format(Locale.ROOT, "%+.0f%%", (ratio - 1) * 100);
            }
            row.put("worse_by_more_than_30_percent", worse);
            flagged += worse ? 1 : 0;
            System.out.printf("%-40s %14s %14s %9s%s%n", f.name(), format(f.value(), f.unit()), recordedText, change,
                    worse ? "  WORSE" : "");
        }
        out.put("flagged", flagged);
        System.out.printf("%d of %d figures more than %.0f%% worse than recorded (%s); load average %.2f -> %.2f%n",
                flagged, figures.size(), WORSE * 100, recorded.path("date").asText("no recorded figures"),
                loadBefore, load());
        return out;
    }

    private static ObjectNode recordOf(List<Figure> figures, double loadBefore) {
        ObjectNode out = new ObjectMapper().createObjectNode();
        out.put("date", LocalDate.now().toString());
        out.put("machine", Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.arch")
                + ", " + System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        out.put("load_average_before", loadBefore);
        ObjectNode rows = out.putObject("figures");
        for (Figure f : figures) {
            ObjectNode row = rows.putObject(f.name());
            row.put("value", f.value());
            row.put("unit", f.unit());
            row.put("better", f.higherIsBetter() ? "higher" : "lower");
            row.put("command", "./wnd " + f.command());
        }
        return out;
    }

    private static String format(double value, String unit) {
        return switch (unit) {
            case "records/s" -> String.format(Locale.ROOT, "%,.0f", value);
            case "ratio" -> String.format(Locale.ROOT, "%.2f", value);
            default -> String.format(Locale.ROOT, "%,.1f %s", value, unit);
        };
    }

    private static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static ObjectMapper mapper() {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }
}
