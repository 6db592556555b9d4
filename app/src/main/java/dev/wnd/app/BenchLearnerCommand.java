package dev.wnd.app;

import dev.wnd.model.bench.LearnerBenchmark;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Seed-shaped training throughput against the MLP alone, in one run. */
@Command(name = "learner", mixinStandardHelpOptions = true,
        description = "Train the seed configuration on random inputs and, in the same run, the MLP alone on a ready "
                + "1328-wide input that requires a gradient, with the same optimizer; report samples/s of both.")
final class BenchLearnerCommand implements Callable<Integer> {

    @Option(names = "--batch", defaultValue = "4096", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--warmup", defaultValue = "2", description = "Untimed steps first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--steps", defaultValue = "5", description = "Timed steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the result as JSON.")
    Path json;

    @Override
    public Integer call() throws Exception {
        LearnerBenchmark.Result r = LearnerBenchmark.run(batch, warmup, steps);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("samples_per_s", r.fullSamplesPerSecond());
        out.put("mlp_only_samples_per_s", r.mlpSamplesPerSecond());
        out.put("ratio", r.ratio());
        out.put("batch", r.batch());
        out.put("steps", r.steps());
        out.put("device", "cpu");
        out.put("cores", Runtime.getRuntime().availableProcessors());
        BenchCommand.report(out, json);
        return 0;
    }
}
