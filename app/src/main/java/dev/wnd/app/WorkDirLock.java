package dev.wnd.app;

import dev.wnd.schemas.lock.DirectoryLock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ownership of a work directory: while a command holds it, that command alone may start the embedded cluster in it,
 * run Streams stages on its state directories, or reset it. A second command on the same directory is refused with
 * a message naming the holder, and never deletes the holder's data.
 *
 * <p>A {@link DirectoryLock} on {@value #FILE} inside the directory: released when the holder closes it or its
 * process dies, even by SIGKILL, so a stale lock file never blocks a later command; the file records who holds it
 * (pid, command line, since when) for the refusal message. Not reentrant: one holder per directory, also within one
 * JVM.
 */
public final class WorkDirLock implements AutoCloseable {

    /** The lock file inside the work directory; {@link #resetContents()} keeps it. */
    public static final String FILE = ".wnd-lock";

    private static final Logger LOG = LoggerFactory.getLogger(WorkDirLock.class);

    private final Path dir;
    private final DirectoryLock lock;

    private WorkDirLock(Path dir, DirectoryLock lock) {
        this.dir = dir;
        this.lock = lock;
    }

    /**
     * Takes the work directory {@code dir}, creating it if needed.
     *
     * @throws WorkDirBusyException when another command (in this process or another) holds it
     * @throws UncheckedIOException when the directory or its lock file cannot be created
     */
    public static WorkDirLock claim(Path dir) {
        try {
            return new WorkDirLock(dir, DirectoryLock.acquire(dir, FILE, DirectoryLock.describeThisProcess()));
        } catch (DirectoryLock.LockedException e) {
            throw new WorkDirBusyException(dir, e.holder());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock the work directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The directory this lock holds. */
    public Path dir() {
        return dir;
    }

    /**
     * Deletes everything inside the directory but the lock file, saying so, so that nothing of an earlier run is
     * reused. Only the holder can call it, so a running command's data is never deleted.
     */
    public void resetContents() {
        try (Stream<Path> entries = Files.list(dir)) {
            List<Path> old = entries.filter(p -> !p.getFileName().toString().equals(FILE)).toList();
            if (!old.isEmpty()) {
                LOG.info("resetting the work directory {} (nothing of a previous run is reused)", dir);
            }
            for (Path p : old) {
                deleteTree(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reset the work directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Deletes {@code path} and everything below it, if it exists. */
    public static void deleteTree(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Releases the directory; idempotent. The lock file stays (it locks nothing once released). */
    @Override
    public void close() {
        try {
            lock.close();
        } catch (IOException e) {
            LOG.warn("cannot release the lock on {}: {}", dir, e.toString());
        }
    }

    /** A command was refused a work directory that another one holds. */
    public static final class WorkDirBusyException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        WorkDirBusyException(Path dir, String holder) {
            super("the work directory " + dir + " is in use by " + holder + "; wait for it to finish, stop it, or "
                    + "give this command its own --work-dir");
        }
    }
}
