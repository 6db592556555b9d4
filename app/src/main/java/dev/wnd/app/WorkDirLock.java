package dev.wnd.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
 * <p>The lock is an operating-system file lock on {@value #FILE} inside the directory, so it is released when the
 * holder closes it or its process dies, even by SIGKILL: a stale lock file never blocks a later command. The file
 * also records who holds it (pid, command line, since when) for the refusal message.
 *
 * <p>Not reentrant: one holder per directory, also within one JVM.
 */
final class WorkDirLock implements AutoCloseable {

    /** The lock file inside the work directory; {@link #resetContents()} keeps it. */
    static final String FILE = ".wnd-lock";

    private static final Logger LOG = LoggerFactory.getLogger(WorkDirLock.class);

    private final Path dir;
    private final FileChannel channel;
    private final FileLock lock;

    private WorkDirLock(Path dir, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the work directory {@code dir}, creating it if needed.
     *
     * @throws WorkDirBusyException when another command (in this process or another) holds it
     * @throws UncheckedIOException when the directory or its lock file cannot be created
     */
    static WorkDirLock claim(Path dir) {
        Path file = dir.resolve(FILE);
        FileChannel channel = null;
        try {
            Files.createDirectories(dir);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by this JVM
            }
            if (lock == null) {
                String holder = holderOf(file);
                channel.close();
                throw new WorkDirBusyException(dir, holder);
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(describeThisProcess().getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(false);
            return new WorkDirLock(dir, channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("cannot lock the work directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The directory this lock holds. */
    Path dir() {
        return dir;
    }

    /**
     * Deletes everything inside the directory but the lock file, saying so, so that nothing of an earlier run is
     * reused. Only the holder can call it, so a running command's data is never deleted.
     */
    void resetContents() {
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
    static void deleteTree(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static String holderOf(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? "another command" : text;
        } catch (IOException e) {
            return "another command";
        }
    }

    /** "`wnd train --data A ...` (pid 1234, since 2026-12-07T16:02:11Z)". */
    private static String describeThisProcess() {
        return "`" + wndCommand() + "` (pid " + ProcessHandle.current().pid() + ", since "
                + Instant.now().truncatedTo(ChronoUnit.SECONDS) + ")";
    }

    /**
     * The command line after the launcher's main class ({@code wnd score --model-dir M1}), from the JVM's own record
     * of its main class and arguments; the operating system's copy of the command line is cut short by a long class
     * path.
     */
    private static String wndCommand() {
        String command = System.getProperty("sun.java.command", "");
        String main = Wnd.class.getName();
        return command.startsWith(main) ? "wnd" + command.substring(main.length()) : "a JVM using wnd";
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing more to release
            }
        }
    }

    /** Releases the directory; idempotent. The lock file stays (it locks nothing once released). */
    @Override
    public void close() {
        try {
            if (lock.isValid()) {
                lock.release();
            }
        } catch (IOException e) {
            LOG.warn("cannot release the lock on {}: {}", dir, e.toString());
        } finally {
            closeQuietly(channel);
        }
    }

    /** A command was refused a work directory that another one holds. */
    static final class WorkDirBusyException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        WorkDirBusyException(Path dir, String holder) {
            super("the work directory " + dir + " is in use by " + holder + "; wait for it to finish, stop it, or "
                    + "give this command its own --work-dir");
        }
    }
}
