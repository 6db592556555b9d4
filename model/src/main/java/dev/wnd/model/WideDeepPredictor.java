package dev.wnd.model;

import ai.djl.ndarray.NDManager;
import dev.wnd.features.spec.FeatureSpec;
import java.io.IOException;
import java.util.Objects;

/**
 * Scores batches with one fixed model version, on the device its config names: for evaluation and offline
 * prediction. Holds its own copy of the parameters (no optimizer state), loaded from a {@link TensorSource},
 * typically a checkpoint (see {@code dev.wnd.model.checkpoint.LoadedCheckpoint#newPredictor}). The scorer serves
 * {@link ServingModel}s instead, which its threads share and which deltas update at the cost of their rows.
 *
 * <p><b>Threading.</b> Thread-confined, like a DJL {@code Predictor}: use one instance per thread (each holds a full
 * copy of the tables: about 0.35 GB for the seed spec). {@link #predict} only reads the parameters.
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
        this.model = model;
        this.modelVersion = modelVersion;
        this.hostMlp = hostMlpFor(model);
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
