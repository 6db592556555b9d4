package dev.wnd.model.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

/**
 * Row-sparse application of {@link AdagradOptimizer#apply} and {@link FtrlOptimizer#apply} to large tables: only the
 * rows a batch touched are read, updated and written back, together with the matching rows of the optimizer-state
 * tables. Because both kernels leave a row with a zero gradient unchanged, the result equals a dense update of the
 * whole table with its (mostly zero) full gradient, bit for bit.
 *
 * <p>Preconditions: {@code rowIds} is a 1-d int64 array of distinct row indices (the writes use
 * {@code index_put} without accumulation); {@code rows} holds the current table values of those rows, in that order
 * (typically the gradient leaf gathered for the forward pass); {@code rowGrad} is shaped like {@code rows}. Must be
 * called with gradient recording off (outside a {@link ai.djl.training.GradientCollector}). Temporaries are
 * attached to the arguments' managers: call inside a per-batch scope.
 */
public final class RowSparseUpdates {

    private RowSparseUpdates() {
    }

    /** Adagrad on the rows {@code rowIds} of {@code table}, with the accumulator table {@code accumulators}. */
    public static void adagrad(NDArray table, NDArray accumulators, NDArray rowIds, NDArray rows, NDArray rowGrad,
            float learningRate) {
        if (rowIds.size() == 0) {
            return;
        }
        NDIndex index = new NDIndex("{}", rowIds);
        NDArray accumulatorRows = accumulators.get(index);
        AdagradOptimizer.apply(rows, accumulatorRows, rowGrad, learningRate);
        accumulators.set(index, accumulatorRows);
        table.set(index, rows);
    }

    /** FTRL on the rows {@code rowIds} of {@code table}, with the accumulator and linear-term tables. */
    public static void ftrl(NDArray table, NDArray accumulators, NDArray linears, NDArray rowIds, NDArray rows,
            NDArray rowGrad, FtrlOptimizer.Hyper hyper) {
        if (rowIds.size() == 0) {
            return;
        }
        NDIndex index = new NDIndex("{}", rowIds);
        NDArray accumulatorRows = accumulators.get(index);
        NDArray linearRows = linears.get(index);
        FtrlOptimizer.apply(rows, accumulatorRows, linearRows, rowGrad, hyper);
        accumulators.set(index, accumulatorRows);
        linears.set(index, linearRows);
        table.set(index, rows);
    }
}
