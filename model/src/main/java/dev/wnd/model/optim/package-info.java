/**
 * The seed's two optimizers, with TensorFlow 1's exact update rules: FTRL-Proximal for the wide (linear) part and
 * Adagrad with linear warm-up for the deep part and its embeddings.
 *
 * <p>{@link dev.wnd.model.optim.FtrlOptimizer} and {@link dev.wnd.model.optim.AdagradOptimizer} are DJL
 * {@link ai.djl.training.optimizer.Optimizer}s for dense parameters; they keep their state per parameter id and zero
 * the parameter's gradient after each update (DJL's PyTorch engine does not). {@link
 * dev.wnd.model.optim.RowSparseUpdates} applies the very same kernels to the touched rows of large device tables
 * (the embeddings), and {@link dev.wnd.model.optim.FtrlOptimizer#applyRows} to rows of host tables (the wide
 * weights); the optimizer state of a table is a table of the same shape. A row-sparse update equals the dense
 * update of the whole table bit for bit, without ever materialising a full-table gradient.
 */
package dev.wnd.model.optim;
