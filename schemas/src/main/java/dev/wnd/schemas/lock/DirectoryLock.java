package dev.wnd.schemas.lock;

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
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * One holder's claim on a directory: an exclusive OS lock ({@link FileChannel#tryLock()}) on a lock file in it, held
 * from {@link #acquire} until {@link #close()}. The file records who holds it ({@link #describeThisProcess()}), so
 * that a refused claimant can say which process is in the way.
 *
 * <p>The lock is the operating system's: it goes away when the holder closes it <em>or its process ends</em>,
 * however it ends (SIGKILL, a crash, a power loss), so a stale lock file is harmless and is never deleted (deleting
 * it would let two processes lock two different files of the same name).
 *
 * <p><b>Within one JVM.</b> File locks belong to the process (POSIX {@code fcntl} locks on Linux): the OS would not
 * refuse a second claim from the same process, and merely opening and closing the lock file again would silently
 * release the first holder's lock. So this class keeps a process-wide registry of the lock files held in this JVM
 * and refuses a second claim before opening the file. That registry is deliberate static mutable state: it mirrors
 * an OS resource that is itself process-wide. Instances are thread-safe.
 */
public final class DirectoryLock implements AutoCloseable {

    /** The lock files held in this JVM (by real path), each with the description of its holder. */
    private static final ConcurrentMap<Path, String> HELD_IN_THIS_PROCESS = new ConcurrentHashMap<>();

    private final Path directory;
    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final String holder;
    private boolean released;

    private DirectoryLock(Path directory, Path file, FileChannel channel, FileLock lock, String holder) {
        this.directory = directory;
        this.file = file;
        this.channel = channel;
        this.lock = lock;
        this.holder = holder;
    }

    /**
     * Locks {@code dir} (created if missing) for this process through its lock file {@code fileName}.
     *
     * @param holder how the lock file and refusals describe this holder, e.g. {@link #describeThisProcess()}
     * @throws LockedException if another process, or another holder in this one, holds it
     * @throws IOException if the directory or the lock file cannot be created or written
     */
    public static DirectoryLock acquire(Path dir, String fileName, String holder) throws IOException {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(fileName, "fileName");
        Objects.requireNonNull(holder, "holder");
        Path real = Files.createDirectories(dir).toRealPath();
        Path file = real.resolve(fileName);
        String inThisProcess = HELD_IN_THIS_PROCESS.putIfAbsent(file, holder);
        if (inThisProcess != null) {
            throw new LockedException(dir, file, inThisProcess + " (this process)");
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // taken in this JVM, not through this class
            }
            if (lock == null) {
                channel.close();
                channel = null;
                HELD_IN_THIS_PROCESS.remove(file, holder);
                throw new LockedException(dir, file, holderOf(file));
            }
            channel.truncate(0);
            ByteBuffer b = ByteBuffer.wrap((holder + "\n").getBytes(StandardCharsets.UTF_8));
            long at = 0;
            while (b.hasRemaining()) {
                at += channel.write(b, at);
            }
            channel.force(true);
            return new DirectoryLock(dir, file, channel, lock, holder);
        } catch (IOException | RuntimeException | Error e) {
            if (channel != null) {
                try {
                    channel.close(); // releases the lock too
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
                HELD_IN_THIS_PROCESS.remove(file, holder);
            }
            throw e;
        }
    }

    /**
     * What the lock file {@code fileName} of {@code dir} records about the last process that locked it (the holder,
     * if it is still locked), without disturbing the lock: in the process that holds it this answers from memory,
     * since opening the file there, even to read it, would release the OS lock.
     *
     * @return the record; empty if there is no lock file
     */
    public static Optional<String> recordedHolder(Path dir, String fileName) throws IOException {
        Path file = dir.toRealPath().resolve(fileName);
        String held = HELD_IN_THIS_PROCESS.get(file);
        if (held != null) {
            return Optional.of(held);
        }
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8).trim());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /**
     * This process as a holder: its pid, its command when the JVM recorded one
     * ({@code wnd score --model-dir M1} for the launcher's main class, whose name it shortens), its start, its host when set, and the time now.
     */
    public static String describeThisProcess() {
        ProcessHandle self = ProcessHandle.current();
        String command = System.getProperty("sun.java.command", "").strip();
        String main = command.isEmpty() ? "" : command.split(" ", 2)[0];
        if (main.endsWith(".Wnd")) {
            command = "wnd" + command.substring(main.length());
        }
        String started = self.info().startInstant().map(i -> i.truncatedTo(ChronoUnit.SECONDS).toString())
                .orElse("unknown");
        String host = System.getenv("HOSTNAME");
        return "pid " + self.pid() + (command.isEmpty() ? "" : " `" + command + "`") + ", started " + started
                + (host == null || host.isBlank() ? "" : ", host " + host) + ", locked "
                + Instant.now().truncatedTo(ChronoUnit.SECONDS);
    }

    /** The directory, as given. */
    public Path directory() {
        return directory;
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

    /** What the lock file says about its holder; only read while this process holds no lock on it. */
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

    /** A directory that another holder has locked. */
    public static final class LockedException extends IOException {

        private static final long serialVersionUID = 1L;

        private final transient Path directory;
        private final String holder;

        LockedException(Path directory, Path file, String holder) {
            super(directory + " is locked by " + holder + " (lock file " + file + ")");
            this.directory = directory;
            this.holder = holder;
        }

        /** The locked directory. */
        public Path directory() {
            return directory;
        }

        /** The holder, as its lock file or this process's registry describes it. */
        public String holder() {
            return holder;
        }
    }
}
