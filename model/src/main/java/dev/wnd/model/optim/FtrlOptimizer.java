package dev.wnd.model.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.optimizer.Optimizer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * FTRL-Proximal with TensorFlow's exact semantics ({@code tf.compat.v1.train.FtrlOptimizer}, kernel
 * {@code ApplyFtrl}, without L2 shrinkage), the seed's wide-part optimizer:
 *
 * <pre>
 *   accum_new = accum + grad^2
 *   linear   += grad - (accum_new^(-p) - accum^(-p)) / lr * var        (p = learning-rate power; sqrt for -0.5)
 *   quadratic = accum_new^(-p) / lr + 2 * l2
 *   var       = (sign(linear) * l1 - linear) / quadratic   if |linear| &gt; l1, else 0
 *   accum     = accum_new
 * </pre>
 *
 * <p>Accumulators start at {@code initialAccumulator} and linear terms at 0. A parameter whose linear term is 0
 * ends at 0 after any update, so with the TF-default zero initialisation a gradient of zero leaves a weight
 * unchanged, which is what makes the row-sparse update of {@link RowSparseUpdates} exact.
 *
 * <p>State is keyed by DJL parameter id and lives in a sub-manager of the manager given to the builder;
 * {@link #close()} frees it. {@link #update} zeroes the parameter's gradient after using it. Not thread-safe.
 */
public final class FtrlOptimizer extends Optimizer implements AutoCloseable {

    private final Hyper hyper;
    private final NDManager stateManager;
    private final Map<String, NDArray> accumulators = new LinkedHashMap<>();
    private final Map<String, NDArray> linears = new LinkedHashMap<>();

    private FtrlOptimizer(Builder builder) {
        super(builder);
        this.hyper = new Hyper(builder.learningRate, builder.learningRatePower, builder.l1, builder.l2,
                builder.initialAccumulator);
        this.stateManager = Objects.requireNonNull(builder.manager, "setStateManager is required").newSubManager();
        this.stateManager.setName("ftrl-state");
    }

    /** A builder with TensorFlow's defaults: power -0.5, accumulator 0.1, l1 = l2 = 0, and the seed's lr 0.2. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * FTRL's hyperparameters, in float32.
     *
     * @param learningRate &gt; 0
     * @param learningRatePower &lt;= 0
     * @param l1 L1 strength, &gt;= 0
     * @param l2 L2 strength, &gt;= 0
     * @param initialAccumulator accumulator start value, &gt; 0
     */
    public record Hyper(float learningRate, float learningRatePower, float l1, float l2, float initialAccumulator) {
        public Hyper {
            if (!(learningRate > 0) || !(learningRatePower <= 0) || !(l1 >= 0) || !(l2 >= 0)
                    || !(initialAccumulator > 0)) {
                throw new IllegalArgumentException("invalid FTRL hyperparameters: lr " + learningRate + ", power "
                        + learningRatePower + ", l1 " + l1 + ", l2 " + l2 + ", accumulator " + initialAccumulator);
            }
        }
    }

    /**
     * The TF FTRL kernel, in place on {@code weight}, {@code accumulator} and {@code linear} (all shaped like
     * {@code grad}). Used for dense parameters and, unchanged, for gathered table rows.
     */
    public static void apply(NDArray weight, NDArray accumulator, NDArray linear, NDArray grad, Hyper h) {
        boolean sqrtPower = h.learningRatePower() == -0.5f;
        NDArray gradSquared = grad.square();
        NDArray newAccumulator = accumulator.add(gradSquared);
        NDArray newPowered = sqrtPower ? newAccumulator.sqrt() : newAccumulator.pow(-h.learningRatePower());
        NDArray oldPowered = sqrtPower ? accumulator.sqrt() : accumulator.pow(-h.learningRatePower());
        NDArray sigma = newPowered.sub(oldPowered).div(h.learningRate());
        linear.addi(grad.sub(sigma.mul(weight)));
        NDArray x = linear.sign().mul(h.l1()).sub(linear);
        NDArray quadratic = newPowered.div(h.learningRate()).add(2 * h.l2());
        NDArray preShrink = x.div(quadratic);
        NDArray updated = NDArrays.where(linear.abs().gt(h.l1()), preShrink, preShrink.zerosLike());
        weight.set(new NDIndex(":"), updated);
        accumulator.addi(gradSquared);
    }

    /**
     * The same kernel on host memory, for the rows {@code rows} of tables held in Java arrays (the wide weights),
     * with one gradient per listed row ({@code rows} distinct). Performs the float32 operations of {@link #apply}
     * in the same order, so both give bit-identical results for the default power -0.5 (other powers may differ
     * in the last bit, {@code pow} being computed in double here).
     */
    public static void applyRows(float[] weights, float[] accumulators, float[] linears, int[] rows, float[] grads,
            Hyper h) {
        boolean sqrtPower = h.learningRatePower() == -0.5f;
        float lr = h.learningRate();
        float l1 = h.l1();
        float twoL2 = 2 * h.l2();
        for (int i = 0; i < rows.length; i++) {
            int row = rows[i];
            float g = grads[i];
            float w = weights[row];
            float accumulator = accumulators[row];
            float gradSquared = g * g;
            float newAccumulator = accumulator + gradSquared;
            float newPowered = sqrtPower ? (float) Math.sqrt(newAccumulator) : power(newAccumulator, h);
            float oldPowered = sqrtPower ? (float) Math.sqrt(accumulator) : power(accumulator, h);
            float sigma = (newPowered - oldPowered) / lr;
            float linear = linears[row] + (g - sigma * w);
            float x = Math.signum(linear) * l1 - linear;
            float quadratic = newPowered / lr + twoL2;
            float preShrink = x / quadratic;
            linears[row] = linear;
            weights[row] = Math.abs(linear) > l1 ? preShrink : 0f;
            accumulators[row] = accumulator + gradSquared;
        }
    }

    private static float power(float value, Hyper h) {
        return (float) Math.pow(value, -h.learningRatePower());
    }

    /** The hyperparameters. */
    public Hyper hyper() {
        return hyper;
    }

    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        NDArray accumulator = accumulator(parameterId, weight);
        NDArray linear = linear(parameterId, weight);
        try (NDManager scope = weight.getManager().newSubManager()) {
            scope.tempAttachAll(weight, grad, accumulator, linear);
            NDArray g = DenseOptimizerSupport.preprocess(grad, weight, rescaleGrad, getWeightDecay(), clipGrad);
            apply(weight, accumulator, linear, g, hyper);
        }
        DenseOptimizerSupport.zeroGradient(weight);
    }

    /** The live accumulator of a parameter, created at {@code initialAccumulator} on first use. */
    public NDArray accumulator(String parameterId, NDArray weight) {
        return accumulators.computeIfAbsent(parameterId, id -> stateManager.full(weight.getShape(),
                hyper.initialAccumulator(), DataType.FLOAT32, weight.getDevice()));
    }

    /** The live linear term of a parameter, created at 0 on first use. */
    public NDArray linear(String parameterId, NDArray weight) {
        return linears.computeIfAbsent(parameterId, id -> stateManager.zeros(weight.getShape(), DataType.FLOAT32,
                weight.getDevice()));
    }

    /** Overwrites a parameter's state with copies of {@code accumulator} and {@code linear} (restoring). */
    public void setState(String parameterId, NDArray weight, NDArray accumulator, NDArray linear) {
        NDArray a = accumulator(parameterId, weight);
        NDArray l = linear(parameterId, weight);
        if (!a.getShape().equals(accumulator.getShape()) || !l.getShape().equals(linear.getShape())) {
            throw new IllegalArgumentException("FTRL state of " + parameterId + " has shape " + a.getShape()
                    + ", got " + accumulator.getShape() + " and " + linear.getShape());
        }
        a.set(new NDIndex(":"), accumulator);
        l.set(new NDIndex(":"), linear);
    }

    /** Ids of the parameters that have state. */
    public Set<String> parameterIds() {
        return Collections.unmodifiableSet(accumulators.keySet());
    }

    @Override
    public void close() {
        accumulators.clear();
        linears.clear();
        stateManager.close();
    }

    /** Builder: {@code setX} for required values, {@code optX} for optional ones. Not thread-safe. */
    public static final class Builder extends OptimizerBuilder<Builder> {
        private float learningRate = 0.2f;
        private float learningRatePower = -0.5f;
        private float l1 = 0f;
        private float l2 = 0f;
        private float initialAccumulator = 0.1f;
        private NDManager manager;

        private Builder() {
        }

        /** The manager under which the optimizer's state is allocated (required). */
        public Builder setStateManager(NDManager value) {
            this.manager = value;
            return this;
        }

        /** Learning rate (default 0.2, the seed's linear learning rate). */
        public Builder optLearningRate(float value) {
            this.learningRate = value;
            return this;
        }

        /** Learning-rate power, &lt;= 0 (default -0.5). */
        public Builder optLearningRatePower(float value) {
            this.learningRatePower = value;
            return this;
        }

        /** L1 regularisation strength (default 0). */
        public Builder optL1(float value) {
            this.l1 = value;
            return this;
        }

        /** L2 regularisation strength (default 0). */
        public Builder optL2(float value) {
            this.l2 = value;
            return this;
        }

        /** Accumulator start value, &gt; 0 (default 0.1). */
        public Builder optInitialAccumulator(float value) {
            this.initialAccumulator = value;
            return this;
        }

        @Override
        protected Builder self() {
            return this;
        }

        public FtrlOptimizer build() {
            return new FtrlOptimizer(this);
        }
    }
}
