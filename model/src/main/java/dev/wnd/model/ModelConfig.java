package dev.wnd.model;

import ai.djl.Device;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every hyperparameter of the Wide &amp; Deep model and its two optimizers, defaulting to the seed's TF1 recipe
 * ({@code TF1/trainer/task.py}, see {@code seed-spec.md} §2). Immutable and validated on construction; safe to share
 * between threads. A checkpoint stores it in its manifest, so a restored model trains on with the same settings.
 *
 * <p>Learning rates and regularisation strengths are applied in float32, as TensorFlow does.
 *
 * @param deepHiddenUnits widths of the MLP's hidden layers, input side first (seed: 1024 five times); may be empty
 * @param deepDropout dropout rate after every hidden ReLU, in [0, 1) (seed: 0)
 * @param linearLearningRate FTRL learning rate of the wide part (seed: 0.2)
 * @param linearL1 FTRL L1 regularisation strength, &gt;= 0 (seed: 0)
 * @param linearL2 FTRL L2 regularisation strength, &gt;= 0 (seed: 0)
 * @param linearLearningRatePower FTRL learning-rate power, &lt;= 0 (TF default -0.5)
 * @param linearInitialAccumulator FTRL accumulator start value, &gt; 0 (TF default 0.1)
 * @param deepLearningRate Adagrad learning rate of the deep part and the embeddings after warm-up (seed: 1.0)
 * @param deepInitialAccumulator Adagrad accumulator start value, &gt; 0 (seed: 0.1)
 * @param deepWarmupSteps linear warm-up length in training steps, &gt;= 0; during it the deep learning rate is
 *     {@code deepLearningRate * step / deepWarmupSteps} with the 0-based global step (seed: 0, no warm-up)
 * @param seed seed of the parameter initialisation (and of dropout masks)
 * @param amp mixed precision: the MLP runs in float16 with float32 master weights and dynamic loss scaling (seed's
 *     {@code --amp}); meant for GPUs, works but is slow on CPU
 * @param device {@code "cpu"}, {@code "gpu"} (the first GPU) or {@code "gpu:N"}
 * @param tf32 allow TF32 tensor-core matmuls for the float32 MLP on CUDA (seed's {@code fp32 → tf32} benchmark
 *     scripts; default false). DJL 0.36 exposes no per-call switch for it (no {@code allow_tf32} binding), so on CUDA
 *     it takes effect only through libtorch's environment override: set {@code TORCH_ALLOW_TF32_CUBLAS_OVERRIDE=1} in
 *     the environment of the JVM before it starts (see {@link #TF32_ENV}). Building a config with {@code tf32} logs a
 *     warning when that variable is not set on a GPU device, and one info line on the CPU, where it is a no-op.
 */
public record ModelConfig(
        List<Integer> deepHiddenUnits,
        double deepDropout,
        double linearLearningRate,
        double linearL1,
        double linearL2,
        double linearLearningRatePower,
        double linearInitialAccumulator,
        double deepLearningRate,
        double deepInitialAccumulator,
        long deepWarmupSteps,
        long seed,
        boolean amp,
        String device,
        boolean tf32) {

    /** The seed's hidden layers: five of 1024 units. */
    public static final List<Integer> SEED_HIDDEN_UNITS = List.of(1024, 1024, 1024, 1024, 1024);

    /** libtorch's environment switch that lets cuBLAS use TF32 for float32 matmuls (read once, at libtorch load). */
    public static final String TF32_ENV = "TORCH_ALLOW_TF32_CUBLAS_OVERRIDE";

    private static final Pattern DEVICE = Pattern.compile("cpu|gpu(?::(\\d+))?");

    private static final Logger LOG = LoggerFactory.getLogger(ModelConfig.class);

    private static final java.util.Set<String> TF32_LOGGED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public ModelConfig {
        Objects.requireNonNull(deepHiddenUnits, "deepHiddenUnits");
        deepHiddenUnits = List.copyOf(deepHiddenUnits);
        for (Integer units : deepHiddenUnits) {
            if (units == null || units < 1) {
                throw new IllegalArgumentException("deepHiddenUnits must all be >= 1, got " + deepHiddenUnits);
            }
        }
        if (!(deepDropout >= 0 && deepDropout < 1)) {
            throw new IllegalArgumentException("deepDropout must be in [0, 1), got " + deepDropout);
        }
        positive("linearLearningRate", linearLearningRate);
        nonNegative("linearL1", linearL1);
        nonNegative("linearL2", linearL2);
        if (!(linearLearningRatePower <= 0)) {
            throw new IllegalArgumentException("linearLearningRatePower must be <= 0, got " + linearLearningRatePower);
        }
        positive("linearInitialAccumulator", linearInitialAccumulator);
        positive("deepLearningRate", deepLearningRate);
        positive("deepInitialAccumulator", deepInitialAccumulator);
        if (deepWarmupSteps < 0) {
            throw new IllegalArgumentException("deepWarmupSteps must be >= 0, got " + deepWarmupSteps);
        }
        Objects.requireNonNull(device, "device");
        if (!DEVICE.matcher(device).matches()) {
            throw new IllegalArgumentException("device must be cpu, gpu or gpu:N, got '" + device + "'");
        }
        if (tf32) {
            logTf32(device, System.getenv(TF32_ENV));
        }
    }

    /** The seed's TF1 configuration, with seed 0 on the CPU. */
    public static ModelConfig defaults() {
        return builder().build();
    }

    /** A builder starting from {@link #defaults()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        return new Builder()
                .deepHiddenUnits(deepHiddenUnits)
                .deepDropout(deepDropout)
                .linearLearningRate(linearLearningRate)
                .linearL1(linearL1)
                .linearL2(linearL2)
                .linearLearningRatePower(linearLearningRatePower)
                .linearInitialAccumulator(linearInitialAccumulator)
                .deepLearningRate(deepLearningRate)
                .deepInitialAccumulator(deepInitialAccumulator)
                .deepWarmupSteps(deepWarmupSteps)
                .seed(seed)
                .amp(amp)
                .device(device)
                .tf32(tf32);
    }

    /** The DJL device named by {@link #device()}. */
    public Device djlDevice() {
        Matcher m = DEVICE.matcher(device);
        if (!m.matches()) {
            throw new IllegalStateException(device);
        }
        if (device.equals("cpu")) {
            return Device.cpu();
        }
        return m.group(1) == null ? Device.gpu() : Device.gpu(Integer.parseInt(m.group(1)));
    }

    /**
     * Whether TF32 is requested and libtorch will honour it: on a GPU device with {@link #TF32_ENV} set to a
     * non-zero value in this process's environment. False on the CPU (TF32 is a CUDA feature).
     */
    public boolean tf32Effective() {
        return tf32Effective(System.getenv(TF32_ENV));
    }

    boolean tf32Effective(String envValue) {
        return tf32 && !device.equals("cpu") && tf32EnvSet(envValue);
    }

    static boolean tf32EnvSet(String envValue) {
        return envValue != null && !envValue.isBlank() && !envValue.strip().equals("0");
    }

    /** Logs what a {@code tf32} request will do, each distinct message once per JVM; returns it (for tests). */
    static String logTf32(String device, String envValue) {
        String message;
        boolean warn = false;
        if (device.equals("cpu")) {
            message = "tf32 requested on the CPU: no effect (TF32 is a CUDA tensor-core mode)";
        } else if (tf32EnvSet(envValue)) {
            message = "tf32 requested on " + device + ": " + TF32_ENV + "=" + envValue.strip()
                    + " is set, so libtorch lets cuBLAS use TF32 for float32 matmuls";
        } else {
            warn = true;
            message = "tf32 requested on " + device + " but " + TF32_ENV + " is not set: DJL has no per-call TF32 "
                    + "switch, so float32 matmuls stay full float32; start the JVM with " + TF32_ENV + "=1";
        }
        if (TF32_LOGGED.add(message)) {
            if (warn) {
                LOG.warn(message);
            } else {
                LOG.info(message);
            }
        }
        return message;
    }

    private static void positive(String name, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be > 0 and finite, got " + value);
        }
    }

    private static void nonNegative(String name, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be >= 0 and finite, got " + value);
        }
    }

    /** Mutable builder of a {@link ModelConfig}, pre-filled with the seed's defaults; not thread-safe. */
    public static final class Builder {
        private List<Integer> deepHiddenUnits = SEED_HIDDEN_UNITS;
        private double deepDropout = 0.0;
        private double linearLearningRate = 0.2;
        private double linearL1 = 0.0;
        private double linearL2 = 0.0;
        private double linearLearningRatePower = -0.5;
        private double linearInitialAccumulator = 0.1;
        private double deepLearningRate = 1.0;
        private double deepInitialAccumulator = 0.1;
        private long deepWarmupSteps = 0;
        private long seed = 0;
        private boolean amp = false;
        private String device = "cpu";
        private boolean tf32 = false;

        private Builder() {
        }

        public Builder deepHiddenUnits(List<Integer> value) {
            this.deepHiddenUnits = value;
            return this;
        }

        public Builder deepDropout(double value) {
            this.deepDropout = value;
            return this;
        }

        public Builder linearLearningRate(double value) {
            this.linearLearningRate = value;
            return this;
        }

        public Builder linearL1(double value) {
            this.linearL1 = value;
            return this;
        }

        public Builder linearL2(double value) {
            this.linearL2 = value;
            return this;
        }

        public Builder linearLearningRatePower(double value) {
            this.linearLearningRatePower = value;
            return this;
        }

        public Builder linearInitialAccumulator(double value) {
            this.linearInitialAccumulator = value;
            return this;
        }

        public Builder deepLearningRate(double value) {
            this.deepLearningRate = value;
            return this;
        }

        public Builder deepInitialAccumulator(double value) {
            this.deepInitialAccumulator = value;
            return this;
        }

        public Builder deepWarmupSteps(long value) {
            this.deepWarmupSteps = value;
            return this;
        }

        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        public Builder amp(boolean value) {
            this.amp = value;
            return this;
        }

        public Builder device(String value) {
            this.device = value;
            return this;
        }

        public Builder tf32(boolean value) {
            this.tf32 = value;
            return this;
        }

        /** Validates and builds; throws {@link IllegalArgumentException} naming the first invalid field. */
        public ModelConfig build() {
            return new ModelConfig(deepHiddenUnits, deepDropout, linearLearningRate, linearL1, linearL2,
                    linearLearningRatePower, linearInitialAccumulator, deepLearningRate, deepInitialAccumulator,
                    deepWarmupSteps, seed, amp, device, tf32);
        }
    }
}
