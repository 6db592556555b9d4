package dev.wnd.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.core.Linear;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A fixed model's MLP and wide head computed on the host with 256-bit vector instructions, for the scorer's small
 * batches: the logits of {@link WideDeepBlock#forwardInternal}, {@code deep(x) + wideSum + numeric . w + bias},
 * without native calls.
 *
 * <p>Why: a scorer's forward pass holds 2 to 30 rows. There libtorch's matrix product costs more in copying each
 * weight matrix into its blocked layout, at every pass, than in arithmetic, and each op costs a native call and
 * an array (BENCHMARKS.md, scorer). Here the weights are copied into that layout once, when the predictor is built:
 * each hidden layer's {@code [out, in]} matrix as column blocks of 16 outputs, each block {@code in x 16} floats
 * contiguous, so a block is read in order and stays in the core's cache while every row of the batch goes
 * through it, four rows at a time, with 8 accumulators in registers.
 *
 * <p>Same arithmetic as the block up to float rounding: each output sums its products in input order with fused
 * multiply-adds, where libtorch's kernel orders and rounds them its own way (differences of a few ulps).
 *
 * <p>Uses the incubating {@code jdk.incubator.vector} module: callers check {@link WideDeepPredictor}'s
 * availability test before they touch this class. Immutable once built, so it may be shared by threads.
 */
final class HostMlp {

    /** Outputs per column block: two 8-float vectors. */
    private static final int BLOCK = 16;
    private static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;

    private final int[] widths;
    /** Per hidden layer, its weights in column blocks (see the class comment). */
    private final float[][] packed;
    private final float[][] biases;
    private final float[] logitWeights;
    private final float logitBias;
    private final float[] wideNumeric;
    private final float wideBias;

    private HostMlp(int[] widths, float[][] packed, float[][] biases, float[] logitWeights, float logitBias,
            float[] wideNumeric, float wideBias) {
        this.widths = widths;
        this.packed = packed;
        this.biases = biases;
        this.logitWeights = logitWeights;
        this.logitBias = logitBias;
        this.wideNumeric = wideNumeric;
        this.wideBias = wideBias;
    }

    /**
     * Whether this machine runs 256-bit float vectors natively (AVX2 or wider, or NEON pairs); elsewhere the vector
     * API falls back to scalar Java, slower than libtorch.
     */
    static boolean vectorsAreNative() {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize() >= F8.vectorBitSize();
    }

    /** Whether {@code block}'s shape suits this class: every hidden layer a multiple of 16 wide, a wide part. */
    static boolean fits(WideDeepBlock block) {
        return block.hasWide() && block.hiddenUnits().stream().allMatch(u -> u % BLOCK == 0);
    }

    /**
     * Copies {@code block}'s parameters (float32 on the CPU) into host arrays in the blocked layout.
     *
     * @throws IllegalArgumentException if the block does not {@link #fits fit}
     */
    static HostMlp of(WideDeepBlock block) {
        if (!fits(block)) {
            throw new IllegalArgumentException("hidden layers must be multiples of " + BLOCK + " wide, with a wide part: "
                    + block.hiddenUnits());
        }
        List<Linear> layers = block.linearLayers();
        int hidden = layers.size() - 1;
        int[] widths = new int[hidden + 1];
        widths[0] = block.deepInputWidth();
        float[][] packed = new float[hidden][];
        float[][] biases = new float[hidden][];
        for (int l = 0; l < hidden; l++) {
            int in = widths[l];
            int out = block.hiddenUnits().get(l);
            widths[l + 1] = out;
            float[] w = values(layers.get(l), "weight");
            float[] p = new float[in * out];
            int i = 0;
            for (int first = 0; first < out; first += BLOCK) {
                for (int k = 0; k < in; k++) {
                    for (int j = 0; j < BLOCK; j++) {
                        p[i++] = w[(first + j) * in + k];
                    }
                }
            }
            packed[l] = p;
            biases[l] = values(layers.get(l), "bias");
        }
        Linear logit = layers.get(hidden);
        float[] wideNumeric = block.wideNumericParameter() == null ? new float[0]
                : block.wideNumericParameter().getArray().toFloatArray();
        return new HostMlp(widths, packed, biases, values(logit, "weight"), values(logit, "bias")[0], wideNumeric,
                block.wideBiasParameter().getArray().toFloatArray()[0]);
    }

    private static float[] values(Linear layer, String name) {
        NDArray array = layer.getParameters().get(name).getArray();
        return array.toFloatArray();
    }

    /**
     * The logits of {@code rows} rows.
     *
     * @param deep {@code rows x deepWidth}, row-major
     * @param wideSums {@code rows}
     * @param numeric {@code rows x numericCount}, row-major
     */
    float[] logits(float[] deep, int rows, float[] wideSums, float[] numeric) {
        float[] x = deep;
        for (int l = 0; l < packed.length; l++) {
            x = hidden(x, rows, widths[l], widths[l + 1], packed[l], biases[l]);
        }
        int width = widths[widths.length - 1];
        int numerics = wideNumeric.length;
        float[] out = new float[rows];
        for (int r = 0; r < rows; r++) {
            float sum = 0f;
            for (int k = 0, at = r * width; k < width; k++, at++) {
                sum = Math.fma(x[at], logitWeights[k], sum);
            }
            float dot = 0f;
            for (int k = 0, at = r * numerics; k < numerics; k++, at++) {
                dot = Math.fma(numeric[at], wideNumeric[k], dot);
            }
            out[r] = (sum + logitBias) + wideSums[r] + dot + wideBias;
        }
        return out;
    }

    /** {@code relu(x . W^T + b)} of one hidden layer, {@code rows x out}. */
    private static float[] hidden(float[] x, int rows, int in, int out, float[] w, float[] bias) {
        float[] y = new float[rows * out];
        FloatVector zero = FloatVector.zero(F8);
        int full = rows & ~3;
        for (int first = 0; first < out; first += BLOCK) {
            int base = first * in;
            FloatVector b0 = FloatVector.fromArray(F8, bias, first);
            FloatVector b1 = FloatVector.fromArray(F8, bias, first + 8);
            for (int r = 0; r < full; r += 4) {
                int x0 = r * in;
                int x1 = x0 + in;
                int x2 = x1 + in;
                int x3 = x2 + in;
                FloatVector a00 = b0;
                FloatVector a01 = b1;
                FloatVector a10 = b0;
                FloatVector a11 = b1;
                FloatVector a20 = b0;
                FloatVector a21 = b1;
                FloatVector a30 = b0;
                FloatVector a31 = b1;
                for (int k = 0, at = base; k < in; k++, at += BLOCK) {
                    FloatVector w0 = FloatVector.fromArray(F8, w, at);
                    FloatVector w1 = FloatVector.fromArray(F8, w, at + 8);
                    FloatVector v = FloatVector.broadcast(F8, x[x0 + k]);
                    a00 = w0.fma(v, a00);
                    a01 = w1.fma(v, a01);
                    v = FloatVector.broadcast(F8, x[x1 + k]);
                    a10 = w0.fma(v, a10);
                    a11 = w1.fma(v, a11);
                    v = FloatVector.broadcast(F8, x[x2 + k]);
                    a20 = w0.fma(v, a20);
                    a21 = w1.fma(v, a21);
                    v = FloatVector.broadcast(F8, x[x3 + k]);
                    a30 = w0.fma(v, a30);
                    a31 = w1.fma(v, a31);
                }
                int y0 = r * out + first;
                a00.max(zero).intoArray(y, y0);
                a01.max(zero).intoArray(y, y0 + 8);
                a10.max(zero).intoArray(y, y0 + out);
                a11.max(zero).intoArray(y, y0 + out + 8);
                a20.max(zero).intoArray(y, y0 + 2 * out);
                a21.max(zero).intoArray(y, y0 + 2 * out + 8);
                a30.max(zero).intoArray(y, y0 + 3 * out);
                a31.max(zero).intoArray(y, y0 + 3 * out + 8);
            }
            for (int r = full; r < rows; r++) {
                int x0 = r * in;
                FloatVector a0 = b0;
                FloatVector a1 = b1;
                for (int k = 0, at = base; k < in; k++, at += BLOCK) {
                    FloatVector v = FloatVector.broadcast(F8, x[x0 + k]);
                    a0 = FloatVector.fromArray(F8, w, at).fma(v, a0);
                    a1 = FloatVector.fromArray(F8, w, at + 8).fma(v, a1);
                }
                int y0 = r * out + first;
                a0.max(zero).intoArray(y, y0);
                a1.max(zero).intoArray(y, y0 + 8);
            }
        }
        return y;
    }
}
