package dev.wnd.model.checkpoint;

import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.model.ModelConfig;
import dev.wnd.model.ServingModel;
import dev.wnd.model.WideDeepPredictor;
import java.io.IOException;

/**
 * A model version a scorer can serve, from a checkpoint or a serving snapshot, whose manifest and parameters passed
 * verification ({@link CheckpointStore#loadServable}); the optimizer state, if any, was neither read nor checked.
 * Holds no native memory and no open files: the parameters are read from disk when a predictor is built, which
 * fails with an {@link IOException} if the directory was deleted meanwhile (pruned by the learner); the reader then
 * loads a newer version. Immutable and thread-safe.
 */
public final class ServableModel {

    private final CheckpointInfo info;
    private final TensorFileReader parameters;

    ServableModel(CheckpointInfo info, TensorFileReader parameters) {
        this.info = info;
        this.parameters = parameters;
    }

    /** Version, directory and manifest. */
    public CheckpointInfo info() {
        return info;
    }

    /** The manifest. */
    public CheckpointManifest manifest() {
        return info.manifest();
    }

    /** The model version string (the directory name): {@code ckpt-...} or {@code snap-...}. */
    public String version() {
        return info.version();
    }

    /**
     * A predictor serving these parameters, labelled with the version; one per scoring thread.
     *
     * @throws IllegalArgumentException if {@code spec} differs from the one the model was trained with
     */
    public WideDeepPredictor newPredictor(FeatureSpec spec) throws IOException {
        return newPredictor(spec, info.manifest().modelConfig());
    }

    /** As {@link #newPredictor(FeatureSpec)} with another config of the same shape (e.g. device "cpu"). */
    public WideDeepPredictor newPredictor(FeatureSpec spec, ModelConfig config) throws IOException {
        info.requireFeatureSpec(spec);
        return WideDeepPredictor.load(spec, config, info.version(), parameters);
    }

    /**
     * These parameters as a scorer serves them, labelled with the version: one {@link ServingModel} that any number
     * of scoring threads share, and from which the following deltas are derived ({@link ServableDelta#applyChain}).
     *
     * @throws IllegalArgumentException if {@code spec} differs from the one the model was trained with
     */
    public ServingModel loadServing(FeatureSpec spec) throws IOException {
        info.requireFeatureSpec(spec);
        return ServingModel.load(spec, info.manifest().modelConfig(), info.version(), parameters);
    }

    @Override
    public String toString() {
        return "ServableModel[" + info.version() + " at " + info.directory() + "]";
    }
}
