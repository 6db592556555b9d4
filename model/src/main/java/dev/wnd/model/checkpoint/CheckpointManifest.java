package dev.wnd.model.checkpoint;

import dev.wnd.model.ModelConfig;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.Objects;

/**
 * The JSON manifest ({@code manifest.json}) of one checkpoint: what was trained, from where in the stream, with
 * which code, and the size and SHA-256 of every other file. Its own SHA-256 is in {@code manifest.sha256}.
 * Immutable.
 *
 * @param formatVersion checkpoint format version ({@link CheckpointStore#FORMAT_VERSION})
 * @param version the checkpoint's version string, equal to its directory name; scores carry it as model version
 * @param generation position in the store's sequence of checkpoints (1, 2, ...); newer is larger
 * @param step the trainer's global step (batches trained)
 * @param examplesTrained examples trained
 * @param seed the initialisation seed (also in {@code modelConfig})
 * @param modelConfig every hyperparameter
 * @param featureSpec version and hash of the feature spec the model reads
 * @param offsets consumed input offsets: for each "topic-partition", the next offset to read
 * @param epoch the pass over the input that {@code offsets} lie in, 0-based (0 for the first and, without
 *     {@code --epochs}, only pass; 0 in manifests written before passes were recorded)
 * @param streamTime the stream time reached (e.g. the latest event time trained on); null if the caller had none
 * @param createdAt wall-clock time of the save
 * @param provenance the software that wrote it
 * @param files size and SHA-256 of every data file, by file name
 * @param baseVersion for a delta serving snapshot, the version it applies on (it holds only what changed since
 *     then); null for a checkpoint or a full serving snapshot, and in manifests written before deltas existed
 */
public record CheckpointManifest(
        int formatVersion,
        String version,
        long generation,
        long step,
        long examplesTrained,
        long seed,
        ModelConfig modelConfig,
        SpecRef featureSpec,
        Map<String, Long> offsets,
        int epoch,
        Instant streamTime,
        Instant createdAt,
        Provenance provenance,
        Map<String, FileDigest> files,
        String baseVersion) {

    public CheckpointManifest {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(modelConfig, "modelConfig");
        Objects.requireNonNull(featureSpec, "featureSpec");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(provenance, "provenance");
        offsets = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(offsets, "offsets")));
        for (Map.Entry<String, Long> e : offsets.entrySet()) {
            if (e.getValue() == null || e.getValue() < 0) {
                throw new IllegalArgumentException("offset of " + e.getKey() + " must be >= 0, got " + e.getValue());
            }
        }
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
        }
        files = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(files, "files")));
        if (baseVersion != null && baseVersion.equals(version)) {
            throw new IllegalArgumentException("a delta cannot apply on itself: " + version);
        }
    }

    /** Whether this is a delta serving snapshot (see {@link #baseVersion()}). */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isDelta() {
        return baseVersion != null;
    }

    /**
     * The feature spec a model was trained with.
     *
     * @param version {@link dev.wnd.features.spec.FeatureSpec#version()}
     * @param hash {@link dev.wnd.features.spec.FeatureSpec#hash()}
     */
    public record SpecRef(String version, String hash) {
    }

    /**
     * Who wrote a checkpoint.
     *
     * @param javaVersion {@code java.version}
     * @param djlVersion DJL's version
     * @param engine the DJL engine and its version, e.g. "PyTorch 2.7.1"
     * @param os operating system and architecture
     */
    public record Provenance(String javaVersion, String djlVersion, String engine, String os) {
    }

    /**
     * Size and checksum of one file.
     *
     * @param bytes size in bytes
     * @param sha256 lower-case hex SHA-256
     */
    public record FileDigest(long bytes, String sha256) {
    }
}
