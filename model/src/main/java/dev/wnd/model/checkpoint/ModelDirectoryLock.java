package dev.wnd.model.checkpoint;

import dev.wnd.schemas.lock.DirectoryLock;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The one writer's claim on a model directory: a {@link DirectoryLock} on {@value #LOCK_FILE} in it, held from
 * {@link #acquire} until {@link #close()}. Two learners on one directory would delete each other's temporary
 * checkpoints, write clashing generations and announce versions the scorers cannot order. The lock goes away when its
 * holder closes it or its process ends, however it ends; the file only describes the last holder. Thread-safe.
 */
public final class ModelDirectoryLock implements AutoCloseable {

    /** The lock file's name in the model directory. */
    public static final String LOCK_FILE = "learner.lock";

    private final DirectoryLock lock;

    private ModelDirectoryLock(DirectoryLock lock) {
        this.lock = lock;
    }

    /**
     * Locks {@code modelDir} (created if missing) for this process.
     *
     * @throws ModelDirectoryLockedException if another process, or another owner in this one, holds it; the message
     *     names the holder's pid and start time
     * @throws IOException if the lock file cannot be created or written
     */
    public static ModelDirectoryLock acquire(Path modelDir) throws IOException {
        try {
            return new ModelDirectoryLock(DirectoryLock.acquire(modelDir, LOCK_FILE,
                    DirectoryLock.describeThisProcess()));
        } catch (DirectoryLock.LockedException e) {
            throw new ModelDirectoryLockedException(modelDir, e);
        }
    }

    /**
     * What the lock file of {@code modelDir} records about the last process that locked it (the holder, if it is
     * still locked), without disturbing the lock (see {@link DirectoryLock#recordedHolder}).
     *
     * @return the record; empty if there is no lock file
     */
    public static Optional<String> recordedHolder(Path modelDir) throws IOException {
        return DirectoryLock.recordedHolder(modelDir, LOCK_FILE);
    }

    /** The lock file. */
    public Path file() {
        return lock.file();
    }

    /** The holder as recorded in the lock file: this process. */
    public String holder() {
        return lock.holder();
    }

    /** Releases the lock; the file stays. Idempotent. */
    @Override
    public void close() throws IOException {
        lock.close();
    }

    /** A model directory that another learner holds. */
    public static final class ModelDirectoryLockedException extends IOException {

        private static final long serialVersionUID = 1L;

        private final transient Path directory;

        ModelDirectoryLockedException(Path directory, DirectoryLock.LockedException cause) {
            super("model directory " + directory + " is in use by another learner (" + cause.holder()
                    + "; lock file " + directory.resolve(LOCK_FILE) + "): stop that learner first, or give this one "
                    + "another model directory. The lock goes away when that learner closes or its process ends",
                    cause);
            this.directory = directory;
        }

        /** The model directory. */
        public Path directory() {
            return directory;
        }
    }
}
