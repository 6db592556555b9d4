package dev.wnd.bench;

import dev.wnd.app.BatchSizeOption;
import dev.wnd.app.JsonOption;
import dev.wnd.app.ModelOptions;
import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.model.ModelConfig;
import dev.wnd.bench.model.LearnerBenchmark;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Seed-shaped training throughput against the MLP alone, in one run. */
@Command(name = "learner", mixinStandardHelpOptions = true,
        description = "Train the seed configuration on random inputs and, in the same run, the MLP alone on a ready "
                + "1328-wide input that requires a gradient, with the same optimizer; report samples/s of both. "
                + "The model flags apply to both, e.g. on a CUDA machine: --device gpu --batch 131072 --amp.")
final class BenchLearnerCommand implements Callable<Integer> {

    @Mixin
    BatchSizeOption batch;

    @Option(names = "--warmup", defaultValue = "2", description = "Untimed steps first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--steps", defaultValue = "5", description = "Timed steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Mixin
    JsonOption json;

    /** --device (cpu, gpu, gpu:N), --amp, --tf32, --seed (default 42) and the seed's hyperparameters. */
    @Mixin
    ModelOptions model;

    @Override
    public Integer call() throws Exception {
        ModelConfig config = model.toConfig(ModelConfig.defaults());
        LearnerBenchmark.Result r = LearnerBenchmark.run(batch.value(), warmup, steps, FeatureSpec.seed(), config);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("samples_per_s", r.fullSamplesPerSecond());
        out.put("mlp_only_samples_per_s", r.mlpSamplesPerSecond());
        out.put("ratio", r.ratio());
        out.put("batch", r.batch());
        out.put("steps", r.steps());
        out.put("device", config.device());
        out.put("amp", config.amp());
        out.put("tf32", config.tf32());
        out.put("tf32_effective", config.tf32Effective());
        out.put("cores", Runtime.getRuntime().availableProcessors());
        out.put("torch_threads", System.getProperty("ai.djl.pytorch.num_threads", "libtorch default"));
        BenchCommand.report(out, json);
        return 0;
    }
}
