package dev.wnd.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The dense part of the Wide &amp; Deep network: the deep MLP plus the dense weights of the wide part (one weight per
 * numeric feature and the bias). The large tables (embeddings, per-bucket wide weights) are not DJL parameters: the
 * model gathers the rows a batch needs and hands this block their result, so no full-table gradient ever exists.
 *
 * <p>Inputs ({@link NDList}, float32):
 * <ol>
 *   <li>{@code deep} {@code [N, deepInputWidth]}: the deep input (mean embeddings, indicators, numerics)</li>
 *   <li>{@code wide} {@code [N]}: the sum of the per-bucket wide weights of each row (only with {@code optWide})</li>
 *   <li>{@code numeric} {@code [N, numericCount]} (only with {@code optWide} and {@code numericCount > 0})</li>
 * </ol>
 * Output: {@code [N]} logits, {@code deep(x) + wide + numeric . w + bias}. The MLP is {@code Linear -> ReLU ->
 * Dropout} per hidden layer, then {@code Linear(1)}, as the seed's {@code DNNClassifier}.
 *
 * <p>Parameter names (stable across runs; ids are not): {@code 01hidden1_weight}, {@code 01hidden1_bias}, ...,
 * {@code NNlogit_weight}, {@code NNlogit_bias}, {@code wide_numeric}, {@code wide_bias}. All parameters start at
 * zero; the model fills the MLP weights with a seeded Glorot-uniform draw.
 *
 * <p>With {@code optMixedPrecision} the MLP computes in float16 from float16 copies of its float32 master weights
 * (the copies are differentiable, so gradients arrive in float32); the logit is returned in float32.
 */
public final class WideDeepBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int deepInputWidth;
    private final List<Integer> hiddenUnits;
    private final float dropout;
    private final boolean wide;
    private final int numericCount;
    private final boolean mixedPrecision;
    private final List<Linear> hidden = new ArrayList<>();
    private final Linear logit;
    private final Parameter wideNumeric;
    private final Parameter wideBias;

    private WideDeepBlock(Builder builder) {
        super(VERSION);
        this.deepInputWidth = builder.deepInputWidth;
        this.hiddenUnits = List.copyOf(builder.hiddenUnits);
        this.dropout = builder.dropout;
        this.wide = builder.wide;
        this.numericCount = builder.wide ? builder.numericCount : 0;
        this.mixedPrecision = builder.mixedPrecision;
        for (int i = 0; i < hiddenUnits.size(); i++) {
            hidden.add(addChildBlock("hidden" + (i + 1), Linear.builder().setUnits(hiddenUnits.get(i)).build()));
        }
        this.logit = addChildBlock("logit", Linear.builder().setUnits(1).build());
        if (numericCount > 0) {
            this.wideNumeric = addParameter(Parameter.builder().setName("wide_numeric")
                    .setType(Parameter.Type.WEIGHT).optShape(new Shape(numericCount))
                    .optInitializer(Initializer.ZEROS).build());
        } else {
            this.wideNumeric = null;
        }
        if (wide) {
            this.wideBias = addParameter(Parameter.builder().setName("wide_bias").setType(Parameter.Type.BIAS)
                    .optShape(new Shape(1)).optInitializer(Initializer.ZEROS).build());
        } else {
            this.wideBias = null;
        }
        setInitializer(Initializer.ZEROS, Parameter.Type.WEIGHT);
        setInitializer(Initializer.ZEROS, Parameter.Type.BIAS);
    }

    /** A builder; {@code setDeepInputWidth} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Width of the deep input. */
    public int deepInputWidth() {
        return deepInputWidth;
    }

    /** Hidden layer widths. */
    public List<Integer> hiddenUnits() {
        return hiddenUnits;
    }

    /** Whether the block has the wide part's dense weights (and takes the wide inputs). */
    public boolean hasWide() {
        return wide;
    }

    /** Number of numeric features with a wide weight. */
    public int numericCount() {
        return numericCount;
    }

    /**
     * Whether {@code parameterName} (a key of {@link #getParameters()}) belongs to the wide part (FTRL) rather than
     * the deep part (Adagrad).
     */
    public static boolean isWideParameter(String parameterName) {
        return parameterName.startsWith("wide_");
    }

    /** Input shapes for {@link #initialize}, with a batch of one. */
    public Shape[] inputShapes() {
        List<Shape> shapes = new ArrayList<>();
        shapes.add(new Shape(1, deepInputWidth));
        if (wide) {
            shapes.add(new Shape(1));
            if (numericCount > 0) {
                shapes.add(new Shape(1, numericCount));
            }
        }
        return shapes.toArray(new Shape[0]);
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.get(0);
        Device device = x.getDevice();
        if (mixedPrecision) {
            x = x.toType(DataType.FLOAT16, false);
        }
        for (Linear layer : hidden) {
            x = Activation.relu(dense(parameterStore, layer, x, device, training));
            if (dropout > 0 && training) {
                x = Dropout.dropout(x, dropout, true).singletonOrThrow();
            }
        }
        NDArray out = dense(parameterStore, logit, x, device, training);
        if (mixedPrecision) {
            out = out.toType(DataType.FLOAT32, false);
        }
        out = out.reshape(-1);
        if (wide) {
            out = out.add(inputs.get(1));
            if (wideNumeric != null) {
                out = out.add(inputs.get(2).matMul(parameterStore.getValue(wideNumeric, device, training)));
            }
            out = out.add(parameterStore.getValue(wideBias, device, training));
        }
        return new NDList(out);
    }

    private NDArray dense(ParameterStore ps, Linear layer, NDArray x, Device device, boolean training) {
        NDArray w = ps.getValue(layer.getParameters().get("weight"), device, training);
        NDArray b = ps.getValue(layer.getParameters().get("bias"), device, training);
        if (mixedPrecision) {
            w = w.toType(DataType.FLOAT16, false);
            b = b.toType(DataType.FLOAT16, false);
        }
        return Linear.linear(x, w, b).singletonOrThrow();
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0))};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        long batch = inputShapes[0].get(0);
        long width = deepInputWidth;
        for (int i = 0; i < hidden.size(); i++) {
            hidden.get(i).initialize(manager, dataType, new Shape(batch, width));
            width = hiddenUnits.get(i);
        }
        logit.initialize(manager, dataType, new Shape(batch, width));
    }

    /** The wide part's weights of the numeric features ({@code [numericCount]}), null when there are none. */
    Parameter wideNumericParameter() {
        return wideNumeric;
    }

    /** The wide part's bias ({@code [1]}), null without a wide part. */
    Parameter wideBiasParameter() {
        return wideBias;
    }

    /** The MLP's linear layers, input side first, the logit layer last. */
    List<Linear> linearLayers() {
        List<Linear> layers = new ArrayList<>(hidden);
        layers.add(logit);
        return Collections.unmodifiableList(layers);
    }

    /** Builder: {@code setX} for required values, {@code optX} for optional ones. */
    public static final class Builder {
        private int deepInputWidth = -1;
        private List<Integer> hiddenUnits = ModelConfig.SEED_HIDDEN_UNITS;
        private float dropout = 0f;
        private boolean wide = true;
        private int numericCount = 0;
        private boolean mixedPrecision = false;

        private Builder() {
        }

        /** Width of the deep input (1328 for the seed spec). Required. */
        public Builder setDeepInputWidth(int value) {
            this.deepInputWidth = value;
            return this;
        }

        /** Hidden layer widths (default five of 1024). */
        public Builder optHiddenUnits(List<Integer> value) {
            this.hiddenUnits = value;
            return this;
        }

        /** Dropout rate after each hidden ReLU during training (default 0). */
        public Builder optDropout(float value) {
            this.dropout = value;
            return this;
        }

        /** Whether to include the wide part's dense weights and inputs (default true; false: the MLP alone). */
        public Builder optWide(boolean value) {
            this.wide = value;
            return this;
        }

        /** Number of numeric features with a wide weight (default 0). */
        public Builder optNumericCount(int value) {
            this.numericCount = value;
            return this;
        }

        /** Compute the MLP in float16 (default false). */
        public Builder optMixedPrecision(boolean value) {
            this.mixedPrecision = value;
            return this;
        }

        public WideDeepBlock build() {
            if (deepInputWidth < 1) {
                throw new IllegalArgumentException("setDeepInputWidth is required and must be >= 1");
            }
            if (!(dropout >= 0 && dropout < 1)) {
                throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
            }
            if (numericCount < 0) {
                throw new IllegalArgumentException("numericCount must be >= 0, got " + numericCount);
            }
            for (Integer u : hiddenUnits) {
                if (u == null || u < 1) {
                    throw new IllegalArgumentException("hidden units must be >= 1, got " + hiddenUnits);
                }
            }
            return new WideDeepBlock(this);
        }
    }
}
