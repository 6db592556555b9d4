package dev.wnd.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wnd.embedded.EmbeddedRuntime;
import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.model.checkpoint.CheckpointStore;
import dev.wnd.model.checkpoint.LoadedCheckpoint;
import dev.wnd.model.checkpoint.ModelDirectoryLock;
import dev.wnd.schemas.avro.Example;
import dev.wnd.schemas.kafka.KafkaConnection;
import dev.wnd.schemas.topic.AppTopics;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault suite, scenario "Learner": a learner refuses what it cannot trust. A checkpoint of a format version it does
 * not read, or a directory of checkpoints none of which verifies, stops it with an error that names the directory
 * and says what to do (never a silent fresh start); a second learner on a model directory, in another process or
 * in the same one, is refused with the holder's pid until the holder closes or dies.
 */
class LearnerFaultIT {

    private static final int BATCH = 32;

    @TempDir
    Path work;

    private EmbeddedRuntime runtime;
    private final FeatureSpec spec = TestExamples.spec();
    private final List<Example> examples = TestExamples.generate(5, 120, 0, 0, spec.hash());
    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void stop() {
        children.forEach(Process::destroyForcibly);
        if (runtime != null) {
            runtime.close();
        }
    }

    @Test
    void shouldStopOnACheckpointOfAFormatVersionItDoesNotReadNamingTheDirectoryAndBothVersions() throws Exception {
        Path dir = work.resolve("model");
        writeCheckpoints(dir, 2);
        Path newest = dir.resolve("ckpt-0000000002-s2");
        rewriteManifest(newest, m -> m.put("formatVersion", 2));
        List<String> before = entries(dir);

        assertThatThrownBy(() -> open(dir)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(newest.toString())
                .hasMessageContaining("format version 2")
                .hasMessageContaining("this build reads format version 1");
        // it neither fell back to the older checkpoint nor wrote anything
        assertThat(entries(dir)).isEqualTo(before);
    }

    @Test
    void shouldStopOnADirectoryOfCheckpointsNoneOfWhichVerifiesInsteadOfStartingAFreshModel() throws Exception {
        Path dir = work.resolve("model");
        writeCheckpoints(dir, 2);
        flipAByte(dir.resolve("ckpt-0000000002-s2").resolve("parameters.bin"));
        Files.delete(dir.resolve("ckpt-0000000001-s1").resolve("manifest.sha256"));
        List<String> before = entries(dir);

        assertThatThrownBy(() -> open(dir)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("none of the 2 checkpoints in " + dir)
                .hasMessageContaining("ckpt-0000000002-s2: parameters.bin: SHA-256")
                .hasMessageContaining("ckpt-0000000001-s1: missing manifest.sha256")
                .hasMessageContaining("Restore a good checkpoint")
                .hasMessageContaining("move the directory aside");
        assertThat(entries(dir)).isEqualTo(before);

        // Moved aside on purpose, the learner starts over.
        Path aside = Files.move(dir, work.resolve("model-damaged"));
        try (DjlTrainableModel fresh = open(dir)) {
            assertThat(fresh.examplesTrained()).isZero();
            assertThat(fresh.restoredOffsets()).isEmpty();
        }
        assertThat(aside).isDirectory();
    }

    @Test
    void shouldRefuseASecondLearnerOnTheSameModelDirectoryUntilTheFirstClosesOrDies() throws Exception {
        runtime = EmbeddedRuntime.start(new EmbeddedRuntime.Config(work.resolve("kafka")));
        AppTopics topics = KafkaSupport.topics(runtime);
        KafkaSupport.createTopics(runtime, topics, 2);
        KafkaSupport.produce(runtime, topics, TestExamples.generate(7, 40, 0, 0, spec.hash()));
        Path dir = work.resolve("model");

        // A learner in its own process holds the directory (its upstream never drains: it runs until killed).
        Child first = Child.start(runtime, dir, work.resolve("never-drained"));
        children.add(first.process);
        first.awaitReady();
        long firstPid = first.process.pid();
        assertThat(ModelDirectoryLock.recordedHolder(dir)).hasValueSatisfying(h -> assertThat(h)
                .contains("pid " + firstPid).contains("started "));

        // Refused here, in this process ...
        assertThatThrownBy(() -> open(dir)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("in use by another learner (pid " + firstPid);
        // ... and in another one, which exits non-zero naming the holder.
        Child second = Child.start(runtime, dir, work.resolve("never-drained"));
        children.add(second.process);
        assertThat(second.process.waitFor(120, TimeUnit.SECONDS)).as("the second learner exits").isTrue();
        second.reader.join(10_000);
        assertThat(second.process.exitValue()).isEqualTo(1);
        assertThat(second.output()).contains("in use by another learner (pid " + firstPid).doesNotContain("@@READY");
        assertThat(first.process.isAlive()).as("the first learner still runs").isTrue();

        // The lock dies with its holder's process, whatever kills it.
        first.process.destroyForcibly();
        assertThat(first.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        long me = ProcessHandle.current().pid();
        try (DjlTrainableModel mine = open(dir)) {
            // (never read the lock file in the process that holds it: closing it would drop the process's lock)
            assertThat(ModelDirectoryLock.recordedHolder(dir)).hasValueSatisfying(h -> assertThat(h)
                    .contains("pid " + me));
            // Within one process too: a second learner is refused, and the refusal leaves the first one's lock held.
            assertThatThrownBy(() -> open(dir)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("in use by another learner (pid " + me).hasMessageContaining("this process");
            Child third = Child.start(runtime, dir, work.resolve("never-drained"));
            children.add(third.process);
            assertThat(third.process.waitFor(120, TimeUnit.SECONDS)).isTrue();
            third.reader.join(10_000);
            assertThat(third.process.exitValue()).isEqualTo(1);
            assertThat(third.output()).contains("in use by another learner (pid " + me);
        }
        // Closed: free again.
        try (DjlTrainableModel again = open(dir)) {
            assertThat(again.examplesTrained()).isZero();
        }
    }

    /**
     * A checkpoint onto a full file system (a small tmpfs as the model directory, filled up just before a checkpoint)
     * fails alone: the previous checkpoint stays intact and verifying, nothing partial is left, one WARN line says
     * so, and the learner retries at the next checkpoint moment, which succeeds once there is space. When it cannot
     * go on (more failures in a row than it tolerates, or the final checkpoint of a run) it stops with a clear
     * error, and a restart after space returns resumes from the newest checkpoint. In every case the end is exactly
     * once: the same examples trained, the same offsets and bit-identical parameters and optimizer state as an
     * uninterrupted run (deterministic mode).
     */
    @Test
    void shouldFailACheckpointOnAFullDiskCleanlyRetryAndResumeExactlyOnce() throws Exception {
        Tmpfs disk = Tmpfs.mountOrSkip(work.resolve("tmpfs"), "8m");
        try {
            runtime = EmbeddedRuntime.start(new EmbeddedRuntime.Config(work.resolve("kafka")));
            AppTopics topics = KafkaSupport.topics(runtime);
            KafkaSupport.createTopics(runtime, topics, 2);
            List<Example> input = TestExamples.generate(41, 600, 0, 0, spec.hash());
            KafkaSupport.produce(runtime, topics, input);
            long train = TestExamples.count(input, dev.wnd.schemas.avro.Split.TRAIN);
            assertThat(train % CHECKPOINT_EVERY).as("the final checkpoint is not also one by count").isNotZero();
            Map<String, Long> end = KafkaSupport.endOffsets(runtime.bootstrapServers(), "examples");
            org.slf4j.Logger logger = org.slf4j.LoggerFactory.getLogger(OnlineLearner.class);
            ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> log =
                    new ch.qos.logback.core.read.ListAppender<>();
            log.start();
            ((ch.qos.logback.classic.Logger) logger).addAppender(log);

            // The uninterrupted run.
            Path reference = work.resolve("reference");
            try (DiskModel model = new DiskModel(open(reference), reference, null)) {
                assertThat(learn(topics, model, 10).examplesTrained()).isEqualTo(train);
            }
            LoadedCheckpoint expected = new CheckpointStore(reference, 3).loadForResume().orElseThrow();
            assertThat(expected.manifest().examplesTrained()).isEqualTo(train);
            assertThat(expected.offsets()).isEqualTo(end);

            // 1. Full before the second checkpoint, still full at the third, space again at the fourth: two
            //    failures, each one line, each leaving the first checkpoint intact; then on to the end.
            Path retried = disk.root().resolve("retried");
            try (DiskModel model = new DiskModel(open(retried), retried, disk)) {
                model.fillAt = 2;
                model.freeAt = 4;
                log.list.clear();
                assertThat(learn(topics, model, 10).examplesTrained()).isEqualTo(train);
                assertThat(model.failures).extracting(Failure::attempt).containsExactly(2, 3);
                assertThat(model.failures).allSatisfy(f -> {
                    assertThat(f.message()).contains("No space left on device");
                    assertThat(f.resumable()).isEqualTo(model.saved.get(0));
                    assertThat(f.leftovers()).isEmpty();
                });
                List<String> lines = log.list.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
                        .map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                        .filter(m -> m.startsWith("checkpoint failed")).toList();
                assertThat(lines).hasSize(2).allSatisfy(m -> assertThat(m).contains("No space left on device")
                        .contains("offsets " + new java.util.TreeMap<>(model.saved.get(0))).contains("tries again"));
            }
            assertSameAsUninterrupted(retried, expected, end);

            // 2. Full from the second checkpoint on: one failure is tolerated, the second stops the learner.
            Path gaveUp = disk.root().resolve("gave-up");
            Map<String, Long> kept;
            try (DiskModel model = new DiskModel(open(gaveUp), gaveUp, disk)) {
                model.fillAt = 2;
                assertThatThrownBy(() -> learn(topics, model, 1)).isInstanceOf(CheckpointFailedException.class)
                        .hasMessageContaining("checkpoint 2 in a row")
                        .hasMessageContaining("No space left on device")
                        .hasMessageContaining("offsets " + new java.util.TreeMap<>(model.saved.get(0)))
                        .hasMessageContaining("Free space in the model directory and start the learner again");
                assertThat(model.failures).extracting(Failure::attempt).containsExactly(2, 3);
                assertThat(model.failures).allSatisfy(f -> assertThat(f.leftovers()).isEmpty());
                kept = model.saved.get(0);
            }
            disk.free();
            resumeAndCheck(topics, gaveUp, kept, train, expected, end);

            // 3. Full at the final checkpoint of the run: nothing to retry at, so it stops; then resumes.
            Path finalFull = disk.root().resolve("final-full");
            try (DiskModel model = new DiskModel(open(finalFull), finalFull, disk)) {
                model.fillAtExamples = train;
                assertThatThrownBy(() -> learn(topics, model, 10)).isInstanceOf(CheckpointFailedException.class)
                        .hasMessageContaining("the final checkpoint of the run failed")
                        .hasMessageContaining("No space left on device");
                kept = model.saved.get(model.saved.size() - 1);
                assertThat(model.failures).singleElement()
                        .satisfies(f -> assertThat(f.resumable()).isEqualTo(model.saved.get(model.saved.size() - 1)))
                        .satisfies(f -> assertThat(f.leftovers()).isEmpty());
            }
            disk.free();
            resumeAndCheck(topics, finalFull, kept, train, expected, end);
            ((ch.qos.logback.classic.Logger) logger).detachAppender(log);
        } finally {
            if (runtime != null) {
                runtime.close();
                runtime = null;
            }
            disk.close();
        }
    }

    private static final int CHECKPOINT_EVERY = 320;

    /**
     * A learner restarted on {@code dir} resumes at {@code kept}, trains exactly the train examples after it, and
     * ends like the uninterrupted run.
     */
    private void resumeAndCheck(AppTopics topics, Path dir, Map<String, Long> kept, long train,
            LoadedCheckpoint expected, Map<String, Long> end) throws IOException {
        try (DiskModel model = new DiskModel(open(dir), dir, null)) {
            assertThat(model.restoredOffsets()).isEqualTo(kept);
            long resumedAt = model.examplesTrained();
            assertThat(learn(topics, model, 10).examplesTrained()).isEqualTo(train);
            assertThat(model.trainedHere).as("examples trained after the restart").isEqualTo(train - resumedAt);
        }
        assertSameAsUninterrupted(dir, expected, end);
    }

    private static void assertSameAsUninterrupted(Path dir, LoadedCheckpoint expected, Map<String, Long> end)
            throws IOException {
        LoadedCheckpoint actual = new CheckpointStore(dir, 3).loadForResume().orElseThrow();
        assertThat(actual.manifest().examplesTrained()).isEqualTo(expected.manifest().examplesTrained());
        assertThat(actual.manifest().step()).isEqualTo(expected.manifest().step());
        assertThat(actual.offsets()).isEqualTo(end);
        CheckpointTensors.Comparison c = CheckpointTensors.compare(expected, actual);
        assertThat(c.compared()).isGreaterThan(10);
        assertThat(c.differences()).as("tensors differing from the uninterrupted run").isEmpty();
    }

    private OnlineLearner.Summary learn(AppTopics topics, TrainableModel model, int maxFailedCheckpoints) {
        LearnerConfig config = new LearnerConfig(KafkaConnection.plaintext(runtime.bootstrapServers()), BATCH,
                Duration.ofSeconds(1), CHECKPOINT_EVERY, Duration.ZERO, true, "wnd", null, 1, Duration.ofNanos(1),
                maxFailedCheckpoints);
        try (OnlineLearner learner = new OnlineLearner(config, topics, model, new OnlineMetrics(1_000))) {
            return learner.run(() -> true);
        }
    }

    /** A failed checkpoint attempt and what the model directory held right after it. */
    record Failure(int attempt, String message, Map<String, Long> resumable, List<String> leftovers) {
    }

    /**
     * The real model, with the disk filled before checkpoint attempt {@link #fillAt} (or the one at
     * {@link #fillAtExamples} examples) and freed before attempt {@link #freeAt}; after each failed attempt it
     * records what a restart would resume from and what partial files are left.
     */
    private static final class DiskModel implements TrainableModel {
        final DjlTrainableModel delegate;
        final Path dir;
        final Tmpfs disk;
        final List<Failure> failures = new ArrayList<>();
        /** The offsets of each checkpoint written, in order. */
        final List<Map<String, Long>> saved = new ArrayList<>();
        int fillAt = -1;
        long fillAtExamples = -1;
        int freeAt = -1;
        long trainedHere;
        private int attempts;

        DiskModel(DjlTrainableModel delegate, Path dir, Tmpfs disk) {
            this.delegate = delegate;
            this.dir = dir;
            this.disk = disk;
        }

        @Override
        public double train(dev.wnd.model.Batch batch) {
            trainedHere += batch.size();
            return delegate.train(batch);
        }

        @Override
        public float[] predict(dev.wnd.model.Batch batch) {
            return delegate.predict(batch);
        }

        @Override
        public String specHash() {
            return delegate.specHash();
        }

        @Override
        public Checkpointed checkpoint(Map<String, Long> nextOffsets, int epoch, long examplesTrained,
                long streamTime) {
            attempts++;
            if (attempts == fillAt || examplesTrained == fillAtExamples) {
                disk.fill();
            }
            if (attempts == freeAt) {
                disk.free();
            }
            try {
                Checkpointed c = delegate.checkpoint(nextOffsets, epoch, examplesTrained, streamTime);
                saved.add(Map.copyOf(nextOffsets));
                return c;
            } catch (java.io.UncheckedIOException e) {
                try {
                    Map<String, Long> resumable = new CheckpointStore(dir, 3).loadForResume()
                            .map(LoadedCheckpoint::offsets).orElse(Map.of());
                    failures.add(new Failure(attempts, e.getMessage() + ": " + e.getCause().getMessage(),
                            resumable, leftovers(dir)));
                } catch (IOException inspection) {
                    throw new java.io.UncheckedIOException(inspection);
                }
                throw e;
            }
        }

        @Override
        public Checkpointed servingSnapshot(Map<String, Long> nextOffsets, int epoch, long examplesTrained,
                long streamTime) {
            return delegate.servingSnapshot(nextOffsets, epoch, examplesTrained, streamTime);
        }

        @Override
        public Map<String, Long> restoredOffsets() {
            return delegate.restoredOffsets();
        }

        @Override
        public int restoredEpoch() {
            return delegate.restoredEpoch();
        }

        @Override
        public long examplesTrained() {
            return delegate.examplesTrained();
        }

        @Override
        public void close() {
            delegate.close();
        }

        private static List<String> leftovers(Path dir) throws IOException {
            try (Stream<Path> s = Files.list(dir)) {
                return s.map(p -> p.getFileName().toString())
                        .filter(n -> n.startsWith(".tmp-") || n.startsWith(".trash-")).toList();
            }
        }
    }

    /** A small tmpfs mounted for one test, that can be filled to the last page and freed again. */
    static final class Tmpfs implements AutoCloseable {
        private final Path root;
        private final Path filler;

        private Tmpfs(Path root) {
            this.root = root;
            this.filler = root.resolve("filler");
        }

        /** Mounts a tmpfs of {@code size} at {@code dir}, or skips the test (with the reason) where it cannot. */
        static Tmpfs mountOrSkip(Path dir, String size) throws Exception {
            Files.createDirectories(dir);
            String out;
            int rc;
            try {
                Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString())
                        .redirectErrorStream(true).start();
                out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                rc = p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
            } catch (IOException e) {
                out = e.toString();
                rc = -1;
            }
            org.junit.jupiter.api.Assumptions.assumeTrue(rc == 0,
                    "cannot mount a tmpfs here (mount exited " + rc + ": " + out + "): the full-disk scenario needs one");
            return new Tmpfs(dir);
        }

        Path root() {
            return root;
        }

        /** Writes until the file system has no page left. */
        void fill() {
            byte[] chunk = new byte[64 * 1024];
            try (java.io.OutputStream out = Files.newOutputStream(filler, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND)) {
                for (int size : new int[] {64 * 1024, 4096, 1}) {
                    try {
                        while (true) {
                            out.write(chunk, 0, size);
                            out.flush();
                        }
                    } catch (IOException full) {
                        // this chunk size no longer fits; try a smaller one
                    }
                }
            } catch (IOException e) {
                // closing a full file: what was written stays
            }
        }

        /** Frees what {@link #fill} took. */
        void free() {
            try {
                Files.deleteIfExists(filler);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        /** Unmounts (lazily, should something still hold a file open). */
        @Override
        public void close() throws Exception {
            Process p = new ProcessBuilder("umount", root.toString()).redirectErrorStream(true).start();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                new ProcessBuilder("umount", "-l", root.toString()).start().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private DjlTrainableModel open(Path dir) {
        return DjlTrainableModel.open(spec, TestExamples.modelConfig(9), dir, 3);
    }

    /** {@code count} checkpoints of one batch each, then the learner closes. */
    private void writeCheckpoints(Path dir, int count) {
        try (DjlTrainableModel model = open(dir)) {
            for (int i = 0; i < count; i++) {
                model.train(DjlTrainableModelTest.batch(examples.subList(i * BATCH, (i + 1) * BATCH)));
                model.checkpoint(Map.of("examples-0", (i + 1) * 40L), model.examplesTrained(), 0);
            }
        }
    }

    private static List<String> entries(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    /** Edits a checkpoint's manifest and writes its digest to match: intact, as far as the digest can tell. */
    private static void rewriteManifest(Path checkpoint, java.util.function.Consumer<ObjectNode> edit)
            throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode manifest = (ObjectNode) json.readTree(checkpoint.resolve("manifest.json").toFile());
        edit.accept(manifest);
        byte[] bytes = json.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest);
        Files.write(checkpoint.resolve("manifest.json"), bytes);
        Files.writeString(checkpoint.resolve("manifest.sha256"),
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)) + "\n");
    }

    private static void flipAByte(Path file) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            long at = f.length() / 2;
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x40);
        }
    }

    /** A {@link LearnerProcess} child with its output collected. */
    static final class Child {
        final Process process;
        final Thread reader;
        private final StringBuffer output = new StringBuffer();
        private final CountDownLatch ready = new CountDownLatch(1);

        private Child(Process process) {
            this.process = process;
            this.reader = new Thread(this::follow, "child-" + process.pid());
            this.reader.setDaemon(true);
            this.reader.start();
        }

        static Child start(EmbeddedRuntime runtime, Path modelDir, Path drained) throws IOException {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1",
                    "-Dai.djl.pytorch.num_interop_threads=1"));
            String logback = System.getProperty("logback.configurationFile");
            if (logback != null) {
                command.add("-Dlogback.configurationFile=" + logback);
            }
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), LearnerProcess.class.getName(),
                    runtime.bootstrapServers(), runtime.registryUrl(), modelDir.toString(), Integer.toString(BATCH),
                    "1000", "7", drained.toString()));
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().put("DJL_OFFLINE", "true");
            pb.environment().put("PYTORCH_FLAVOR", "cpu");
            pb.environment().put("OMP_NUM_THREADS", "1");
            return new Child(pb.start());
        }

        private void follow() {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    output.append(line).append('\n');
                    if (line.startsWith("@@READY ")) {
                        ready.countDown();
                    }
                }
            } catch (IOException e) {
                // killed: the output ends here
            } finally {
                ready.countDown();
            }
        }

        void awaitReady() throws InterruptedException {
            if (!ready.await(120, TimeUnit.SECONDS) || !output.toString().contains("@@READY ")) {
                throw new AssertionError("the learner did not get ready:\n" + output);
            }
        }

        String output() {
            return output.toString();
        }
    }
}
