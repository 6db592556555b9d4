package dev.wnd.model.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.optimizer.Optimizer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * TensorFlow 1's Adagrad ({@code tf.compat.v1.train.AdagradOptimizer}, kernel {@code ApplyAdagrad}), with the
 * seed's linear warm-up:
 *
 * <pre>
 *   accum += grad * grad
 *   var   -= lr(step) * grad / sqrt(accum)
 * </pre>
 *
 * <p>There is no epsilon, as in TF1: the accumulator starts at {@code initialAccumulator > 0} and only grows. The
 * learning rate comes from a {@link WarmupSchedule} evaluated at the global step set with {@link #setGlobalStep}
 * (the trainer sets it once per training step, before any update; every parameter updated in that step uses the
 * same rate, as TensorFlow's single {@code global_step} does).
 *
 * <p>State (one accumulator per parameter) is keyed by DJL parameter id and lives in a sub-manager of the manager
 * given to the builder; {@link #close()} frees it. Parameter ids change from run to run, so whoever persists the
 * state maps ids to stable parameter names (see {@link #accumulator} and {@link #setAccumulator}).
 * {@link #update} zeroes the parameter's gradient after using it. Not thread-safe: confine to the training thread.
 */
public final class AdagradOptimizer extends Optimizer implements AutoCloseable {

    private final WarmupSchedule schedule;
    private final float initialAccumulator;
    private final NDManager stateManager;
    private final Map<String, NDArray> accumulators = new LinkedHashMap<>();
    private long globalStep;

    private AdagradOptimizer(Builder builder) {
        super(builder);
        this.schedule = new WarmupSchedule(builder.learningRate, builder.warmupSteps);
        this.initialAccumulator = builder.initialAccumulator;
        this.stateManager = Objects.requireNonNull(builder.manager, "setStateManager is required").newSubManager();
        this.stateManager.setName("adagrad-state");
    }

    /** A builder with the seed's defaults: learning rate 1.0, accumulator 0.1, no warm-up. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The TF1 Adagrad kernel, in place on {@code weight} and {@code accumulator} (same shape as {@code grad}).
     * Used for dense parameters and, unchanged, for gathered table rows.
     */
    public static void apply(NDArray weight, NDArray accumulator, NDArray grad, float learningRate) {
        // Three temporaries instead of four, each freed at once: at small batches the seed MLP's 5.5M dense
        // parameters make this update a large share of a step, and its cost is memory traffic.
        try (NDArray squared = grad.square()) {
            accumulator.addi(squared);
        }
        try (NDArray root = accumulator.sqrt(); NDArray step = grad.mul(learningRate)) {
            weight.subi(step.divi(root));
        }
    }

    /** Sets the 0-based global step whose learning rate the next updates use. */
    public void setGlobalStep(long step) {
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + step);
        }
        this.globalStep = step;
    }

    /** The learning rate of the current global step. */
    public float currentLearningRate() {
        return schedule.learningRate(globalStep);
    }

    /** The learning-rate schedule. */
    public WarmupSchedule schedule() {
        return schedule;
    }

    /** The accumulator's start value. */
    public float initialAccumulator() {
        return initialAccumulator;
    }

    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        NDArray accumulator = accumulator(parameterId, weight);
        try (NDManager scope = weight.getManager().newSubManager()) {
            scope.tempAttachAll(weight, grad, accumulator);
            NDArray g = DenseOptimizerSupport.preprocess(grad, weight, rescaleGrad, getWeightDecay(), clipGrad);
            apply(weight, accumulator, g, currentLearningRate());
        }
        DenseOptimizerSupport.zeroGradient(weight);
    }

    /**
     * The live accumulator of a parameter, created at {@code initialAccumulator} (shape and device of
     * {@code weight}) on first use. Owned by this optimizer.
     */
    public NDArray accumulator(String parameterId, NDArray weight) {
        return accumulators.computeIfAbsent(parameterId, id -> stateManager.full(weight.getShape(),
                initialAccumulator, DataType.FLOAT32, weight.getDevice()));
    }

    /** Overwrites a parameter's accumulator with a copy of {@code values} (restoring a checkpoint). */
    public void setAccumulator(String parameterId, NDArray weight, NDArray values) {
        NDArray accumulator = accumulator(parameterId, weight);
        if (!accumulator.getShape().equals(values.getShape())) {
            throw new IllegalArgumentException("accumulator of " + parameterId + " has shape "
                    + accumulator.getShape() + ", got " + values.getShape());
        }
        accumulator.set(new ai.djl.ndarray.index.NDIndex(":"), values);
    }

    /** Ids of the parameters that have state. */
    public Set<String> parameterIds() {
        return Collections.unmodifiableSet(accumulators.keySet());
    }

    @Override
    public void close() {
        accumulators.clear();
        stateManager.close();
    }

    /** Builder: {@code setX} for required values, {@code optX} for optional ones. Not thread-safe. */
    public static final class Builder extends OptimizerBuilder<Builder> {
        private float learningRate = 1.0f;
        private long warmupSteps = 0;
        private float initialAccumulator = 0.1f;
        private NDManager manager;

        private Builder() {
        }

        /** The manager under which the optimizer's state is allocated (required). */
        public Builder setStateManager(NDManager value) {
            this.manager = value;
            return this;
        }

        /** Learning rate after warm-up (default 1.0, the seed's). */
        public Builder optLearningRate(float value) {
            this.learningRate = value;
            return this;
        }

        /** Linear warm-up length in global steps (default 0). */
        public Builder optWarmupSteps(long value) {
            this.warmupSteps = value;
            return this;
        }

        /** Accumulator start value, &gt; 0 (default 0.1, the seed's). */
        public Builder optInitialAccumulator(float value) {
            if (!(value > 0)) {
                throw new IllegalArgumentException("initialAccumulator must be > 0, got " + value);
            }
            this.initialAccumulator = value;
            return this;
        }

        @Override
        protected Builder self() {
            return this;
        }

        public AdagradOptimizer build() {
            return new AdagradOptimizer(this);
        }
    }
}
