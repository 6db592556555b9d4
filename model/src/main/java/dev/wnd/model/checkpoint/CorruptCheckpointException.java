package dev.wnd.model.checkpoint;

import java.io.IOException;

/** A checkpoint directory that fails verification: missing or extra files, wrong size or checksum, bad format. */
public final class CorruptCheckpointException extends IOException {

    public CorruptCheckpointException(String message) {
        super(message);
    }
}
