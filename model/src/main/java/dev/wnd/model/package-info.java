/**
 * The Wide &amp; Deep click model of the seed's TF1 recipe, on DJL's PyTorch engine.
 *
 * <ul>
 *   <li>{@link dev.wnd.model.ModelConfig}: every hyperparameter, seed defaults.</li>
 *   <li>{@link dev.wnd.model.WideDeepBlock}: the dense part (MLP, wide numeric weights and bias) as a DJL block.</li>
 *   <li>{@link dev.wnd.model.WideDeepTrainer}: online training, one {@link dev.wnd.model.Batch} at a time, with
 *       row-sparse embedding and wide-weight updates; the learner's entry point.</li>
 *   <li>{@link dev.wnd.model.ServingModel}: one model version as the scorer serves it, shared by its scoring
 *       threads (each through a {@link dev.wnd.model.ServingPredictor}), the next version derived from it by a delta
 *       at the cost of the delta's rows; the scorer's entry point.</li>
 *   <li>{@link dev.wnd.model.WideDeepPredictor}: a {@link dev.wnd.model.ClickPredictor} over a fixed model
 *       version with its own copy of the tables, on any device; for evaluation and offline prediction.</li>
 *   <li>{@link dev.wnd.model.TensorSink} / {@link dev.wnd.model.TensorSource}: named-tensor export and import,
 *       implemented by the checkpoint format of {@code dev.wnd.model.checkpoint}.</li>
 * </ul>
 *
 * <p>Everything here is single-threaded by contract (PyTorch autograd state is thread-local), except
 * {@link dev.wnd.model.ServingModel}, which is immutable and shared; each type documents its threading and
 * lifecycle.
 */
package dev.wnd.model;
