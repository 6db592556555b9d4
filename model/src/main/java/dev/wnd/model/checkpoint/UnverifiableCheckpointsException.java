package dev.wnd.model.checkpoint;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A model directory that holds checkpoints, none of which verifies ({@link CheckpointStore#loadForResume}). A
 * learner must stop here rather than start a fresh model: the fresh model's versions would have larger generations
 * than everything in the directory, so scorers would switch to an untrained model, and the damaged checkpoints would
 * soon be pruned.
 */
public final class UnverifiableCheckpointsException extends IOException {

    private final Path directory;
    private final List<String> reasons;

    /**
     * @param directory the model directory
     * @param reasons for each checkpoint, newest first, its name and why it fails verification
     */
    public UnverifiableCheckpointsException(Path directory, List<String> reasons) {
        super("none of the " + reasons.size() + " checkpoints in " + directory + " verifies (" + String.join("; ",
                reasons) + "). Not starting a fresh model over them: its versions would be newer than these, and "
                + "scorers would switch to an untrained model. Restore a good checkpoint into " + directory
                + " (e.g. from a backup), or, to start over on purpose, move the directory aside (or delete its "
                + "ckpt-* directories) and restart the scorers too");
        this.directory = directory;
        this.reasons = List.copyOf(reasons);
    }

    /** The model directory. */
    public Path directory() {
        return directory;
    }

    /** For each checkpoint, newest first, its name and why it fails verification. */
    public List<String> reasons() {
        return reasons;
    }
}
