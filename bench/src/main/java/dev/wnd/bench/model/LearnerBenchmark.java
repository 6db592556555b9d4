package dev.wnd.bench.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.wnd.features.spec.CategoricalFeature;
import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.model.Batch;
import dev.wnd.model.ModelConfig;
import dev.wnd.model.WideDeepBlock;
import dev.wnd.model.WideDeepTrainer;
import dev.wnd.model.optim.AdagradOptimizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Training throughput of the full Wide &amp; Deep learner against its MLP alone, in one run.
 *
 * <p>The full model trains through {@link WideDeepTrainer#trainBatch} on random batches with realistic id
 * distributions (power-law ids spread over each feature's whole bucket range, partly filled multi-hot lists,
 * uniform numerics), so the host-side encoding, the row-sparse gathers and updates and the wide part are all
 * included. The baseline is the same MLP ({@link WideDeepBlock} without the wide part) on a ready
 * {@code [batch, deepInputWidth]} input that requires a gradient (so the input gradient is computed as in the full
 * model), with the same Adagrad optimizer. Steps alternate between the two so that machine noise hits both alike.
 * Throughput is total samples over total timed seconds, after the warm-up steps; {@link Result#medianRatio()}
 * pairs each full step with the MLP step that follows it, which is robust to other load on the machine.
 *
 * <p>Usage: {@code LearnerBenchmark [batch [warmupSteps [steps]]]} (defaults 4096, 2, 5), with
 * {@code DJL_OFFLINE=true PYTORCH_FLAVOR=cpu} on a CPU-only machine.
 */
public final class LearnerBenchmark {

    /**
     * Measured throughputs.
     *
     * @param batch examples per step
     * @param steps timed steps of each kind
     * @param fullSamplesPerSecond the full learner's training throughput
     * @param mlpSamplesPerSecond the MLP-only training throughput
     * @param fullStepMillis mean wall time of a full training step
     * @param mlpStepMillis mean wall time of an MLP-only training step
     * @param fullLosses the full model's loss at every step, warm-up included (a sanity check: finite)
     * @param mlpLosses the MLP's loss at every step
     * @param fullMillis wall time of every timed full step
     * @param mlpMillis wall time of every timed MLP step
     */
    public record Result(int batch, int steps, double fullSamplesPerSecond, double mlpSamplesPerSecond,
            double fullStepMillis, double mlpStepMillis, float[] fullLosses, float[] mlpLosses,
            double[] fullMillis, double[] mlpMillis) {

        /** Full-model throughput as a fraction of the MLP's, from the totals (goal: at least 0.9). */
        public double ratio() {
            return fullSamplesPerSecond / mlpSamplesPerSecond;
        }

        /** Fastest MLP step over fastest full step: the least disturbed estimate on a shared machine. */
        public double bestStepRatio() {
            return java.util.Arrays.stream(mlpMillis).min().orElse(Double.NaN)
                    / java.util.Arrays.stream(fullMillis).min().orElse(Double.NaN);
        }

        /** The median over timed steps of (MLP step time / full step time), pairing adjacent steps. */
        public double medianRatio() {
            double[] r = new double[fullMillis.length];
            for (int i = 0; i < r.length; i++) {
                r[i] = mlpMillis[i] / fullMillis[i];
            }
            java.util.Arrays.sort(r);
            return r.length % 2 == 1 ? r[r.length / 2] : (r[r.length / 2 - 1] + r[r.length / 2]) / 2;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "batch %d, %d timed steps: full model %.0f samples/s (%.0f ms/step), "
                    + "MLP only %.0f samples/s (%.0f ms/step), ratio %.3f, median paired ratio %.3f, best-step "
                    + "ratio %.3f; step ms full %s, MLP %s; losses full %s, MLP %s", batch, steps,
                    fullSamplesPerSecond, fullStepMillis, mlpSamplesPerSecond, mlpStepMillis, ratio(), medianRatio(),
                    bestStepRatio(),
                    millis(fullMillis), millis(mlpMillis), java.util.Arrays.toString(fullLosses),
                    java.util.Arrays.toString(mlpLosses));
        }

        private static String millis(double[] values) {
            StringBuilder b = new StringBuilder("[");
            for (int i = 0; i < values.length; i++) {
                b.append(i == 0 ? "" : ", ").append(Math.round(values[i]));
            }
            return b.append(']').toString();
        }
    }

    private LearnerBenchmark() {
    }

    /** The seed spec and configuration (seed 42) on the CPU. */
    public static Result run(int batch, int warmupSteps, int steps) {
        return run(batch, warmupSteps, steps, FeatureSpec.seed(), ModelConfig.builder().seed(42).build());
    }

    /** Any spec and configuration (tests use a tiny one). */
    public static Result run(int batch, int warmupSteps, int steps, FeatureSpec spec, ModelConfig config) {
        if (batch < 1 || warmupSteps < 0 || steps < 1) {
            throw new IllegalArgumentException("need batch >= 1, warmupSteps >= 0, steps >= 1");
        }
        SplittableRandom rng = new SplittableRandom(config.seed());
        List<Batch> batches = new ArrayList<>();
        for (int i = 0; i < Math.min(4, warmupSteps + steps); i++) {
            batches.add(randomBatch(spec, batch, rng));
        }
        long fullNanos = 0;
        long mlpNanos = 0;
        float[] fullLosses = new float[warmupSteps + steps];
        float[] mlpLosses = new float[warmupSteps + steps];
        double[] fullMillis = new double[steps];
        double[] mlpMillis = new double[steps];
        try (WideDeepTrainer trainer = WideDeepTrainer.create(spec, config);
                MlpOnly mlp = new MlpOnly(spec.deepInputWidth(), config, batch, rng)) {
            for (int step = 0; step < warmupSteps + steps; step++) {
                long t0 = System.nanoTime();
                fullLosses[step] = trainer.trainBatch(batches.get(step % batches.size())).loss();
                long t1 = System.nanoTime();
                mlpLosses[step] = mlp.step();
                long t2 = System.nanoTime();
                if (step >= warmupSteps) {
                    fullNanos += t1 - t0;
                    mlpNanos += t2 - t1;
                    fullMillis[step - warmupSteps] = (t1 - t0) / 1e6;
                    mlpMillis[step - warmupSteps] = (t2 - t1) / 1e6;
                }
            }
        }
        double samples = (double) batch * steps;
        return new Result(batch, steps, samples / (fullNanos / 1e9), samples / (mlpNanos / 1e9),
                fullNanos / 1e6 / steps, mlpNanos / 1e6 / steps, fullLosses, mlpLosses, fullMillis, mlpMillis);
    }

    /**
     * Power-law ids (exponent 1.1) over the whole bucket range, scattered by a fixed odd multiplier so that the
     * popular ids do not cluster at the start of the table; multi-hot lists hold 0..slots ids.
     */
    static Batch randomBatch(FeatureSpec spec, int size, SplittableRandom rng) {
        int slots = spec.categoricalSlots();
        int[] cat = new int[size * slots];
        List<CategoricalFeature> features = spec.categorical();
        for (int r = 0; r < size; r++) {
            for (int i = 0; i < features.size(); i++) {
                CategoricalFeature f = features.get(i);
                int filled = f.slots() == 1 ? 1 : rng.nextInt(f.slots() + 1);
                for (int s = 0; s < f.slots(); s++) {
                    int id = -1;
                    if (s < filled) {
                        id = f.indicator() ? rng.nextInt(f.buckets()) : powerLaw(f.buckets(), rng);
                    }
                    cat[r * slots + spec.slotOffset(i) + s] = id;
                }
            }
        }
        float[] num = new float[size * spec.numericCount()];
        for (int i = 0; i < num.length; i++) {
            num[i] = (float) rng.nextDouble();
        }
        float[] labels = new float[size];
        for (int i = 0; i < size; i++) {
            labels[i] = rng.nextInt(5) == 0 ? 1f : 0f;
        }
        return new Batch(size, cat, num, labels);
    }

    private static int powerLaw(int buckets, SplittableRandom rng) {
        double s = 1.1;
        double top = Math.pow(buckets + 1.0, 1 - s);
        double x = Math.pow((top - 1) * rng.nextDouble() + 1, 1 / (1 - s));
        long rank = Math.min(buckets - 1L, Math.max(0L, (long) x - 1));
        return (int) ((rank * 0x9E3779B1L) % buckets);
    }

    /** The MLP alone with the deep part's Adagrad, on a fixed input. */
    private static final class MlpOnly implements AutoCloseable {
        private final NDManager manager;
        private final WideDeepBlock block;
        private final AdagradOptimizer adagrad;
        private final NDArray input;
        private final NDArray labels;
        private final List<Parameter> parameters = new ArrayList<>();

        MlpOnly(int width, ModelConfig config, int batch, SplittableRandom rng) {
            manager = NDManager.newBaseManager(config.djlDevice(), "PyTorch");
            block = WideDeepBlock.builder().setDeepInputWidth(width).optHiddenUnits(config.deepHiddenUnits())
                    .optWide(false).optMixedPrecision(config.amp()).build();
            block.initialize(manager, DataType.FLOAT32, block.inputShapes());
            for (Pair<String, Parameter> p : block.getParameters()) {
                NDArray a = p.getValue().getArray();
                if (p.getKey().endsWith("_weight")) {
                    // Glorot uniform, as the model's initialisation (biases stay 0)
                    long out = a.getShape().get(0);
                    long in = a.getShape().get(1);
                    float limit = (float) Math.sqrt(6.0 / (in + out));
                    float[] values = new float[Math.toIntExact(out * in)];
                    for (int i = 0; i < values.length; i++) {
                        values[i] = (float) ((rng.nextDouble() * 2 - 1) * limit);
                    }
                    a.set(new ai.djl.ndarray.index.NDIndex(":"), manager.create(values, a.getShape()));
                }
                parameters.add(p.getValue());
            }
            adagrad = AdagradOptimizer.builder().setStateManager(manager)
                    .optLearningRate((float) config.deepLearningRate())
                    .optInitialAccumulator((float) config.deepInitialAccumulator()).build();
            // about the scale of the full model's deep input: embeddings ~ N(0, 1/dim), numerics in [0, 1]
            float[] x = new float[batch * width];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (rng.nextDouble() * 0.25);
            }
            input = manager.create(x, new Shape(batch, width));
            input.setRequiresGradient(true);
            float[] y = new float[batch];
            for (int i = 0; i < batch; i++) {
                y[i] = rng.nextInt(5) == 0 ? 1f : 0f;
            }
            labels = manager.create(y);
        }

        float step() {
            try (NDManager scope = manager.newSubManager()) {
                List<NDArray> persistent = new ArrayList<>(List.of(input, labels));
                for (Parameter p : parameters) {
                    persistent.add(p.getArray());
                    persistent.add(adagrad.accumulator(p.getId(), p.getArray()));
                }
                scope.tempAttachAll(persistent.toArray(new NDArray[0]));
                NDArray loss;
                JniUtils.setGradMode(true);
                try {
                    NDArray logits = block.forward(new ParameterStore(scope, false), new NDList(input), true)
                            .singletonOrThrow();
                    loss = ai.djl.nn.Activation.relu(logits).sub(logits.mul(labels))
                            .add(ai.djl.nn.Activation.softPlus(logits.abs().neg())).mean();
                    JniUtils.backward((PtNDArray) loss, (PtNDArray) loss.onesLike(), false, false);
                } finally {
                    JniUtils.setGradMode(false);
                }
                adagrad.setGlobalStep(0);
                for (Parameter p : parameters) {
                    adagrad.update(p.getId(), p.getArray(), p.getArray().getGradient());
                }
                JniUtils.zeroGrad((PtNDArray) input);
                return loss.getFloat();
            }
        }

        @Override
        public void close() {
            adagrad.close();
            manager.close();
        }
    }

    /** Runs the seed benchmark and prints the result. */
    public static void main(String[] args) {
        int batch = args.length > 0 ? Integer.parseInt(args[0]) : 4096;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        System.out.println(run(batch, warmup, steps));
    }
}
