package dev.wnd.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wnd.embedded.EmbeddedRuntime;
import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.model.checkpoint.ModelDirectoryLock;
import dev.wnd.schemas.avro.Example;
import dev.wnd.schemas.topic.AppTopics;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
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
