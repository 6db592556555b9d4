package dev.wnd.model.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The one writer's claim on a model directory: an exclusive OS lock ({@link FileChannel#tryLock()}) on
 * {@value #LOCK_FILE} in it, held from {@link #acquire} until {@link #close()}. The file records the holder (pid,
 * process start time, host, when it was acquired), so that a learner refused because another holds the directory
 * can say which one. Two learners on one directory would delete each other's temporary checkpoints, write
 * clashing generations and announce versions the scorers cannot order.
 *
 * <p>The lock is the OS's: it goes away when the holder closes it <em>or its process ends</em>, however it ends
 * (SIGKILL, a crash, a power loss), so a stale lock file is harmless and is never deleted (deleting it would let two
 * processes lock two different files of the same name). The file's content is only a description of the last holder.
 *
 * <p><b>Within one JVM.</b> The JVM's file locks belong to the process (POSIX {@code fcntl} locks on Linux), so a
 * second attempt from the same process would not be refused by the OS, and merely opening and closing the lock file
 * again would silently release the first holder's lock. So this class keeps a process-wide registry of the lock
 * files held in this JVM and refuses a second acquisition before opening the file. That registry is the one piece
 * of static mutable state: it mirrors an OS resource that is itself process-wide. Instances are thread-safe.
 */
public final class ModelDirectoryLock implements AutoCloseable {

    /** The lock file's name in the model directory. */
    public static final String LOCK_FILE = "learner.lock";

    /** The lock files held in this JVM (by real path), each with the description of its holder. */
    private static final ConcurrentMap<Path, String> HELD_IN_THIS_PROCESS = new ConcurrentHashMap<>();

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final String holder;
    private boolean released;

    private ModelDirectoryLock(Path file, FileChannel channel, FileLock lock, String holder) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
        this.holder = holder;
    }

    /**
     * Locks {@code modelDir} (created if missing) for this process.
     *
     * @throws ModelDirectoryLockedException if another process, or another owner in this one, holds it; the message
     *     names the holder's pid and start time
     * @throws IOException if the lock file cannot be created or written
     */
    public static ModelDirectoryLock acquire(Path modelDir) throws IOException {
        Objects.requireNonNull(modelDir, "modelDir");
        Path dir = Files.createDirectories(modelDir).toRealPath();
        Path file = dir.resolve(LOCK_FILE);
        String me = describe(ProcessHandle.current());
        String inThisProcess = HELD_IN_THIS_PROCESS.putIfAbsent(file, me);
        if (inThisProcess != null) {
            throw new ModelDirectoryLockedException(dir, file, inThisProcess + " (this process)");
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // not through this class; the registry keeps ours apart
            }
            if (lock == null) {
                channel.close();
                channel = null;
                HELD_IN_THIS_PROCESS.remove(file, me);
                throw new ModelDirectoryLockedException(dir, file, holderOf(file));
            }
            byte[] record = (me + "\n").getBytes(StandardCharsets.UTF_8);
            channel.truncate(0);
            ByteBuffer b = ByteBuffer.wrap(record);
            long at = 0;
            while (b.hasRemaining()) {
                at += channel.write(b, at);
            }
            channel.force(true);
            return new ModelDirectoryLock(file, channel, lock, me);
        } catch (IOException | RuntimeException | Error e) {
            if (channel != null) {
                try {
                    channel.close(); // releases the lock too
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
                HELD_IN_THIS_PROCESS.remove(file, me);
            }
            throw e;
        }
    }

    /**
     * What the lock file of {@code modelDir} records about the last process that locked it (the holder, if it is
     * still locked), without disturbing the lock: in a process that holds the lock this answers from memory, since
     * opening the file there, even to read it, and closing it again would release the OS lock (POSIX locks belong to
     * the process, and any close of the file drops them). Nothing else in a learner's process may open the file.
     *
     * @return the record, e.g. {@code pid 4242, started 2026-06-01T10:00:00Z, locked 2026-06-01T10:00:05Z}; empty if
     *     there is no lock file
     */
    public static java.util.Optional<String> recordedHolder(Path modelDir) throws IOException {
        Path file = modelDir.toRealPath().resolve(LOCK_FILE);
        String held = HELD_IN_THIS_PROCESS.get(file);
        if (held != null) {
            return java.util.Optional.of(held);
        }
        try {
            return java.util.Optional.of(Files.readString(file, StandardCharsets.UTF_8).trim());
        } catch (NoSuchFileException e) {
            return java.util.Optional.empty();
        }
    }

    /** The lock file. */
    public Path file() {
        return file;
    }

    /** The holder as recorded in the lock file: this process. */
    public String holder() {
        return holder;
    }

    /** Releases the lock; the file stays. Idempotent. */
    @Override
    public synchronized void close() throws IOException {
        if (released) {
            return;
        }
        released = true;
        try {
            if (lock.isValid()) {
                lock.release();
            }
        } finally {
            try {
                channel.close();
            } finally {
                HELD_IN_THIS_PROCESS.remove(file, holder);
            }
        }
    }

    /** What the lock file says about its holder, for a refusal; only read while this process holds no lock on it. */
    private static String holderOf(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).trim();
            return text.isEmpty() ? "a process that has not recorded itself yet" : text.replace('\n', ' ');
        } catch (NoSuchFileException e) {
            return "an unknown process";
        } catch (IOException | RuntimeException e) {
            return "an unknown process (" + e + ")";
        }
    }

    private static String describe(ProcessHandle process) {
        String started = process.info().startInstant().map(Instant::toString).orElse("unknown");
        String host = System.getenv("HOSTNAME");
        return "pid " + process.pid() + ", started " + started + (host == null || host.isBlank() ? ""
                : ", host " + host) + ", locked " + Instant.now();
    }

    /** A model directory that another learner holds. */
    public static final class ModelDirectoryLockedException extends IOException {

        private final Path directory;

        ModelDirectoryLockedException(Path directory, Path file, String holder) {
            super("model directory " + directory + " is in use by another learner (" + holder + "; lock file "
                    + file + "): stop that learner first, or give this one another model directory. The lock goes"
                    + " away when that learner closes or its process ends");
            this.directory = directory;
        }

        /** The model directory. */
        public Path directory() {
            return directory;
        }
    }
}
