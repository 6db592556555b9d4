package dev.wnd.model;

import java.util.BitSet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.Pair;
import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.model.optim.AdagradOptimizer;
import dev.wnd.model.optim.FtrlOptimizer;
import dev.wnd.model.optim.RowSparseUpdates;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Online training of the Wide &amp; Deep model: owns the model, both optimizers and their state, and the global
 * step. The learner loop calls {@link #trainBatch} once per micro-batch, and hands the trainer to a checkpoint store
 * between batches.
 *
 * <p>One step is TensorFlow's: forward, mean sigmoid cross-entropy, backward, then FTRL on the wide part (the
 * per-bucket weights row-sparsely, in host memory; the numeric weights and bias densely, with {@link FtrlOptimizer})
 * and Adagrad with warm-up on the deep part (the embeddings row-sparsely with {@link RowSparseUpdates}, the MLP
 * densely with {@link AdagradOptimizer}), with the learning rate of the 0-based global step. Only the table rows a
 * batch touches are gathered, updated and written back, together with their optimizer-state rows; no full-table
 * gradient or full-table optimizer pass ever happens.
 *
 * <p><b>Cost.</b> Besides the MLP, a step does one host pass over the batch ({@link BatchEncoder}), one gather of
 * the touched embedding rows, one sparse matmul per embedding segment of the deep input (mean over slots and
 * layout in one op, whose backward is row-sparse), one concat, and the row updates. On the 2-core CPU this costs
 * about 10% of the seed MLP's step at batch 4096.
 *
 * <p><b>Memory.</b> Every batch runs in its own sub-{@link NDManager}, closed at the end of the call; memory does
 * not grow with the number of batches.
 *
 * <p><b>Determinism.</b> Given the same config (seed included), spec and batches, training on the CPU yields
 * bit-identical parameters and optimizer state, run after run (with the same number of PyTorch intra-op threads).
 * Initialisation draws from Java generators seeded per tensor; dropout, when enabled, reseeds PyTorch's global
 * generator at every step from (seed, step), which affects every other PyTorch user in the process.
 *
 * <p><b>Threading.</b> Not thread-safe: create, train, predict, export and close from one thread at a time (the
 * learner's thread). Hand-over between threads needs a happens-before edge. PyTorch's gradient mode is
 * thread-local; each call sets what it needs.
 *
 * <p><b>Lifecycle.</b> {@link #close()} frees all native memory; the trainer is unusable afterwards.
 */
public final class WideDeepTrainer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WideDeepTrainer.class);

    /** Optimizer-state name suffixes. */
    static final String ADAGRAD_ACCUMULATOR = "/adagrad_accumulator";
    static final String FTRL_ACCUMULATOR = "/ftrl_accumulator";
    static final String FTRL_LINEAR = "/ftrl_linear";
    static final String LOSS_SCALE = "amp/loss_scale";
    static final String LOSS_SCALE_GOOD_STEPS = "amp/good_steps";

    private final WideDeepModel model;
    private final NDManager stateManager;
    private final AdagradOptimizer adagrad;
    private final FtrlOptimizer ftrl;
    private final NDArray embeddingAccumulators;
    private final float[] wideAccumulators;
    private final float[] wideLinears;
    private LossScaler lossScaler;
    private final List<Pair<String, Parameter>> blockParameters;
    /** Sub-rows of the fused embedding table updated since {@link #clearChangedRows()}. */
    private final BitSet changedEmbeddingRows = new BitSet();
    /** Rows of the fused wide table updated since {@link #clearChangedRows()}. */
    private final BitSet changedWideRows = new BitSet();
    private long step;
    private long examplesTrained;
    private boolean closed;

    private WideDeepTrainer(WideDeepModel model, long step, long examplesTrained) {
        this.model = model;
        this.step = step;
        this.examplesTrained = examplesTrained;
        ModelConfig c = model.config;
        this.stateManager = model.manager.newSubManager();
        this.stateManager.setName("wide-deep-optimizer-state");
        this.adagrad = AdagradOptimizer.builder()
                .setStateManager(stateManager)
                .optLearningRate((float) c.deepLearningRate())
                .optWarmupSteps(c.deepWarmupSteps())
                .optInitialAccumulator((float) c.deepInitialAccumulator())
                .build();
        this.ftrl = FtrlOptimizer.builder()
                .setStateManager(stateManager)
                .optLearningRate((float) c.linearLearningRate())
                .optLearningRatePower((float) c.linearLearningRatePower())
                .optL1((float) c.linearL1())
                .optL2((float) c.linearL2())
                .optInitialAccumulator((float) c.linearInitialAccumulator())
                .build();
        this.blockParameters = new ArrayList<>();
        for (Pair<String, Parameter> p : model.block.getParameters()) {
            blockParameters.add(p);
            NDArray weight = p.getValue().getArray();
            if (WideDeepBlock.isWideParameter(p.getKey())) {
                ftrl.accumulator(p.getValue().getId(), weight);
                ftrl.linear(p.getValue().getId(), weight);
            } else {
                adagrad.accumulator(p.getValue().getId(), weight);
            }
        }
        this.embeddingAccumulators = model.embeddings == null ? null
                : stateManager.full(model.embeddings.getShape(), (float) c.deepInitialAccumulator(),
                        DataType.FLOAT32);
        this.wideAccumulators = new float[model.wide.length];
        java.util.Arrays.fill(wideAccumulators, (float) c.linearInitialAccumulator());
        this.wideLinears = new float[model.wide.length];
        this.lossScaler = c.amp() ? new LossScaler(LossScaler.INITIAL_SCALE, 0) : null;
        if (c.amp() && c.device().equals("cpu")) {
            LOG.warn("Mixed precision (amp) on the CPU computes the MLP in float16: slow, meant for tests");
        }
    }

    /**
     * A new trainer with the seed's initialisation from {@code config.seed()}, at step 0.
     *
     * @throws IllegalArgumentException if the config does not fit
     */
    public static WideDeepTrainer create(FeatureSpec spec, ModelConfig config) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(config, "config");
        WideDeepModel model = WideDeepModel.allocate(spec, config);
        try {
            model.initialise();
            return new WideDeepTrainer(model, 0, 0);
        } catch (RuntimeException | Error e) {
            model.close();
            throw e;
        }
    }

    /**
     * A trainer restored exactly: parameters and optimizer state from the two sources (as written by
     * {@link #writeParameters} and {@link #writeOptimizerState}), step and example count as given. Every expected
     * tensor must be present with its exact shape, and no other.
     *
     * @throws IllegalArgumentException if the sources do not match the spec and config
     */
    public static WideDeepTrainer restore(FeatureSpec spec, ModelConfig config, long step, long examplesTrained,
            TensorSource parameters, TensorSource optimizerState) throws IOException {
        if (step < 0 || examplesTrained < 0) {
            throw new IllegalArgumentException("step and examplesTrained must be >= 0");
        }
        WideDeepModel model = WideDeepModel.allocate(spec, config);
        WideDeepTrainer trainer = null;
        try {
            trainer = new WideDeepTrainer(model, step, examplesTrained);
            try (NDManager scope = model.manager.newSubManager()) {
                scope.tempAttachAll(trainer.persistentArrays());
                NamedTensors params = model.namedParameters(scope);
                readAll(parameters, params.arrays(), "parameters");
                params.commitHost();
                NamedTensors state = trainer.namedOptimizerState(scope);
                readAll(optimizerState, state.arrays(), "optimizer state");
                state.commitHost();
            }
            if (trainer.lossScaler != null) {
                trainer.readLossScale(optimizerState);
            }
            return trainer;
        } catch (IOException | RuntimeException | Error e) {
            if (trainer != null) {
                trainer.close();
            } else {
                model.close();
            }
            throw e;
        }
    }

    static void readAll(TensorSource source, Map<String, NDArray> targets, String what) throws IOException {
        Set<String> expected = new TreeSet<>(targets.keySet());
        Set<String> present = new TreeSet<>(source.names());
        present.removeIf(name -> name.startsWith("amp/"));
        if (!expected.equals(present)) {
            Set<String> missing = new TreeSet<>(expected);
            missing.removeAll(present);
            Set<String> unexpected = new TreeSet<>(present);
            unexpected.removeAll(expected);
            throw new IllegalArgumentException(what + " do not match the model: missing " + missing
                    + ", unexpected " + unexpected);
        }
        // Parameters are gradient leaves; copying into them in place is only allowed with autograd off. PyTorch's
        // grad mode is per thread, and a fresh thread (a scorer's stream thread) starts with it on.
        boolean previousGradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            for (Map.Entry<String, NDArray> t : targets.entrySet()) {
                Shape shape = source.shape(t.getKey());
                if (!shape.equals(t.getValue().getShape())) {
                    throw new IllegalArgumentException(what + ": " + t.getKey() + " has shape " + shape
                            + ", the model expects " + t.getValue().getShape());
                }
                source.readInto(t.getKey(), t.getValue());
            }
        } finally {
            JniUtils.setGradMode(previousGradMode);
        }
    }

    private void readLossScale(TensorSource source) throws IOException {
        if (!source.names().contains(LOSS_SCALE)) {
            return;
        }
        try (NDManager scope = model.manager.newSubManager()) {
            NDArray scale = scope.zeros(new Shape(1), DataType.FLOAT32);
            NDArray good = scope.zeros(new Shape(1), DataType.INT64);
            source.readInto(LOSS_SCALE, scale);
            source.readInto(LOSS_SCALE_GOOD_STEPS, good);
            lossScaler = new LossScaler(scale.getFloat(0), good.getLong(0));
        }
    }

    /**
     * Trains on one batch (labels required) and advances the global step.
     *
     * @throws IllegalArgumentException if the batch does not fit the spec (nothing is changed then)
     */
    public TrainResult trainBatch(Batch batch) {
        ensureOpen();
        BatchEncoder.Encoded encoded = model.encoder.encode(batch, true);
        int n = encoded.size();
        if (n == 0) {
            return new TrainResult(Float.NaN, 0, step, false);
        }
        float lossValue;
        boolean applied = true;
        float[] wideGradients;
        boolean previousGradMode = JniUtils.isGradMode();
        try (NDManager scope = model.manager.newSubManager()) {
            scope.tempAttachAll(persistentArrays());
            if (model.config.deepDropout() > 0) {
                JniUtils.setSeed(model.config.seed() * 0x9E3779B97F4A7C15L + step);
            }
            WideDeepModel.Forward forward;
            NDArray loss;
            LossScaler scaler = lossScaler;
            float backwardScale = scaler == null ? 1f : scaler.scale();
            // Autograd through JniUtils rather than DJL's GradientCollector, which allows one collector per
            // process: trainers on different threads stay independent (PyTorch's grad mode is thread-local).
            JniUtils.setGradMode(true);
            try {
                forward = model.forward(scope, encoded, true);
                loss = sigmoidCrossEntropy(forward.logits(), scope.create(encoded.labels()));
                NDArray target = scaler == null ? loss : loss.mul(backwardScale);
                JniUtils.backward((PtNDArray) target, (PtNDArray) target.onesLike(), false, false);
            } finally {
                JniUtils.setGradMode(false);
            }
            lossValue = loss.getFloat();
            wideGradients = wideGradients(encoded, forward.wideSum().getGradient().toFloatArray(), backwardScale);
            if (scaler != null) {
                applied = scaler.update(gradientsFinite(forward, wideGradients));
            }
            if (applied) {
                applyUpdates(forward, backwardScale, encoded.wideIds(), wideGradients);
                for (long row : encoded.embeddingIds()) {
                    changedEmbeddingRows.set(Math.toIntExact(row));
                }
                for (int row : encoded.wideIds()) {
                    changedWideRows.set(row);
                }
            } else {
                LOG.debug("step {}: non-finite gradients under loss scale, update skipped", step);
                zeroBlockGradients();
            }
        } finally {
            JniUtils.setGradMode(previousGradMode);
        }
        step++;
        examplesTrained += n;
        return new TrainResult(lossValue, n, step, applied);
    }

    /**
     * The gradient of each touched wide weight: the sum of the logit gradients of the rows it appears in (once per
     * slot), divided by the loss scale. Accumulated in (row, slot) order.
     */
    private static float[] wideGradients(BatchEncoder.Encoded e, float[] sumGradients, float backwardScale) {
        if (backwardScale != 1f) {
            for (int r = 0; r < sumGradients.length; r++) {
                sumGradients[r] = sumGradients[r] / backwardScale;
            }
        }
        float[] grads = new float[e.wideIds().length];
        int[] rows = e.wideEntryRow();
        int[] locals = e.wideEntryLocal();
        for (int k = 0; k < rows.length; k++) {
            grads[locals[k]] += sumGradients[rows[k]];
        }
        return grads;
    }

    /** Applies both optimizers; gradients are divided by the loss scale the backward pass used (1 without amp). */
    private void applyUpdates(WideDeepModel.Forward forward, float backwardScale, int[] wideIds,
            float[] wideGradients) {
        adagrad.setGlobalStep(step);
        float deepRate = adagrad.currentLearningRate();
        for (Pair<String, Parameter> p : blockParameters) {
            NDArray weight = p.getValue().getArray();
            NDArray grad = unscaled(weight.getGradient(), backwardScale);
            if (WideDeepBlock.isWideParameter(p.getKey())) {
                ftrl.update(p.getValue().getId(), weight, grad);
            } else {
                adagrad.update(p.getValue().getId(), weight, grad);
            }
        }
        if (forward.embeddingRows() != null) {
            RowSparseUpdates.adagrad(model.embeddings, embeddingAccumulators, forward.embeddingIds(),
                    forward.embeddingRows(), unscaled(forward.embeddingRows().getGradient(), backwardScale),
                    deepRate);
        }
        FtrlOptimizer.applyRows(model.wide, wideAccumulators, wideLinears, wideIds, wideGradients, ftrl.hyper());
    }

    private static NDArray unscaled(NDArray grad, float scale) {
        return scale == 1f ? grad : grad.div(scale);
    }

    private boolean gradientsFinite(WideDeepModel.Forward forward, float[] wideGradients) {
        for (float g : wideGradients) {
            if (!Float.isFinite(g)) {
                return false;
            }
        }
        NDArray total = null;
        for (Pair<String, Parameter> p : blockParameters) {
            NDArray s = p.getValue().getArray().getGradient().sum();
            total = total == null ? s : total.add(s);
        }
        if (forward.embeddingRows() != null) {
            total = total.add(forward.embeddingRows().getGradient().sum());
        }
        return Float.isFinite(total.getFloat());
    }

    private void zeroBlockGradients() {
        for (Pair<String, Parameter> p : blockParameters) {
            NDArray weight = p.getValue().getArray();
            if (weight.hasGradient()) {
                JniUtils.zeroGrad((PtNDArray) weight);
            }
        }
    }

    /** Mean sigmoid cross-entropy from logits, numerically stable: {@code max(x,0) - x*y + log(1 + exp(-|x|))}. */
    static NDArray sigmoidCrossEntropy(NDArray logits, NDArray labels) {
        return Activation.relu(logits)
                .sub(logits.mul(labels))
                .add(Activation.softPlus(logits.abs().neg()))
                .mean();
    }

    /**
     * P(click) per row with the current parameters (dropout off); labels, if any, are ignored. Does not change
     * the model.
     */
    public float[] predict(Batch batch) {
        ensureOpen();
        return predict(model, batch);
    }

    static float[] predict(WideDeepModel model, Batch batch) {
        if (batch.size() == 0) {
            BatchEncoder.validate(model.layout, batch);
            return new float[0];
        }
        boolean previousGradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDManager scope = model.manager.newSubManager()) {
            scope.tempAttachAll(model.persistentArrays());
            NDArray logits = model.predictLogits(scope, batch);
            return Activation.sigmoid(logits).toType(DataType.FLOAT32, false).toFloatArray();
        } finally {
            JniUtils.setGradMode(previousGradMode);
        }
    }

    /**
     * Writes every parameter by name: {@code block/<djl name>} for the MLP and the wide dense weights,
     * {@code embedding/<feature>} ({@code [buckets, dim]}) and {@code wide/<feature>} ({@code [buckets]}).
     */
    public void writeParameters(TensorSink sink) throws IOException {
        ensureOpen();
        try (NDManager scope = model.manager.newSubManager()) {
            scope.tempAttachAll(persistentArrays());
            for (Map.Entry<String, NDArray> e : model.namedParameters(scope).arrays().entrySet()) {
                sink.write(e.getKey(), e.getValue());
            }
        }
    }

    /**
     * Writes what changed since the last {@link #clearChangedRows()} (or since creation or restore), a parameter
     * delta: every {@code block/<djl name>} tensor in full (the MLP and the wide dense weights change at every step),
     * and per categorical feature only the table rows that training updated, as {@code embedding/<feature>/rows}
     * (int64 bucket ids, ascending) with {@code embedding/<feature>/values} ({@code [rows, dim]}) and
     * {@code wide/<feature>/rows} with {@code wide/<feature>/values} ({@code [rows]}); a feature with no updated row
     * writes nothing. Applying the delta to the parameters as they were at the last clear gives exactly the current
     * parameters ({@link ServingModel#withDeltas}): the row-sparse optimizers change no other row. Copies only
     * those rows out of native memory.
     */
    public void writeParameterDelta(TensorSink sink) throws IOException {
        ensureOpen();
        try (NDManager scope = model.manager.newSubManager()) {
            scope.tempAttachAll(persistentArrays());
            for (Pair<String, Parameter> p : blockParameters) {
                sink.write(WideDeepModel.BLOCK_PREFIX + p.getKey(), p.getValue().getArray());
            }
            model.writeChangedRows(scope, sink, changedEmbeddingRows, changedWideRows);
        }
    }

    /**
     * Forgets which rows changed: the next {@link #writeParameterDelta} is relative to the parameters as they are
     * now. Called by the checkpoint store after every model version it writes.
     */
    public void clearChangedRows() {
        changedEmbeddingRows.clear();
        changedWideRows.clear();
    }

    /** How many embedding sub-rows and wide rows changed since the last clear (for logs and tests). */
    public long changedRowCount() {
        return changedEmbeddingRows.cardinality() + (long) changedWideRows.cardinality();
    }

    /**
     * Writes the optimizer state by name: {@code <parameter>/adagrad_accumulator} for the deep part,
     * {@code <parameter>/ftrl_accumulator} and {@code <parameter>/ftrl_linear} for the wide part, and, with mixed
     * precision, {@code amp/loss_scale} and {@code amp/good_steps}.
     */
    public void writeOptimizerState(TensorSink sink) throws IOException {
        ensureOpen();
        try (NDManager scope = model.manager.newSubManager()) {
            scope.tempAttachAll(persistentArrays());
            for (Map.Entry<String, NDArray> e : namedOptimizerState(scope).arrays().entrySet()) {
                sink.write(e.getKey(), e.getValue());
            }
            LossScaler scaler = lossScaler;
            if (scaler != null) {
                sink.write(LOSS_SCALE, scope.create(new float[] {scaler.scale()}));
                sink.write(LOSS_SCALE_GOOD_STEPS, scope.create(new long[] {scaler.goodSteps()}));
            }
        }
    }

    private NamedTensors namedOptimizerState(NDManager scope) {
        NamedTensors named = new NamedTensors(scope);
        for (Pair<String, Parameter> p : blockParameters) {
            String name = WideDeepModel.BLOCK_PREFIX + p.getKey();
            NDArray weight = p.getValue().getArray();
            String id = p.getValue().getId();
            if (WideDeepBlock.isWideParameter(p.getKey())) {
                named.device(name + FTRL_ACCUMULATOR, ftrl.accumulator(id, weight));
                named.device(name + FTRL_LINEAR, ftrl.linear(id, weight));
            } else {
                named.device(name + ADAGRAD_ACCUMULATOR, adagrad.accumulator(id, weight));
            }
        }
        model.addTables(named, embeddingAccumulators, null, ADAGRAD_ACCUMULATOR);
        model.addTables(named, null, wideAccumulators, FTRL_ACCUMULATOR);
        model.addTables(named, null, wideLinears, FTRL_LINEAR);
        return named;
    }

    private NDArray[] persistentArrays() {
        List<NDArray> arrays = model.persistentArraysList();
        for (Pair<String, Parameter> p : blockParameters) {
            String id = p.getValue().getId();
            NDArray weight = p.getValue().getArray();
            if (WideDeepBlock.isWideParameter(p.getKey())) {
                arrays.add(ftrl.accumulator(id, weight));
                arrays.add(ftrl.linear(id, weight));
            } else {
                arrays.add(adagrad.accumulator(id, weight));
            }
        }
        if (embeddingAccumulators != null) {
            arrays.add(embeddingAccumulators);
        }
        return arrays.toArray(new NDArray[0]);
    }

    /** Batches trained so far: TensorFlow's global step. */
    public long step() {
        return step;
    }

    /** Examples trained so far. */
    public long examplesTrained() {
        return examplesTrained;
    }

    /** The feature spec the model reads. */
    public FeatureSpec spec() {
        return model.spec;
    }

    /** The model's configuration. */
    public ModelConfig config() {
        return model.config;
    }

    /** The dense block (read-only use: inspection, tests). */
    public WideDeepBlock block() {
        return model.block;
    }

    /** Arrays held by the model's native memory manager and its children (tests: memory must not grow). */
    int liveArrayCount() {
        return model.manager.getManagedArrays().size();
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("trainer is closed");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        adagrad.close();
        ftrl.close();
        model.close();
    }
}
