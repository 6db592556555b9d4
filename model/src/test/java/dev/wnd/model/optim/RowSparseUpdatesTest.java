package dev.wnd.model.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.function.Supplier;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * The row-sparse path (gather the touched rows as a leaf, update them, write them back) against the dense path (the
 * whole table as the gradient leaf, DJL optimizer over the full gradient) on a small table, over three steps with
 * repeated and absent rows: results must agree to the last bits. Not bit for bit: libtorch picks its vectorized
 * kernels by CPU (AVX-512 or AVX2), and the dense path's element-wise pow and sqrt then differ from the row path's
 * in the last place on some machines (one float ulp, 3e-8, seen on an AMD EPYC); 1e-6 still catches any wrong row,
 * step or hyper-parameter.
 */
class RowSparseUpdatesTest {

    private static final long[][] INVERSE = {{2, 5, 2, 7}, {0, 5, 5, 5}, {7, 2, 3, 3}};
    private static final int ROWS = 8;
    private static final int DIM = 3;
    private static final Offset<Float> ULPS = within(1e-6f);

    @Test
    void shouldMatchTheDenseAdagradUpdateOfTheWholeTable() {
        try (NDManager m = NDManager.newBaseManager("PyTorch");
                AdagradOptimizer dense = AdagradOptimizer.builder().setStateManager(m).optLearningRate(0.7f).build()) {
            NDArray sparseTable = m.randomNormal(new Shape(ROWS, DIM)).mul(0.3f);
            NDArray denseTable = sparseTable.duplicate();
            NDArray sparseAccumulators = m.full(new Shape(ROWS, DIM), 0.1f);
            for (long[] inverse : INVERSE) {
                NDArray coefficients = m.randomNormal(new Shape(inverse.length, DIM));
                // row-sparse
                long[] ids = unique(inverse);
                NDArray idArray = m.create(ids);
                NDArray rows = sparseTable.get(new NDIndex("{}", idArray));
                rows.setRequiresGradient(true);
                backward(() -> rows.get(new NDIndex("{}", m.create(local(inverse, ids)))).mul(coefficients).sum());
                RowSparseUpdates.adagrad(sparseTable, sparseAccumulators, idArray, rows, rows.getGradient(), 0.7f);
                // dense
                denseTable.setRequiresGradient(true);
                backward(() -> denseTable.get(new NDIndex("{}", m.create(inverse))).mul(coefficients).sum());
                dense.setGlobalStep(0);
                dense.update("table", denseTable, denseTable.getGradient());
            }
            assertThat(sparseTable.toFloatArray())
                    .containsExactly(denseTable.toFloatArray(), ULPS);
            assertThat(sparseAccumulators.toFloatArray())
                    .containsExactly(dense.accumulator("table", denseTable).toFloatArray(), ULPS);
            // row 1, 4 and 6 were never touched
            assertThat(sparseAccumulators.get(1).toFloatArray()).containsOnly(0.1f);
        }
    }

    @Test
    void shouldMatchTheDenseFtrlUpdateOfTheWholeTable() {
        try (NDManager m = NDManager.newBaseManager("PyTorch");
                FtrlOptimizer dense = FtrlOptimizer.builder().setStateManager(m).optL1(0.01f).optL2(0.1f).build()) {
            NDArray sparseTable = m.zeros(new Shape(ROWS));
            NDArray denseTable = m.zeros(new Shape(ROWS));
            NDArray sparseAccumulators = m.full(new Shape(ROWS), 0.1f);
            NDArray sparseLinears = m.zeros(new Shape(ROWS));
            for (long[] inverse : INVERSE) {
                NDArray coefficients = m.randomNormal(new Shape(inverse.length));
                long[] ids = unique(inverse);
                NDArray idArray = m.create(ids);
                NDArray rows = sparseTable.get(new NDIndex("{}", idArray));
                rows.setRequiresGradient(true);
                backward(() -> rows.get(new NDIndex("{}", m.create(local(inverse, ids)))).mul(coefficients).sum());
                RowSparseUpdates.ftrl(sparseTable, sparseAccumulators, sparseLinears, idArray, rows,
                        rows.getGradient(), dense.hyper());
                denseTable.setRequiresGradient(true);
                backward(() -> denseTable.get(new NDIndex("{}", m.create(inverse))).mul(coefficients).sum());
                dense.update("table", denseTable, denseTable.getGradient());
            }
            assertThat(sparseTable.toFloatArray())
                    .containsExactly(denseTable.toFloatArray(), ULPS);
            assertThat(sparseAccumulators.toFloatArray())
                    .containsExactly(dense.accumulator("table", denseTable).toFloatArray(), ULPS);
            assertThat(sparseLinears.toFloatArray())
                    .containsExactly(dense.linear("table", denseTable).toFloatArray(), ULPS);
            assertThat(sparseTable.toFloatArray()[2]).isNotZero();
        }
    }

    @Test
    void shouldMatchTheDenseFtrlUpdateWithHostRows() {
        try (NDManager m = NDManager.newBaseManager("PyTorch");
                FtrlOptimizer dense = FtrlOptimizer.builder().setStateManager(m).optL1(0.01f).optL2(0.1f).build()) {
            float[] weights = new float[ROWS];
            float[] accumulators = new float[ROWS];
            float[] linears = new float[ROWS];
            java.util.Arrays.fill(accumulators, 0.1f);
            NDArray denseTable = m.zeros(new Shape(ROWS));
            java.util.SplittableRandom rng = new java.util.SplittableRandom(5);
            for (long[] inverse : INVERSE) {
                float[] coefficients = new float[inverse.length];
                for (int i = 0; i < coefficients.length; i++) {
                    coefficients[i] = (float) rng.nextGaussian();
                }
                // host: d(sum_i c_i * w[inverse_i]) / dw, accumulated in entry order per distinct row
                long[] ids = unique(inverse);
                long[] local = local(inverse, ids);
                float[] grads = new float[ids.length];
                for (int i = 0; i < inverse.length; i++) {
                    grads[(int) local[i]] += coefficients[i];
                }
                int[] rows = java.util.Arrays.stream(ids).mapToInt(id -> (int) id).toArray();
                FtrlOptimizer.applyRows(weights, accumulators, linears, rows, grads, dense.hyper());
                denseTable.setRequiresGradient(true);
                backward(() -> denseTable.get(new NDIndex("{}", m.create(inverse))).mul(m.create(coefficients)).sum());
                dense.update("table", denseTable, denseTable.getGradient());
            }
            assertThat(weights)
                    .containsExactly(denseTable.toFloatArray(), ULPS);
            assertThat(accumulators)
                    .containsExactly(dense.accumulator("table", denseTable).toFloatArray(), ULPS);
            assertThat(linears)
                    .containsExactly(dense.linear("table", denseTable).toFloatArray(), ULPS);
            assertThat(weights[2]).isNotZero();
        }
    }

    @Test
    void shouldIgnoreAnEmptyRowSet() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            NDArray table = m.ones(new Shape(4, 2));
            NDArray empty = m.create(new long[0]);
            RowSparseUpdates.adagrad(table, m.full(new Shape(4, 2), 0.1f), empty, m.zeros(new Shape(0, 2)),
                    m.zeros(new Shape(0, 2)), 1f);
            assertThat(table.toFloatArray()).containsOnly(1f);
        }
    }

    /** Records the forward pass of {@code loss} and back-propagates it. */
    private static void backward(Supplier<NDArray> forward) {
        JniUtils.setGradMode(true);
        try {
            NDArray loss = forward.get();
            JniUtils.backward((PtNDArray) loss, (PtNDArray) loss.onesLike(), false, false);
        } finally {
            JniUtils.setGradMode(false);
        }
    }

    private static long[] unique(long[] inverse) {
        return java.util.Arrays.stream(inverse).distinct().toArray();
    }

    private static long[] local(long[] inverse, long[] ids) {
        long[] local = new long[inverse.length];
        for (int i = 0; i < inverse.length; i++) {
            for (int j = 0; j < ids.length; j++) {
                if (ids[j] == inverse[i]) {
                    local[i] = j;
                }
            }
        }
        return local;
    }

}
