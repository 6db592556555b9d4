package dev.wnd.app;

import dev.wnd.model.ModelConfig;
import java.util.List;
import picocli.CommandLine.Option;

/** The seed's model and optimizer flags, named as the seed names them. */
public final class ModelOptions {

    /**
     * The MLP {@code demo} and {@code train} build unless {@code --deep-hidden-units} says otherwise. On the generated
     * worlds it ranks as well as the seed's 5×1024, to the third decimal of normalized MAP@12 (the wide part carries
     * most of the signal at this data size), in about a fifth of the time; {@code train} spends that time on more
     * passes (docs/design.md#defaults-for-small-data).
     */
    static final List<Integer> COMPACT_HIDDEN_UNITS = List.of(256, 256, 256);

    /** The seed's configuration with the {@link #COMPACT_HIDDEN_UNITS} MLP: what demo and train start from. */
    static ModelConfig compactDefaults() {
        return ModelConfig.defaults().toBuilder().deepHiddenUnits(COMPACT_HIDDEN_UNITS).build();
    }

    @Option(names = "--deep-hidden-units", split = ",", paramLabel = "N,N,...",
            description = "Hidden layer widths of the MLP (seed: 1024,1024,1024,1024,1024; demo and train default to "
                    + "256,256,256, as accurate on small data at a fifth of the time).")
    public List<Integer> deepHiddenUnits;

    @Option(names = "--deep-dropout", description = "Dropout after every hidden layer (seed: 0.0).")
    public Double deepDropout;

    @Option(names = "--linear-learning-rate", description = "FTRL learning rate of the wide part (seed: 0.2).")
    public Double linearLearningRate;

    @Option(names = "--linear-l1", description = "FTRL l1 (seed: 0.0).")
    public Double linearL1;

    @Option(names = "--linear-l2", description = "FTRL l2 (seed: 0.0).")
    public Double linearL2;

    @Option(names = "--deep-learning-rate", description = "Adagrad learning rate of the deep part (seed: 1.0).")
    public Double deepLearningRate;

    @Option(names = "--deep-warmup-steps", description = "Linear learning-rate warmup of the deep part, in steps "
            + "(the seed counts epochs; a stream has none) (seed: 0).")
    public Long deepWarmupSteps;

    @Option(names = "--amp", description = "fp16 mixed precision with dynamic loss scaling (CUDA only).")
    public boolean amp;

    @Option(names = "--tf32", description = "Let CUDA float32 matmuls use TF32 (seed's tf32 runs). Needs "
            + "TORCH_ALLOW_TF32_CUBLAS_OVERRIDE=1 in the environment (DJL has no per-call switch; a warning says so "
            + "when it is missing); no effect on the CPU.")
    public boolean tf32;

    @Option(names = "--device", description = "cpu, gpu or gpu:N (default: cpu).")
    public String device;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the model initialisation (default: ${DEFAULT-VALUE}).")
    public long seed;

    public ModelConfig toConfig(ModelConfig base) {
        ModelConfig.Builder b = base.toBuilder().seed(seed).amp(amp).tf32(tf32);
        if (deepHiddenUnits != null) {
            b.deepHiddenUnits(deepHiddenUnits);
        }
        if (deepDropout != null) {
            b.deepDropout(deepDropout);
        }
        if (linearLearningRate != null) {
            b.linearLearningRate(linearLearningRate);
        }
        if (linearL1 != null) {
            b.linearL1(linearL1);
        }
        if (linearL2 != null) {
            b.linearL2(linearL2);
        }
        if (deepLearningRate != null) {
            b.deepLearningRate(deepLearningRate);
        }
        if (deepWarmupSteps != null) {
            b.deepWarmupSteps(deepWarmupSteps);
        }
        if (device != null) {
            b.device(device);
        }
        return b.build();
    }
}
