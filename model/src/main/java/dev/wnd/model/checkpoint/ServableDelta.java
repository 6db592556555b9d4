package dev.wnd.model.checkpoint;

import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.model.ServingModel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A delta serving snapshot whose manifest and {@code delta.bin} passed verification
 * ({@link CheckpointStore#loadServableDelta}): what changed since its base version. Holds no native memory and no
 * open files; {@link #applyTo} reads the file, which fails with an {@link IOException} if the learner pruned it
 * meanwhile. Immutable and thread-safe.
 */
public final class ServableDelta {

    private final CheckpointInfo info;
    private final TensorFileReader delta;

    ServableDelta(CheckpointInfo info, TensorFileReader delta) {
        this.info = info;
        this.delta = delta;
    }

    /** Version, directory and manifest. */
    public CheckpointInfo info() {
        return info;
    }

    /** The version this delta makes ({@code delta-...}). */
    public String version() {
        return info.version();
    }

    /** The version this delta applies on: a checkpoint, a full snapshot or another delta. */
    public String baseVersion() {
        return info.manifest().baseVersion();
    }

    /**
     * This version as a scorer serves it: {@code base} with the delta applied ({@link ServingModel#withDeltas});
     * {@code base} itself does not change and may keep serving.
     *
     * @throws IllegalArgumentException if {@code base} serves another version than {@link #baseVersion()}, if
     *     {@code spec} is not the one the model was trained with, or if the delta does not fit the model
     */
    public ServingModel applyTo(ServingModel base, FeatureSpec spec) throws IOException {
        return applyChain(base, List.of(this), spec);
    }

    /**
     * The version of the last delta of {@code chain}: {@code base} with every delta of the chain applied in order, in
     * one derivation whose cost is the rows of the chain, not the tables ({@link ServingModel#withDeltas}); {@code base}
     * does not change.
     *
     * @param chain deltas each on the previous one, the first on {@code base}'s version; not empty
     * @throws IllegalArgumentException if the chain is empty or broken, or as {@link #applyTo}
     */
    public static ServingModel applyChain(ServingModel base, List<ServableDelta> chain, FeatureSpec spec)
            throws IOException {
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("empty delta chain");
        }
        if (!spec.hash().equals(base.spec().hash())) {
            throw new IllegalArgumentException("base " + base.version() + " serves feature spec hash "
                    + base.spec().hash() + ", not " + spec.version() + " (hash " + spec.hash() + ")");
        }
        String at = base.version();
        List<TensorFileReader> files = new ArrayList<>();
        for (ServableDelta d : chain) {
            if (!d.baseVersion().equals(at)) {
                throw new IllegalArgumentException("delta " + d.version() + " applies on " + d.baseVersion()
                        + ", not on " + at);
            }
            d.info.requireFeatureSpec(spec);
            files.add(d.delta);
            at = d.version();
        }
        return base.withDeltas(files, at);
    }

    @Override
    public String toString() {
        return "ServableDelta[" + info.version() + " on " + baseVersion() + " at " + info.directory() + "]";
    }
}
