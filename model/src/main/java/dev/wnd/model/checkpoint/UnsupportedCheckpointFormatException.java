package dev.wnd.model.checkpoint;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A checkpoint written in a format version this code does not read: intact (its manifest's digest checks out), but
 * from another build. Not corruption: a learner must stop rather than skip it, since falling back to an older
 * checkpoint would silently throw away the other build's training.
 */
public final class UnsupportedCheckpointFormatException extends IOException {

    private final Path directory;
    private final int found;
    private final int supported;

    /**
     * @param directory the checkpoint's directory
     * @param found its manifest's format version
     * @param supported the format version this code reads ({@link CheckpointStore#FORMAT_VERSION})
     */
    public UnsupportedCheckpointFormatException(Path directory, int found, int supported) {
        super("checkpoint " + directory + " has format version " + found + ", this build reads format version "
                + supported + ": it was written by " + (found > supported ? "a newer" : "an older")
                + " build of wnd; run that build on " + directory.getParent() + ", or start this one on a new model"
                + " directory");
        this.directory = directory;
        this.found = found;
        this.supported = supported;
    }

    /** The checkpoint's directory. */
    public Path directory() {
        return directory;
    }

    /** The format version in its manifest. */
    public int found() {
        return found;
    }

    /** The format version this code reads. */
    public int supported() {
        return supported;
    }
}
