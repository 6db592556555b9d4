package dev.wnd.model;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;

/**
 * One scoring thread's handle on a {@link ServingModel}: scores with that version's shared tables and block, and
 * holds only its own native scratch memory for libtorch passes (made at the first one). Taking one costs nothing
 * ({@link ServingModel#newPredictor()}); every answer of a predictor comes from its one version, whatever versions
 * are derived or loaded meanwhile.
 *
 * <p><b>Threading.</b> Thread-confined, like a DJL {@code Predictor}: use it from one thread at a time.
 *
 * <p><b>Lifecycle.</b> {@link #close()} frees the scratch memory and gives the version back (its native block is
 * freed when the version and all its predictors are closed); closing twice is harmless.
 */
public final class ServingPredictor implements ClickPredictor {

    private final ServingModel model;
    private final boolean hostMlp;
    private NDManager scratch;
    private boolean closed;

    ServingPredictor(ServingModel model, boolean hostMlp) {
        this.model = model;
        this.hostMlp = hostMlp;
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
        return model.predict(batch, hostMlp, this);
    }

    /** This predictor's native memory for libtorch passes, made at the first. */
    NDManager scratch() {
        if (scratch == null) {
            scratch = NDManager.newBaseManager(Device.cpu(), "PyTorch");
            scratch.setName("serving-predictor");
        }
        return scratch;
    }

    /** Whether small batches are computed on the host ({@link HostMlp}) rather than by libtorch. */
    public boolean computesOnHost() {
        return hostMlp;
    }

    @Override
    public String modelVersion() {
        return model.version();
    }

    @Override
    public String specHash() {
        return model.spec().hash();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (scratch != null) {
                scratch.close();
                scratch = null;
            }
            model.release();
        }
    }

    @Override
    public String toString() {
        return "ServingPredictor[" + model.version() + "]";
    }
}
