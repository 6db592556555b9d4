package dev.wnd.model.checkpoint;

import java.nio.file.Path;

/**
 * A checkpoint as stored: its version string (the directory name), its directory and its manifest. Immutable.
 *
 * @param version the model version string, e.g. {@code ckpt-0000000012-s4500}
 * @param directory the checkpoint's directory
 * @param manifest its manifest
 */
public record CheckpointInfo(String version, Path directory, CheckpointManifest manifest) {
}
