package dev.wnd.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.core.Linear;
import java.nio.FloatBuffer;
import java.util.Arrays;
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
 * availability test before they touch this class. Immutable once built, so it may be shared by threads; its arrays
 * are refilled for another version only once nothing uses it ({@link #of(WideDeepBlock, HostMlp)}).
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
        return of(block, null);
    }

    /**
     * As {@link #of(WideDeepBlock)}, refilling the arrays of {@code recycled} when it has this block's shape:
     * {@code recycled} must be a host MLP that nothing uses any more (its version and every predictor of it are
     * closed); it is not to be used after. Null for new arrays. Spares the serving path the seed's 22 MB of new
     * arrays per version.
     *
     * @throws IllegalArgumentException if the block does not {@link #fits fit}
     */
    static HostMlp of(WideDeepBlock block, HostMlp recycled) {
        if (!fits(block)) {
            throw new IllegalArgumentException("hidden layers must be multiples of " + BLOCK + " wide, with a wide part: "
                    + block.hiddenUnits());
        }
        List<Linear> layers = block.linearLayers();
        int hidden = layers.size() - 1;
        int[] widths = new int[hidden + 1];
        widths[0] = block.deepInputWidth();
        for (int l = 0; l < hidden; l++) {
            widths[l + 1] = block.hiddenUnits().get(l);
        }
        int numerics = block.wideNumericParameter() == null ? 0
                : Math.toIntExact(block.wideNumericParameter().getArray().size());
        boolean reuse = recycled != null && Arrays.equals(recycled.widths, widths)
                && recycled.wideNumeric.length == numerics;
        float[][] packed = new float[hidden][];
        float[][] biases = new float[hidden][];
        for (int l = 0; l < hidden; l++) {
            int in = widths[l];
            int out = widths[l + 1];
            FloatBuffer w = view(layers.get(l).getParameters().get("weight").getArray());
            float[] p = reuse ? recycled.packed[l] : new float[in * out];
            float[] row = new float[in];
            for (int o = 0; o < out; o++) {
                // output o is column o % 16 of column block o / 16, whose in x 16 floats are contiguous
                w.get(o * in, row);
                for (int k = 0, at = (o - o % BLOCK) * in + o % BLOCK; k < in; k++, at += BLOCK) {
                    p[at] = row[k];
                }
            }
            packed[l] = p;
            biases[l] = values(layers.get(l), "bias", reuse ? recycled.biases[l] : null);
        }
        Linear logit = layers.get(hidden);
        float[] wideNumeric = numerics == 0 ? new float[0]
                : values(block.wideNumericParameter().getArray(), reuse ? recycled.wideNumeric : null);
        return new HostMlp(widths, packed, biases, values(logit, "weight", reuse ? recycled.logitWeights : null),
                values(logit, "bias", null)[0], wideNumeric, values(block.wideBiasParameter().getArray(), null)[0]);
    }

    private static float[] values(Linear layer, String name, float[] into) {
        return values(layer.getParameters().get(name).getArray(), into);
    }

    /**
     * The values of a float32 array, read through a view of its memory (one copy, no native staging buffer), into
     * {@code into} if it is not null (and has the array's size).
     */
    private static float[] values(NDArray array, float[] into) {
        FloatBuffer view = view(array);
        float[] values = into != null && into.length == view.remaining() ? into : new float[view.remaining()];
        view.get(values);
        return values;
    }

    /** A view of a float32 CPU array's memory. */
    private static FloatBuffer view(NDArray array) {
        return array.toByteBuffer(true).asFloatBuffer();
    }

    /**
     * The logits of a batch's rows.
     *
     * <p>The first layer takes a run of rows with the same request (a display's ads) once for the request's columns:
     * the first row of the run sums them, from the bias on, and every row of the run goes on from that partial sum
     * with its own columns. Each output still sums its products in input order from the bias, so the result is bit
     * for bit that of every row on its own; the run's other rows skip 784 of the seed's 1,328 columns.
     *
     * @param in the deep input, wide sums and request runs ({@link HostInputs})
     * @param numeric {@code rows x numericCount}, row-major
     */
    float[] logits(HostInputs.Built in, float[] numeric) {
        int rows = in.size();
        int[] all = new int[rows];
        int[] leaders = new int[rows];
        int leaderCount = 0;
        for (int r = 0; r < rows; r++) {
            all[r] = r;
            if (in.leaders()[r] == r) {
                leaders[leaderCount++] = r;
            }
        }
        float[] x = in.deep();
        for (int l = 0; l < packed.length; l++) {
            int width = widths[l];
            int out = widths[l + 1];
            float[] y = new float[rows * out];
            int shared = l == 0 && leaderCount < rows ? in.requestColumns() : 0;
            if (shared > 0) {
                for (int i = 0; i < leaderCount; i++) {
                    System.arraycopy(biases[l], 0, y, leaders[i] * out, out);
                }
                accumulate(x, width, leaders, leaderCount, 0, shared, packed[l], out, y, false);
                for (int r = 0; r < rows; r++) {
                    if (in.leaders()[r] != r) {
                        System.arraycopy(y, in.leaders()[r] * out, y, r * out, out);
                    }
                }
            } else {
                for (int r = 0; r < rows; r++) {
                    System.arraycopy(biases[l], 0, y, r * out, out);
                }
            }
            accumulate(x, width, all, rows, shared, width, packed[l], out, y, true);
            x = y;
        }
        int width = widths[widths.length - 1];
        int numerics = wideNumeric.length;
        float[] wideSums = in.wideSums();
        float[] logits = new float[rows];
        for (int r = 0; r < rows; r++) {
            float sum = 0f;
            for (int k = 0, at = r * width; k < width; k++, at++) {
                sum = Math.fma(x[at], logitWeights[k], sum);
            }
            float dot = 0f;
            for (int k = 0, at = r * numerics; k < numerics; k++, at++) {
                dot = Math.fma(numeric[at], wideNumeric[k], dot);
            }
            logits[r] = (sum + logitBias) + wideSums[r] + dot + wideBias;
        }
        return logits;
    }

    /**
     * For each of the first {@code count} {@code rows}, adds input columns {@code [from, to)} of its row of
     * {@code x} ({@code in} wide) times the layer's weights ({@code w}, blocked) to its row of {@code y} ({@code out}
     * wide, holding the sums so far), then applies the ReLU if {@code relu}. Four rows at a time share each weight
     * load; a column block of the weights ({@code in x 16} floats) is read once per batch, in order.
     */
    private static void accumulate(float[] x, int in, int[] rows, int count, int from, int to, float[] w, int out,
            float[] y, boolean relu) {
        FloatVector floor = FloatVector.broadcast(F8, relu ? 0f : Float.NEGATIVE_INFINITY);
        int full = count & ~3;
        for (int first = 0; first < out; first += BLOCK) {
            int start = first * in + from * BLOCK;
            for (int i = 0; i < full; i += 4) {
                int x0 = rows[i] * in;
                int x1 = rows[i + 1] * in;
                int x2 = rows[i + 2] * in;
                int x3 = rows[i + 3] * in;
                int y0 = rows[i] * out + first;
                int y1 = rows[i + 1] * out + first;
                int y2 = rows[i + 2] * out + first;
                int y3 = rows[i + 3] * out + first;
                FloatVector a00 = FloatVector.fromArray(F8, y, y0);
                FloatVector a01 = FloatVector.fromArray(F8, y, y0 + 8);
                FloatVector a10 = FloatVector.fromArray(F8, y, y1);
                FloatVector a11 = FloatVector.fromArray(F8, y, y1 + 8);
                FloatVector a20 = FloatVector.fromArray(F8, y, y2);
                FloatVector a21 = FloatVector.fromArray(F8, y, y2 + 8);
                FloatVector a30 = FloatVector.fromArray(F8, y, y3);
                FloatVector a31 = FloatVector.fromArray(F8, y, y3 + 8);
                for (int k = from, at = start; k < to; k++, at += BLOCK) {
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
                a00.max(floor).intoArray(y, y0);
                a01.max(floor).intoArray(y, y0 + 8);
                a10.max(floor).intoArray(y, y1);
                a11.max(floor).intoArray(y, y1 + 8);
                a20.max(floor).intoArray(y, y2);
                a21.max(floor).intoArray(y, y2 + 8);
                a30.max(floor).intoArray(y, y3);
                a31.max(floor).intoArray(y, y3 + 8);
            }
            for (int i = full; i < count; i++) {
                int x0 = rows[i] * in;
                int y0 = rows[i] * out + first;
                FloatVector a0 = FloatVector.fromArray(F8, y, y0);
                FloatVector a1 = FloatVector.fromArray(F8, y, y0 + 8);
                for (int k = from, at = start; k < to; k++, at += BLOCK) {
                    FloatVector v = FloatVector.broadcast(F8, x[x0 + k]);
                    a0 = FloatVector.fromArray(F8, w, at).fma(v, a0);
                    a1 = FloatVector.fromArray(F8, w, at + 8).fma(v, a1);
                }
                a0.max(floor).intoArray(y, y0);
                a1.max(floor).intoArray(y, y0 + 8);
            }
        }
    }
}
