package dev.wnd.model.checkpoint;

import ai.djl.engine.Engine;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.model.ModelConfig;
import dev.wnd.model.WideDeepTrainer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A directory of checkpoints, one sub-directory each, written atomically and verified on load.
 *
 * <p><b>Layout.</b> {@code <modelDir>/ckpt-<generation, 10 digits>-s<step>/} holds {@code parameters.bin} and
 * {@code optimizer.bin} (named tensors, format in {@link TensorFormat}: parameters and optimizer state by stable
 * name, never by DJL parameter id), {@code manifest.json} ({@link CheckpointManifest}: config, seed, spec hash,
 * offsets, times, provenance, and the size and SHA-256 of both tensor files) and {@code manifest.sha256} (the
 * manifest's own SHA-256). The directory name is the model version.
 *
 * <p><b>Atomicity.</b> {@link #save} writes into a hidden temporary directory, forces every file and the directory
 * to disk, renames it into place atomically and forces the parent: a crash leaves either the whole checkpoint or
 * none (plus a temporary directory that the next save removes). A write that fails (a full disk, an I/O error)
 * removes its temporary directory before it throws, so the versions already there are untouched and nothing
 * partial is left; pruning happens only after a write succeeded, and its own failure does not fail the save. Old checkpoints beyond {@code keepLast} are renamed
 * to a hidden trash name, then deleted, so a half-deleted checkpoint is never visible.
 *
 * <p><b>Serving snapshots.</b> {@link #saveServingSnapshot} writes {@code <modelDir>/snap-<generation>-s<step>/}:
 * the parameters alone (no optimizer state, so it cannot be resumed from), with the same manifest and checksums.
 * Snapshots are for scorers: written often, renamed into place atomically as checkpoints are, but never forced to
 * disk, because losing one in a crash is harmless (the newest full checkpoint stays the recovery point, and the
 * next snapshot replaces it); one torn by a power loss fails its checksums and is skipped like a corrupt checkpoint. Checkpoints and snapshots share one generation sequence, so the newest model version
 * of either kind has the largest generation. The newest {@code keepSnapshots} snapshots are kept.
 *
 * <p><b>Delta serving snapshots.</b> {@link #saveServingDelta} writes {@code <modelDir>/delta-<generation>-s<step>/}:
 * {@code delta.bin} with only what changed since the version the trainer last wrote through this store (the dense
 * parameters in full, the embedding and wide rows training updated; see
 * {@link WideDeepTrainer#writeParameterDelta}), and a manifest that names that base version
 * ({@link CheckpointManifest#baseVersion()}) and checksums the file. Written and pruned like snapshots, never forced,
 * never resumed from. A delta is useful only on top of exactly its base: {@link ServableDelta#applyTo} refuses any
 * other. Every write through this store, of any kind, clears the trainer's record of changed rows, so the next
 * delta is relative to it. Pruning keeps chains whole: a delta is kept only while every version down its chain to a
 * full one (checkpoint or snapshot) is kept, and full versions are pruned by their own counts first, so a kept delta
 * never loses its base.
 *
 * <p><b>Verification.</b> {@link #loadNewestValid} tries checkpoints newest first and returns the first whose
 * manifest digest, file sizes, file digests and tensor-file structure all check out; each one skipped is logged at
 * WARN with its directory and the reason. A learner resumes with {@link #loadForResume}, which is stricter: a
 * checkpoint of another format version ({@link UnsupportedCheckpointFormatException}) or a directory of checkpoints
 * none of which verifies ({@link UnverifiableCheckpointsException}) stops it instead of being skipped or answered
 * with a fresh start. The format version is read from the manifest on its own, after the manifest's digest and
 * before the rest, so that a manifest of a later format is recognised as such even if this code cannot parse it;
 * later formats must keep {@code manifest.json}, {@code manifest.sha256} and a top-level {@code formatVersion}. Every load first checks that it was given a version of this store: a
 * directory with a version name right in {@link #directory()} (compared by real path, so {@code ..} and links in
 * the path do not lead elsewhere), which is not itself a symbolic link and whose files are not either, and whose
 * manifest names the directory's version and generation; anything else is refused as corrupt. Snapshots are never resumed from. A scorer verifies only what it loads:
 * {@link #loadServable} and {@link #loadNewestServable} check the manifest and the parameters file of a checkpoint
 * or a snapshot, not the optimizer state.
 *
 * <p><b>Threading.</b> One writer (the learner) per directory; any number of readers, in any process, may call
 * {@link #loadNewestValid}, {@link #loadNewestServable}, {@link #loadServable}, {@link #loadServableDelta} and
 * {@link #deltaOn} concurrently. A reader can lose a
 * race with pruning: building a trainer or predictor from a {@link LoadedCheckpoint}, a {@link ServableModel} or a
 * {@link ServableDelta} then
 * fails with an {@link IOException}, and the reader should simply load again.
 * Instances hold no mutable state and are thread-safe.
 */
public final class CheckpointStore {

    /** The checkpoint format version this code writes and reads. */
    public static final int FORMAT_VERSION = 1;

    static final String PARAMETERS_FILE = "parameters.bin";
    static final String OPTIMIZER_FILE = "optimizer.bin";
    static final String MANIFEST_FILE = "manifest.json";
    static final String MANIFEST_DIGEST_FILE = "manifest.sha256";
    static final String DELTA_FILE = "delta.bin";

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
    private static final Pattern NAME = Pattern.compile("ckpt-(\\d{10})-s(\\d+)");
    private static final Pattern SNAPSHOT_NAME = Pattern.compile("snap-(\\d{10})-s(\\d+)");
    private static final Pattern DELTA_NAME = Pattern.compile("delta-(\\d{10})-s(\\d+)");
    private static final String TEMP_PREFIX = ".tmp-";
    private static final String TRASH_PREFIX = ".trash-";

    private final Path modelDir;
    private final int keepLast;
    private final int keepSnapshots;
    private final Clock clock;
    private final ObjectMapper json;

    /**
     * A store over {@code modelDir} (created if missing) that keeps the newest {@code keepLast} checkpoints.
     *
     * @param keepLast how many checkpoints {@link #save} leaves, &gt;= 1 (2 or more lets readers fall back when
     *     the newest is damaged)
     */
    public CheckpointStore(Path modelDir, int keepLast) throws IOException {
        this(modelDir, keepLast, keepLast);
    }

    /**
     * A store over {@code modelDir} (created if missing) that keeps the newest {@code keepLast} checkpoints and the
     * newest {@code keepSnapshots} serving snapshots.
     *
     * @param keepLast how many checkpoints {@link #save} leaves, &gt;= 1
     * @param keepSnapshots how many serving snapshots {@link #saveServingSnapshot} leaves, &gt;= 1 (a scorer still
     *     building a predictor from a pruned snapshot fails and loads again, so keep a few)
     */
    public CheckpointStore(Path modelDir, int keepLast, int keepSnapshots) throws IOException {
        this(modelDir, keepLast, keepSnapshots, Clock.systemUTC());
    }

    CheckpointStore(Path modelDir, int keepLast, Clock clock) throws IOException {
        this(modelDir, keepLast, keepLast, clock);
    }

    CheckpointStore(Path modelDir, int keepLast, int keepSnapshots, Clock clock) throws IOException {
        if (keepLast < 1) {
            throw new IllegalArgumentException("keepLast must be >= 1, got " + keepLast);
        }
        if (keepSnapshots < 1) {
            throw new IllegalArgumentException("keepSnapshots must be >= 1, got " + keepSnapshots);
        }
        this.modelDir = Files.createDirectories(Objects.requireNonNull(modelDir, "modelDir"));
        this.keepLast = keepLast;
        this.keepSnapshots = keepSnapshots;
        this.clock = clock;
        this.json = objectMapper();
    }

    /** The directory holding the checkpoints. */
    public Path directory() {
        return modelDir;
    }

    /**
     * Saves the trainer's parameters and optimizer state with the caller's stream position, then prunes to the
     * newest {@code keepLast}. Call on the trainer's thread, between batches.
     *
     * @param offsets for each "topic-partition" (e.g. {@code "examples-0"}), the next offset to consume; the
     *     learner resumes from these
     * @param streamTime the stream time reached (e.g. the latest event time trained on), or null
     * @return the new checkpoint's version, directory and manifest
     */
    public CheckpointInfo save(WideDeepTrainer trainer, Map<String, Long> offsets, Instant streamTime)
            throws IOException {
        return save(trainer, offsets, 0, streamTime);
    }

    /**
     * {@link #save(WideDeepTrainer, Map, Instant)} for a learner that reads its input several times: {@code offsets}
     * lie in pass {@code epoch} (0-based), where the learner resumes.
     */
    public CheckpointInfo save(WideDeepTrainer trainer, Map<String, Long> offsets, int epoch, Instant streamTime)
            throws IOException {
        CheckpointInfo saved = write(trainer, offsets, epoch, streamTime, Kind.CHECKPOINT, null);
        pruneAfter(saved, () -> {
            prune(checkpointDirectories(), keepLast);
            pruneDeltas();
        });
        return saved;
    }

    /**
     * Saves the trainer's parameters alone as a serving snapshot (see the class comment): for scorers, never resumed
     * from, not forced to disk. Prunes to the newest {@code keepSnapshots} snapshots. Call on the trainer's thread,
     * between batches.
     *
     * @param offsets the caller's stream position, recorded for provenance (what the parameters learned from); a
     *     learner never resumes from it
     * @param epoch the pass over the input that {@code offsets} lie in, 0-based
     * @param streamTime the stream time reached, or null
     * @return the snapshot's version ({@code snap-<generation>-s<step>}), directory and manifest
     */
    public CheckpointInfo saveServingSnapshot(WideDeepTrainer trainer, Map<String, Long> offsets, int epoch,
            Instant streamTime) throws IOException {
        CheckpointInfo saved = write(trainer, offsets, epoch, streamTime, Kind.SNAPSHOT, null);
        pruneAfter(saved, () -> {
            prune(snapshotDirectories(), keepSnapshots);
            pruneDeltas();
        });
        return saved;
    }

    /**
     * Saves what changed since {@code baseVersion} as a delta serving snapshot (see the class comment): the dense
     * parameters and the table rows training updated since the trainer's last version written through this store,
     * which must be {@code baseVersion} and still be on disk. Not forced to disk, never resumed from. Prunes deltas
     * whose chain lost its full version. Call on the trainer's thread, between batches.
     *
     * @param baseVersion the version the trainer last wrote through this store (checkpoint, snapshot or delta)
     * @return the delta's version ({@code delta-<generation>-s<step>}), directory and manifest
     * @throws IllegalArgumentException if {@code baseVersion} is not a version in this store
     */
    public CheckpointInfo saveServingDelta(WideDeepTrainer trainer, String baseVersion, Map<String, Long> offsets,
            int epoch, Instant streamTime) throws IOException {
        Objects.requireNonNull(baseVersion, "baseVersion");
        if (!Files.isDirectory(modelDir.resolve(baseVersion)) || !isVersionName(baseVersion)) {
            throw new IllegalArgumentException("delta base " + baseVersion + " is not a model version in "
                    + modelDir);
        }
        CheckpointInfo saved = write(trainer, offsets, epoch, streamTime, Kind.DELTA, baseVersion);
        pruneAfter(saved, this::pruneDeltas);
        return saved;
    }

    /** Pruning that may fail; see {@link #pruneAfter}. */
    private interface Pruning {
        void run() throws IOException;
    }

    /**
     * Prunes after {@code saved} was written. A failure here does not fail the save, which is complete and durable
     * by then (a caller told otherwise would wrongly keep an older recovery point): it is logged, and the next save
     * prunes again.
     */
    private void pruneAfter(CheckpointInfo saved, Pruning pruning) {
        try {
            pruning.run();
        } catch (IOException | RuntimeException e) {
            LOG.warn("Saved {}, but could not remove old versions: {}; the next save tries again", saved.version(),
                    e.toString());
        }
    }

    /** What {@link #write} writes. */
    private enum Kind {
        CHECKPOINT("ckpt-%010d-s%d"), SNAPSHOT("snap-%010d-s%d"), DELTA("delta-%010d-s%d");

        final String nameFormat;

        Kind(String nameFormat) {
            this.nameFormat = nameFormat;
        }
    }

    /**
     * Writes a checkpoint (parameters, optimizer state, everything forced to disk) when {@code resumable}, else a
     * serving snapshot (parameters only, nothing forced), into a temporary directory renamed into place.
     */
    private CheckpointInfo write(WideDeepTrainer trainer, Map<String, Long> offsets, int epoch, Instant streamTime,
            Kind kind, String baseVersion) throws IOException {
        Objects.requireNonNull(trainer, "trainer");
        Objects.requireNonNull(offsets, "offsets");
        boolean resumable = kind == Kind.CHECKPOINT;
        removeLeftovers();
        List<Path> existing = new ArrayList<>(servableDirectories());
        existing.addAll(deltaDirectories());
        long generation = 1 + existing.stream().mapToLong(CheckpointStore::generation).max().orElse(0);
        String version = String.format(kind.nameFormat, generation, trainer.step());
        Path temp = modelDir.resolve(TEMP_PREFIX + version + "-" + UUID.randomUUID());
        Files.createDirectory(temp);
        try {
            Map<String, CheckpointManifest.FileDigest> files = new LinkedHashMap<>();
            if (kind == Kind.DELTA) {
                try (TensorFileWriter w = new TensorFileWriter(temp.resolve(DELTA_FILE))) {
                    trainer.writeParameterDelta(w);
                    files.put(DELTA_FILE, w.finish(false));
                }
            } else {
                try (TensorFileWriter w = new TensorFileWriter(temp.resolve(PARAMETERS_FILE))) {
                    trainer.writeParameters(w);
                    files.put(PARAMETERS_FILE, w.finish(resumable));
                }
            }
            if (resumable) {
                try (TensorFileWriter w = new TensorFileWriter(temp.resolve(OPTIMIZER_FILE))) {
                    trainer.writeOptimizerState(w);
                    files.put(OPTIMIZER_FILE, w.finish(true));
                }
            }
            FeatureSpec spec = trainer.spec();
            ModelConfig config = trainer.config();
            CheckpointManifest manifest = new CheckpointManifest(FORMAT_VERSION, version, generation,
                    trainer.step(), trainer.examplesTrained(), config.seed(), config,
                    new CheckpointManifest.SpecRef(spec.version(), spec.hash()), offsets, epoch, streamTime,
                    clock.instant(), provenance(), files, baseVersion);
            byte[] manifestBytes = json.writeValueAsBytes(manifest);
            write(temp.resolve(MANIFEST_FILE), manifestBytes, resumable);
            write(temp.resolve(MANIFEST_DIGEST_FILE), (sha256(manifestBytes) + "\n").getBytes(StandardCharsets.US_ASCII),
                    resumable);
            if (resumable) {
                force(temp);
            }
            Path target = modelDir.resolve(version);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            trainer.clearChangedRows();
            if (resumable) {
                force(modelDir);
                LOG.info("Saved checkpoint {} (step {}, {} examples)", target, trainer.step(),
                        trainer.examplesTrained());
            } else {
                LOG.debug("Saved serving {} {} (step {}, {} examples)", kind == Kind.DELTA
                        ? "delta on " + baseVersion : "snapshot", target, trainer.step(), trainer.examplesTrained());
            }
            return new CheckpointInfo(version, target, manifest);
        } catch (IOException | RuntimeException | Error e) {
            // Nothing of a failed write stays (on a full disk too: deleting frees space, it needs none); what a
            // failed deletion leaves is a temporary directory, which no reader lists and the next write removes.
            try {
                deleteRecursively(temp);
            } catch (IOException | RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /**
     * The newest checkpoint that passes verification, or empty if there is none. Each checkpoint skipped as
     * corrupt is logged at WARN with its directory and the reason.
     */
    public Optional<LoadedCheckpoint> loadNewestValid() {
        List<Path> candidates;
        try {
            candidates = checkpointDirectories();
        } catch (IOException e) {
            LOG.warn("Cannot list checkpoints in {}: {}", modelDir, e.toString());
            return Optional.empty();
        }
        for (Path dir : candidates) {
            try {
                return Optional.of(load(dir));
            } catch (IOException | RuntimeException e) {
                LOG.warn("Skipping checkpoint {}: {}", dir, reason(e));
            }
        }
        return Optional.empty();
    }

    /**
     * The checkpoint a learner resumes from: the newest that passes verification, each one skipped logged at WARN
     * as in {@link #loadNewestValid}; empty only when the directory holds no checkpoint at all (a fresh start;
     * serving snapshots and leftovers do not count). Unlike {@link #loadNewestValid} it never lets a learner start
     * over on a directory it should not: a checkpoint of another format version stops the search (it is intact,
     * from another build, and falling back past it would throw that build's training away), and so do checkpoints
     * none of which verifies.
     *
     * @throws UnsupportedCheckpointFormatException if a checkpoint newer than every one that verifies has another
     *     format version
     * @throws UnverifiableCheckpointsException if there are checkpoints and none verifies
     * @throws IOException if the directory cannot be listed
     */
    public Optional<LoadedCheckpoint> loadForResume() throws IOException {
        List<Path> candidates = checkpointDirectories();
        if (candidates.isEmpty()) {
            return Optional.empty();
        }
        List<String> reasons = new ArrayList<>();
        for (Path dir : candidates) {
            try {
                return Optional.of(load(dir));
            } catch (UnsupportedCheckpointFormatException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                LOG.warn("Skipping checkpoint {}: {}", dir, reason(e));
                reasons.add(dir.getFileName() + ": " + reason(e));
            }
        }
        throw new UnverifiableCheckpointsException(modelDir, reasons);
    }

    /**
     * Verifies and opens one checkpoint directory.
     *
     * @throws CorruptCheckpointException if it fails verification
     */
    public LoadedCheckpoint load(Path directory) throws IOException {
        CheckpointManifest manifest = verifiedManifest(directory);
        for (String file : List.of(PARAMETERS_FILE, OPTIMIZER_FILE)) {
            verifyFile(directory, manifest, file);
        }
        TensorFileReader parameters = new TensorFileReader(directory.resolve(PARAMETERS_FILE));
        TensorFileReader optimizer = new TensorFileReader(directory.resolve(OPTIMIZER_FILE));
        return new LoadedCheckpoint(new CheckpointInfo(directory.getFileName().toString(), directory, manifest),
                parameters, optimizer);
    }

    /**
     * The manifest of {@code directory}, after checking that the directory is a version of this store (a real
     * directory with a version name right in {@link #directory()}, not a symbolic link), the manifest's digest, its
     * format, and that it names the directory and its generation.
     */
    private CheckpointManifest verifiedManifest(Path directory) throws IOException {
        requireOwnVersion(directory);
        Path manifestFile = directory.resolve(MANIFEST_FILE);
        Path digestFile = directory.resolve(MANIFEST_DIGEST_FILE);
        byte[] manifestBytes = readRequired(manifestFile);
        // Exactly as written ("<hex>\n"): a digest file cut short, even by its newline, is torn, never verified.
        String expectedDigest = new String(readRequired(digestFile), StandardCharsets.US_ASCII);
        if (!(sha256(manifestBytes) + "\n").equals(expectedDigest)) {
            throw new CorruptCheckpointException(MANIFEST_FILE + ": SHA-256 does not match " + MANIFEST_DIGEST_FILE);
        }
        // The format version first, on its own: a manifest of another format need not fit this code's record.
        com.fasterxml.jackson.databind.JsonNode tree;
        try {
            tree = json.readTree(manifestBytes);
        } catch (JacksonException e) {
            throw new CorruptCheckpointException(MANIFEST_FILE + ": unreadable: " + e.getMessage());
        }
        com.fasterxml.jackson.databind.JsonNode format = tree == null ? null : tree.get("formatVersion");
        if (format == null || !format.canConvertToExactIntegral() || !format.canConvertToInt()) {
            throw new CorruptCheckpointException(MANIFEST_FILE + ": no formatVersion");
        }
        if (format.intValue() != FORMAT_VERSION) {
            throw new UnsupportedCheckpointFormatException(directory, format.intValue(), FORMAT_VERSION);
        }
        CheckpointManifest manifest;
        try {
            manifest = json.treeToValue(tree, CheckpointManifest.class);
        } catch (JacksonException | IllegalArgumentException | NullPointerException e) {
            throw new CorruptCheckpointException(MANIFEST_FILE + ": unreadable: " + e.getMessage());
        }
        String dirName = directory.getFileName().toString();
        if (!manifest.version().equals(dirName)) {
            throw new CorruptCheckpointException("manifest is for " + manifest.version() + ", directory is "
                    + dirName);
        }
        if (manifest.generation() != generation(directory)) {
            throw new CorruptCheckpointException("manifest says generation " + manifest.generation()
                    + ", the directory name " + dirName);
        }
        return manifest;
    }

    /**
     * Refuses anything but a version this store could have written: a directory (not a symbolic link) with a
     * version name whose parent is, once every link is resolved, this store's directory. Keeps a reader from being
     * pointed at files elsewhere (an announcement naming another path, a link planted in the directory).
     */
    private void requireOwnVersion(Path directory) throws IOException {
        Path name = directory.getFileName();
        if (name == null || !isVersionName(name.toString())) {
            throw new CorruptCheckpointException(directory + " is not a model version directory (ckpt-, snap- or "
                    + "delta-<generation>-s<step>)");
        }
        if (Files.isSymbolicLink(directory)) {
            throw new CorruptCheckpointException(directory + " is a symbolic link, not a version written here");
        }
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            throw new CorruptCheckpointException("missing " + directory);
        }
        Path parent = directory.toAbsolutePath().getParent();
        if (parent == null || !parent.toRealPath().equals(modelDir.toRealPath())) {
            throw new CorruptCheckpointException(directory + " is not in the model directory " + modelDir);
        }
    }

    /** Checks that {@code file} in {@code directory} has the size and SHA-256 {@code manifest} lists for it. */
    private static void verifyFile(Path directory, CheckpointManifest manifest, String file) throws IOException {
        CheckpointManifest.FileDigest expected = manifest.files().get(file);
        if (expected == null) {
            throw new CorruptCheckpointException(MANIFEST_FILE + " lists no " + file);
        }
        Path path = directory.resolve(file);
        if (Files.isSymbolicLink(path)) {
            throw new CorruptCheckpointException(file + " is a symbolic link, not a file written here");
        }
        if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
            throw new CorruptCheckpointException("missing " + file);
        }
        long size = Files.size(path);
        if (size != expected.bytes()) {
            throw new CorruptCheckpointException(file + " has " + size + " bytes, the manifest says "
                    + expected.bytes());
        }
        String actual = sha256(path);
        if (!actual.equals(expected.sha256())) {
            throw new CorruptCheckpointException(file + ": SHA-256 " + actual + " does not match the manifest's "
                    + expected.sha256());
        }
    }

    /**
     * The newest model version a scorer can serve, checkpoint or serving snapshot, that passes
     * {@link #loadServable}'s verification, or empty if there is none. Each one skipped is logged at WARN with its
     * directory and the reason.
     */
    public Optional<ServableModel> loadNewestServable() {
        List<Path> candidates;
        try {
            candidates = servableDirectories();
        } catch (IOException e) {
            LOG.warn("Cannot list model versions in {}: {}", modelDir, e.toString());
            return Optional.empty();
        }
        for (Path dir : candidates) {
            try {
                return Optional.of(loadServable(dir));
            } catch (IOException | RuntimeException e) {
                LOG.warn("Skipping model version {}: {}", dir, reason(e));
            }
        }
        return Optional.empty();
    }

    /**
     * Verifies and opens what a scorer loads of one checkpoint or serving snapshot directory: the manifest (its
     * digest, format and version) and the parameters file (size and SHA-256). A checkpoint's optimizer state is
     * neither read nor checked.
     *
     * @throws CorruptCheckpointException if it fails verification
     */
    public ServableModel loadServable(Path directory) throws IOException {
        CheckpointManifest manifest = verifiedManifest(directory);
        verifyFile(directory, manifest, PARAMETERS_FILE);
        return new ServableModel(new CheckpointInfo(directory.getFileName().toString(), directory, manifest),
                new TensorFileReader(directory.resolve(PARAMETERS_FILE)));
    }

    /**
     * Verifies and opens a delta serving snapshot directory: the manifest (digest, format, version, a base named)
     * and {@code delta.bin} (size and SHA-256). Its base is not checked here: {@link ServableDelta#applyTo} refuses
     * any predictor but exactly the base.
     *
     * @throws CorruptCheckpointException if it fails verification or is not a delta
     */
    public ServableDelta loadServableDelta(Path directory) throws IOException {
        CheckpointManifest manifest = verifiedManifest(directory);
        if (!manifest.isDelta()) {
            throw new CorruptCheckpointException(MANIFEST_FILE + " names no base version: not a delta");
        }
        verifyFile(directory, manifest, DELTA_FILE);
        return new ServableDelta(new CheckpointInfo(directory.getFileName().toString(), directory, manifest),
                new TensorFileReader(directory.resolve(DELTA_FILE)));
    }

    /**
     * The delta directory whose manifest names {@code baseVersion} as its base, if any (the learner writes at most
     * one delta per base). Manifests are read but not verified; unreadable ones are passed over.
     */
    public Optional<Path> deltaOn(String baseVersion) {
        try {
            for (Path dir : deltaDirectories()) {
                try {
                    if (baseVersion.equals(json.readValue(readRequired(dir.resolve(MANIFEST_FILE)),
                            CheckpointManifest.class).baseVersion())) {
                        return Optional.of(dir);
                    }
                } catch (IOException | RuntimeException e) {
                    LOG.debug("passing over {}: {}", dir, e.toString());
                }
            }
        } catch (IOException e) {
            LOG.warn("Cannot list deltas in {}: {}", modelDir, e.toString());
        }
        return Optional.empty();
    }

    /** Whether {@code directory}'s name is that of a delta serving snapshot. */
    public static boolean isDelta(Path directory) {
        Path name = directory.getFileName();
        return name != null && DELTA_NAME.matcher(name.toString()).matches();
    }

    /**
     * The generation in a model version's name ({@code ckpt-}, {@code snap-} or {@code delta-<generation>-s<step>}),
     * or empty if {@code name} is not a version name.
     */
    public static java.util.OptionalLong generationOf(String name) {
        return name != null && isVersionName(name) ? java.util.OptionalLong.of(generation(Path.of(name)))
                : java.util.OptionalLong.empty();
    }

    private static boolean isVersionName(String name) {
        return NAME.matcher(name).matches() || SNAPSHOT_NAME.matcher(name).matches()
                || DELTA_NAME.matcher(name).matches();
    }

    /** Delta serving snapshot directories (valid or not), newest first. */
    public List<Path> deltaDirectories() throws IOException {
        return directoriesMatching(DELTA_NAME);
    }

    /** Checkpoint directories (valid or not), newest first; serving snapshots are not among them. */
    public List<Path> checkpointDirectories() throws IOException {
        return directoriesMatching(NAME);
    }

    /** Serving snapshot directories (valid or not), newest first. */
    public List<Path> snapshotDirectories() throws IOException {
        return directoriesMatching(SNAPSHOT_NAME);
    }

    /** Checkpoint and serving snapshot directories (valid or not), newest (largest generation) first. */
    public List<Path> servableDirectories() throws IOException {
        List<Path> dirs = new ArrayList<>(checkpointDirectories());
        dirs.addAll(snapshotDirectories());
        dirs.sort(Comparator.comparingLong(CheckpointStore::generation).reversed());
        return dirs;
    }

    private List<Path> directoriesMatching(Pattern name) throws IOException {
        List<Path> dirs = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(modelDir)) {
            for (Path p : stream) {
                if (name.matcher(p.getFileName().toString()).matches() && Files.isDirectory(p)) {
                    dirs.add(p);
                }
            }
        }
        dirs.sort(Comparator.comparingLong(CheckpointStore::generation).reversed());
        return dirs;
    }

    private static long generation(Path dir) {
        String name = dir.getFileName().toString();
        Matcher m = NAME.matcher(name);
        if (!m.matches()) {
            m = SNAPSHOT_NAME.matcher(name);
        }
        if (!m.matches()) {
            m = DELTA_NAME.matcher(name);
        }
        if (!m.matches()) {
            throw new IllegalArgumentException(dir.toString());
        }
        return Long.parseLong(m.group(1));
    }

    /** Removes all but the first {@code keep} of {@code newestFirst}. */
    private void prune(List<Path> newestFirst, int keep) throws IOException {
        for (Path old : newestFirst.subList(Math.min(keep, newestFirst.size()), newestFirst.size())) {
            Path trash = modelDir.resolve(TRASH_PREFIX + old.getFileName() + "-" + UUID.randomUUID());
            Files.move(old, trash, StandardCopyOption.ATOMIC_MOVE);
            deleteRecursively(trash);
            LOG.debug("Removed old model version {}", old);
        }
    }

    /**
     * Removes every delta whose chain (its base, its base's base, ...) does not reach a checkpoint or full snapshot
     * that is still here, oldest first; a delta whose manifest cannot be read counts as broken. Full versions are
     * never removed here, so a kept delta keeps its whole chain.
     */
    private void pruneDeltas() throws IOException {
        List<Path> deltas = deltaDirectories();
        if (deltas.isEmpty()) {
            return;
        }
        Map<String, String> baseOf = new LinkedHashMap<>();
        for (Path dir : deltas) {
            String base;
            try {
                base = json.readValue(readRequired(dir.resolve(MANIFEST_FILE)), CheckpointManifest.class)
                        .baseVersion();
            } catch (IOException | RuntimeException e) {
                base = null;
            }
            baseOf.put(dir.getFileName().toString(), base);
        }
        java.util.Set<String> full = new java.util.HashSet<>();
        for (Path dir : servableDirectories()) {
            full.add(dir.getFileName().toString());
        }
        List<Path> broken = new ArrayList<>();
        for (Path dir : deltas) {
            String v = dir.getFileName().toString();
            int hops = 0;
            while (v != null && !full.contains(v) && hops++ <= deltas.size()) {
                v = baseOf.get(v);
            }
            if (v == null || !full.contains(v)) {
                broken.add(dir);
            }
        }
        prune(broken, 0);
    }

    /** Temporary and trash directories left by a crash; only the single writer calls this. */
    private void removeLeftovers() throws IOException {
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(modelDir)) {
            for (Path p : stream) {
                String name = p.getFileName().toString();
                if (name.startsWith(TEMP_PREFIX) || name.startsWith(TRASH_PREFIX)) {
                    LOG.info("Removing leftover {}", p);
                    deleteRecursively(p);
                }
            }
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static byte[] readRequired(Path file) throws IOException {
        if (Files.isSymbolicLink(file)) {
            throw new CorruptCheckpointException(file.getFileName() + " is a symbolic link, not a file written here");
        }
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CorruptCheckpointException("missing " + file.getFileName());
        }
    }

    private static void write(Path file, byte[] bytes, boolean force) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            if (force) {
                ch.force(true);
            }
        }
    }

    /** fsync of a directory, so that a rename or a new entry in it is durable. */
    private static void force(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    static String sha256(Path file) throws IOException {
        MessageDigest md = digest();
        ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (ch.read(buffer) >= 0) {
                buffer.flip();
                md.update(buffer);
                buffer.clear();
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static CheckpointManifest.Provenance provenance() {
        Engine engine = Engine.getEngine("PyTorch");
        return new CheckpointManifest.Provenance(System.getProperty("java.version"), Engine.getDjlVersion(),
                engine.getEngineName() + " " + engine.getVersion(),
                System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    }

    private static String reason(Exception e) {
        return e instanceof CorruptCheckpointException || e instanceof UnsupportedCheckpointFormatException
                ? e.getMessage() : e.toString();
    }

    private static ObjectMapper objectMapper() {
        SimpleModule time = new SimpleModule("instant-as-iso-8601");
        time.addSerializer(Instant.class, ToStringSerializer.instance);
        time.addDeserializer(Instant.class, new InstantDeserializer());
        return new ObjectMapper()
                .registerModule(time)
                .enable(SerializationFeature.INDENT_OUTPUT)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /** ISO-8601 instants, e.g. {@code 2026-11-26T10:48:10.123Z}. */
    private static final class InstantDeserializer extends StdDeserializer<Instant> {
        InstantDeserializer() {
            super(Instant.class);
        }

        @Override
        public Instant deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            try {
                return Instant.parse(p.getValueAsString());
            } catch (DateTimeParseException | NullPointerException e) {
                throw ctx.weirdStringException(p.getText(), Instant.class, "not an ISO-8601 instant");
            }
        }
    }
}
