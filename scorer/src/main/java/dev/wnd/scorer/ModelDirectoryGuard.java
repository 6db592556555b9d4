package dev.wnd.scorer;

import dev.wnd.model.checkpoint.CheckpointStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Decides which announced paths a scorer may load: only a model version directly in its own model directory. A path
 * is resolved the way the learner wrote it (absolute, or relative to the working directory), its directory with
 * every symbolic link and {@code ..} resolved must be the model directory's real path, its last element must be a
 * version name equal to the announced version, and that element must not itself be a symbolic link. So {@code ..},
 * absolute paths elsewhere, links out of the directory, the file-system root and strings that are no path are all
 * refused before anything is read. Immutable and thread-safe.
 */
final class ModelDirectoryGuard {

    private final Path modelDir;
    private final Path realModelDir;

    /**
     * @param modelDir the scorer's model directory, which must exist
     * @throws IOException if its real path cannot be resolved
     */
    ModelDirectoryGuard(Path modelDir) throws IOException {
        this.modelDir = modelDir;
        this.realModelDir = modelDir.toRealPath();
    }

    /**
     * Where the version that an announcement names would be, if the announcement may name it: the checks of the
     * class comment, without looking at whether the version exists.
     *
     * @param path the announced path
     * @param version the announced version
     * @return the version's directory inside the model directory (by its real path)
     * @throws ModelRefusal {@link ModelRefusal.Cause#MALFORMED} or {@link ModelRefusal.Cause#OUTSIDE_MODEL_DIRECTORY}
     */
    Path locate(String path, String version) throws ModelRefusal {
        if (path == null || path.isBlank()) {
            throw new ModelRefusal(ModelRefusal.Cause.MALFORMED, "the announcement names no path");
        }
        Path p;
        try {
            p = Path.of(path);
        } catch (InvalidPathException e) {
            throw new ModelRefusal(ModelRefusal.Cause.MALFORMED, "not a path: " + e.getReason());
        }
        Path name = p.getFileName();
        if (name == null) {
            throw new ModelRefusal(ModelRefusal.Cause.OUTSIDE_MODEL_DIRECTORY, "not a version directory in the model"
                    + " directory " + modelDir);
        }
        String versionName = name.toString();
        if (CheckpointStore.generationOf(versionName).isEmpty()) {
            throw new ModelRefusal(ModelRefusal.Cause.MALFORMED, "names " + versionName + ", not a model version "
                    + "(ckpt-, snap- or delta-<generation>-s<step>)");
        }
        if (!versionName.equals(version)) {
            throw new ModelRefusal(ModelRefusal.Cause.MALFORMED, "announced as version " + version + " but its path "
                    + "names " + versionName);
        }
        Path parent = p.toAbsolutePath().getParent();
        Path realParent;
        try {
            realParent = parent == null ? null : parent.toRealPath();
        } catch (IOException | SecurityException e) {
            realParent = null;
        }
        if (realParent == null || !realParent.equals(realModelDir)) {
            throw new ModelRefusal(ModelRefusal.Cause.OUTSIDE_MODEL_DIRECTORY, "not in the model directory "
                    + realModelDir + (realParent == null ? "" : ": its directory is " + realParent));
        }
        Path dir = realModelDir.resolve(versionName);
        if (Files.isSymbolicLink(dir)) {
            throw new ModelRefusal(ModelRefusal.Cause.OUTSIDE_MODEL_DIRECTORY, "a symbolic link"
                    + linkTarget(dir) + ", not a version written in the model directory " + realModelDir);
        }
        return dir;
    }

    /**
     * Refuses a located version directory that does not exist (pruned by the learner, or never written).
     *
     * @param dir what {@link #locate} returned
     * @throws ModelRefusal {@link ModelRefusal.Cause#UNLOADABLE} if it does not exist
     */
    void requireExists(Path dir) throws ModelRefusal {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new ModelRefusal(ModelRefusal.Cause.UNLOADABLE, "no such version directory in " + realModelDir
                    + " (pruned by the learner, or never written)");
        }
    }

    private static String linkTarget(Path link) {
        try {
            return " to " + Files.readSymbolicLink(link);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
