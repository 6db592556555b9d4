package dev.wnd.model;

import ai.djl.ndarray.NDManager;
import dev.wnd.features.spec.FeatureSpec;
import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * Scores batches with one fixed model version: the scorer's {@link ClickPredictor}. Holds its own copy of the
 * parameters (no optimizer state), loaded from a {@link TensorSource}, typically a checkpoint (see
 * {@code dev.wnd.model.checkpoint.LoadedCheckpoint#newPredictor}).
 *
 * <p><b>Threading.</b> Thread-confined, like a DJL {@code Predictor}: use one instance per scoring thread (each
 * holds a full copy of the tables: about 0.35 GB for the seed spec). {@link #predict} only reads the parameters.
 *
 * <p><b>Lifecycle.</b> {@link #close()} frees the native memory; closing twice is harmless.
 */
public final class WideDeepPredictor implements ClickPredictor {

    /**
     * Batches of up to this many rows go through {@link HostMlp} when it is available; larger ones through
     * libtorch, whose matrix product wins once the weights' repacking is spread over enough rows (BENCHMARKS.md).
     */
    static final int HOST_MAX_ROWS = 32;

    /**
     * Whether the JVM was started with {@code --add-modules jdk.incubator.vector} ({@code ./wnd} adds it for the
     * commands that score) on a CPU with native 256-bit vectors. Checked before {@link HostMlp} is loaded.
     */
    static final boolean HOST_VECTORS = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && HostMlp.vectorsAreNative();

    private final WideDeepModel model;
    private final String modelVersion;
    /** The MLP on the host for small batches; null when unavailable (see {@link #hostMlpFor}). */
    private final HostMlp hostMlp;
    private boolean closed;

    private WideDeepPredictor(WideDeepModel model, String modelVersion) {
        this(model, modelVersion, hostMlpFor(model));
    }

    private WideDeepPredictor(WideDeepModel model, String modelVersion, HostMlp hostMlp) {
        this.model = model;
        this.modelVersion = modelVersion;
        this.hostMlp = hostMlp;
    }

    /**
     * The host MLP of a CPU float32 model whose block {@link HostMlp#fits fits}, when the vector module is there;
     * otherwise null and every batch goes through libtorch.
     */
    private static HostMlp hostMlpFor(WideDeepModel model) {
        if (!HOST_VECTORS || model.config.amp() || model.config.djlDevice().isGpu() || !HostMlp.fits(model.block)) {
            return null;
        }
        return HostMlp.of(model.block);
    }

    /** Whether small batches are computed on the host ({@link HostMlp}) rather than by libtorch. */
    public boolean computesOnHost() {
        return hostMlp != null;
    }

    /**
     * Loads the parameters written by {@link WideDeepTrainer#writeParameters}. The config's device decides where
     * the predictor computes (a GPU-trained model can be served with {@code config.toBuilder().device("cpu")}).
     *
     * @throws IllegalArgumentException if the tensors do not match the spec and config
     */
    public static WideDeepPredictor load(FeatureSpec spec, ModelConfig config, String modelVersion,
            TensorSource parameters) throws IOException {
        Objects.requireNonNull(modelVersion, "modelVersion");
        WideDeepModel model = WideDeepModel.allocate(spec, config);
        try {
            try (NDManager scope = model.manager.newSubManager()) {
                scope.tempAttachAll(model.persistentArrays());
                NamedTensors named = model.namedParameters(scope);
                WideDeepTrainer.readAll(parameters, named.arrays(), "parameters");
                named.commitHost();
            }
            return new WideDeepPredictor(model, modelVersion);
        } catch (IOException | RuntimeException | Error e) {
            model.close();
            throw e;
        }
    }

    /**
     * A new predictor labelled {@code version} holding this one's parameters with a parameter delta applied (as
     * written by {@link WideDeepTrainer#writeParameterDelta} relative to exactly this predictor's parameters). The
     * delta is applied to a fresh copy, never to this predictor, which keeps serving unchanged; if the delta does
     * not fit, the copy is freed and the exception thrown. Cost: one native copy of the tables (no disk read) plus
     * the delta's rows.
     *
     * @throws IllegalArgumentException if the delta does not fit the spec and config
     */
    public WideDeepPredictor withDelta(TensorSource delta, String version) throws IOException {
        return withDeltas(List.of(delta), version);
    }

    /**
     * As {@link #withDelta}, applying a chain of deltas in order (each relative to the parameters the previous one
     * made, the first relative to this predictor's) to one copy: the tables are copied once however long the chain.
     *
     * @throws IllegalArgumentException if a delta does not fit the spec and config
     */
    public WideDeepPredictor withDeltas(List<? extends TensorSource> deltas, String version) throws IOException {
        Objects.requireNonNull(version, "version");
        ensureOpen();
        WideDeepModel copy = model.copy();
        try {
            for (TensorSource delta : deltas) {
                copy.applyDelta(delta);
            }
            return new WideDeepPredictor(copy, version);
        } catch (IOException | RuntimeException | Error e) {
            copy.close();
            throw e;
        }
    }

    /**
     * An independent predictor with the same parameters and version (one native copy of the tables, no disk read),
     * e.g. for another scoring thread. This predictor is only read: call it from the thread that owns this
     * predictor, or guard it so that it is neither closed nor used concurrently meanwhile.
     */
    public WideDeepPredictor copy() {
        ensureOpen();
        return new WideDeepPredictor(model.copy(), modelVersion, hostMlp); // same parameters: HostMlp is immutable
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("predictor is closed");
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if the batch does not fit the spec
     */
    @Override
    public float[] predict(Batch batch) {
        if (closed) {
            throw new IllegalStateException("predictor is closed");
        }
        if (hostMlp != null && batch.size() > 0 && batch.size() <= HOST_MAX_ROWS) {
            float[] probabilities = model.predictOnHost(batch, hostMlp);
            if (probabilities != null) {
                return probabilities;
            }
        }
        return WideDeepTrainer.predict(model, batch);
    }

    @Override
    public String modelVersion() {
        return modelVersion;
    }

    @Override
    public String specHash() {
        return model.spec.hash();
    }

    /** The feature spec the model reads. */
    public FeatureSpec spec() {
        return model.spec;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            model.close();
        }
    }
}
