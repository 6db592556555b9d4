package dev.wnd.model.checkpoint;

import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.model.ModelConfig;
import dev.wnd.model.TensorSource;
import dev.wnd.model.WideDeepPredictor;
import dev.wnd.model.WideDeepTrainer;
import java.io.IOException;
import java.util.Map;

/**
 * A checkpoint whose every file passed verification (sizes, SHA-256, format), ready to restore a trainer or to
 * build predictors. Holds no native memory and no open files: tensors are read from disk when a trainer or
 * predictor is built, which fails with an {@link IOException} if the directory was deleted meanwhile (e.g. pruned
 * by the learner). Immutable and thread-safe.
 */
public final class LoadedCheckpoint {

    private final CheckpointInfo info;
    private final TensorFileReader parameters;
    private final TensorFileReader optimizerState;

    LoadedCheckpoint(CheckpointInfo info, TensorFileReader parameters, TensorFileReader optimizerState) {
        this.info = info;
        this.parameters = parameters;
        this.optimizerState = optimizerState;
    }

    /** Version, directory and manifest. */
    public CheckpointInfo info() {
        return info;
    }

    /** The manifest. */
    public CheckpointManifest manifest() {
        return info.manifest();
    }

    /** The model version string (the directory name). */
    public String version() {
        return info.version();
    }

    /** Consumed offsets per "topic-partition" (the next offset to read): where the learner resumes. */
    public Map<String, Long> offsets() {
        return info.manifest().offsets();
    }

    /** The pass over the input that {@link #offsets()} lie in, 0-based. */
    public int epoch() {
        return info.manifest().epoch();
    }

    /** The model's configuration as saved. */
    public ModelConfig modelConfig() {
        return info.manifest().modelConfig();
    }

    /** The parameters, by name. */
    public TensorSource parameters() {
        return parameters;
    }

    /** The optimizer state, by name. */
    public TensorSource optimizerState() {
        return optimizerState;
    }

    /**
     * A trainer in exactly the saved state (parameters, optimizer state, step, examples), to continue training.
     *
     * @param spec the feature spec; must have the hash the checkpoint was trained with
     * @throws IllegalArgumentException if {@code spec} differs from the checkpoint's
     */
    public WideDeepTrainer restoreTrainer(FeatureSpec spec) throws IOException {
        return restoreTrainer(spec, modelConfig());
    }

    /**
     * As {@link #restoreTrainer(FeatureSpec)}, with another config of the same shape (e.g. another device); the
     * tensors must fit it.
     */
    public WideDeepTrainer restoreTrainer(FeatureSpec spec, ModelConfig config) throws IOException {
        info.requireFeatureSpec(spec);
        CheckpointManifest m = info.manifest();
        return WideDeepTrainer.restore(spec, config, m.step(), m.examplesTrained(), parameters, optimizerState);
    }

    /**
     * A predictor serving this checkpoint's parameters, labelled with its version; one per scoring thread.
     *
     * @throws IllegalArgumentException if {@code spec} differs from the checkpoint's
     */
    public WideDeepPredictor newPredictor(FeatureSpec spec) throws IOException {
        return newPredictor(spec, modelConfig());
    }

    /** As {@link #newPredictor(FeatureSpec)} with another config of the same shape (e.g. device "cpu"). */
    public WideDeepPredictor newPredictor(FeatureSpec spec, ModelConfig config) throws IOException {
        info.requireFeatureSpec(spec);
        return WideDeepPredictor.load(spec, config, info.version(), parameters);
    }

    @Override
    public String toString() {
        return "LoadedCheckpoint[" + info.version() + " at " + info.directory() + "]";
    }
}
