package dev.wnd.model.checkpoint;

import dev.wnd.features.spec.FeatureSpec;
import java.nio.file.Path;

/**
 * A checkpoint as stored: its version string (the directory name), its directory and its manifest. Immutable.
 *
 * @param version the model version string, e.g. {@code ckpt-0000000012-s4500}
 * @param directory the checkpoint's directory
 * @param manifest its manifest
 */
public record CheckpointInfo(String version, Path directory, CheckpointManifest manifest) {

    /**
     * Refuses a feature spec other than the one this version was trained with: the one check every loader of a
     * stored version (trainer, predictor, delta) makes before it reads tensors.
     *
     * @throws IllegalArgumentException naming this version and both specs, if the hashes differ
     */
    public void requireFeatureSpec(FeatureSpec spec) {
        CheckpointManifest.SpecRef saved = manifest.featureSpec();
        if (!spec.hash().equals(saved.hash())) {
            throw new IllegalArgumentException(version + " was trained with feature spec " + saved.version()
                    + " (hash " + saved.hash() + "), not " + spec.version() + " (hash " + spec.hash() + ")");
        }
    }
}
