package dev.wnd.learner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wnd.embedded.EmbeddedRuntime;
import dev.wnd.model.checkpoint.CheckpointManifest;
import dev.wnd.model.checkpoint.CheckpointStore;
import dev.wnd.model.checkpoint.LoadedCheckpoint;
import dev.wnd.schemas.avro.Example;
import dev.wnd.schemas.avro.Split;
import dev.wnd.schemas.topic.AppTopics;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash-resume identity, for real: a learner in a child JVM ({@link LearnerProcess}: deterministic mode, fixed seed,
 * one PyTorch thread, batches of {@value #BATCH} cut by size, a checkpoint every {@value #CHECKPOINT_EVERY} examples)
 * is killed with SIGKILL ({@link Process#destroyForcibly()}) at seeded random moments (during the training, during
 * the startup, or a few milliseconds into a checkpoint write; it also writes a serving snapshot after every batch
 * between checkpoints, so kills land in those too) and restarted each time until a run finishes; its
 * final checkpoint must hold the parameters and optimizer state of an uninterrupted run over the same examples (2
 * partitions, train and validation interleaved; most of them produced while the uninterrupted run learns, so that
 * the broker's fetches interleave the partitions differently in every run), bit for bit, tensor by tensor. Every restart must resume from the
 * newest complete checkpoint, which must lie after a full batch; a torn temporary checkpoint directory (what a kill
 * during a write leaves) must be ignored by loading and removed by the next save.
 *
 * <p>The kills are printed (and written to {@code target/crash-resume/report.txt}, next to each child's log): how
 * many, when, where each run had resumed and how many examples it had trained when killed.
 */
class CrashResumeIT {

    private static final long SEED = 20_260_601L;
    private static final int BATCH = 32;
    private static final int CHECKPOINT_EVERY = 320;
    /** The kills, in order; then a run goes to the end. */
    private static final List<Phase> KILL_PLAN = List.of(Phase.TRAINING, Phase.STARTUP, Phase.CHECKPOINT_WRITE,
            Phase.TRAINING, Phase.CHECKPOINT_WRITE, Phase.TRAINING);
    private static final long MODEL_SEED = 7;

    @TempDir
    Path work;

    private EmbeddedRuntime runtime;
    private final Path logs = Path.of("target", "crash-resume").toAbsolutePath();

    @BeforeEach
    void startBroker() throws IOException {
        runtime = EmbeddedRuntime.start(new EmbeddedRuntime.Config(work.resolve("kafka")));
        Files.createDirectories(logs);
    }

    @AfterEach
    void stopBroker() {
        runtime.close();
    }

    @Test
    void shouldEndWithIdenticalParametersAfterRandomKills() throws Exception {
        AppTopics topics = KafkaSupport.topics(runtime);
        KafkaSupport.createTopics(runtime, topics, 2);
        List<Example> examples = TestExamples.generate(SEED, 3_500, 0, 0, TestExamples.spec().hash());
        long train = TestExamples.count(examples, Split.TRAIN);
        // A fifth of the examples is there from the start; the rest arrives while the uninterrupted run learns, so
        // that its fetches interleave the partitions otherwise than the restarted runs' fetches, which find the
        // whole log there.
        int upfront = examples.size() / 5;
        KafkaSupport.produce(runtime, topics, examples.subList(0, upfront));
        Path drained = work.resolve("upstream-drained");
        Thread upstream = new Thread(() -> {
            try {
                KafkaSupport.produce(runtime, topics, examples.subList(upfront, examples.size()), 200, 20);
                Files.createFile(drained);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "upstream");

        // The uninterrupted run, timed: from READY to the first batch (startup: consumer, seek, first fetch) and from
        // there to the exit (training). The kill delays are drawn from these windows.
        Path reference = work.resolve("reference");
        long t0 = System.nanoTime();
        Child ref = Child.start(this, reference, "reference", 0, 0);
        ref.awaitReady();
        long readyAt = System.nanoTime();
        upstream.start();
        ref.awaitTraining();
        long trainingAt = System.nanoTime();
        ref.awaitExit(180);
        upstream.join(60_000);
        assertThat(drained).as("upstream produced everything").exists();
        long startupMs = TimeUnit.NANOSECONDS.toMillis(trainingAt - readyAt);
        long trainingMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - trainingAt);
        long referenceMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

        // The same examples, killed at random moments and restarted until a run finishes: per the plan, during the
        // training that is left, during the startup (before any batch), or just after a checkpoint write began.
        Path killed = work.resolve("killed");
        Random random = new Random(SEED);
        List<Kill> kills = new ArrayList<>();
        Path torn = killed.resolve(".tmp-ckpt-0000099999-s1-" + UUID.randomUUID());
        String tornRemovedBy = null;
        long killedStart = System.nanoTime();
        int runs = 0;
        long previousResumed = 0;
        Child last = null;
        while (true) {
            Phase phase = kills.size() < KILL_PLAN.size() ? KILL_PLAN.get(kills.size()) : null;
            int killAtCheckpoint = phase == Phase.CHECKPOINT_WRITE ? 1 + random.nextInt(2) : 0;
            long checkpointDelayMs = phase == Phase.CHECKPOINT_WRITE ? random.nextInt(16) : 0;
            Child child = Child.start(this, killed, "run-" + runs++, killAtCheckpoint, checkpointDelayMs);
            child.awaitReady();
            long resumed = child.resumed;
            if (last != null) {
                // A restart resumes from the newest complete checkpoint: the one finished before the kill, or the
                // one being written when it came if its rename was done.
                assertThat(resumed).as("run %d resumed", runs - 1)
                        .isIn(last.checkpointEnded < 0 ? previousResumed : last.checkpointEnded,
                                last.checkpointBegun);
                assertThat(resumed % BATCH).as("checkpoints lie after full batches").isZero();
            }
            if (phase == null) {
                child.awaitExit(180);
                last = child;
                break;
            }
            long delayMs;
            boolean finished;
            switch (phase) {
                case STARTUP -> {
                    delayMs = (long) (random.nextDouble() * 0.8 * startupMs);
                    finished = child.process.waitFor(delayMs, TimeUnit.MILLISECONDS);
                }
                case TRAINING -> {
                    child.awaitTraining();
                    delayMs = (long) (random.nextDouble() * 0.9 * trainingMs * (1.0 - (double) resumed / train));
                    finished = child.process.waitFor(delayMs, TimeUnit.MILLISECONDS);
                }
                default -> {
                    delayMs = checkpointDelayMs; // the child's output thread kills it
                    child.process.waitFor(120, TimeUnit.SECONDS);
                    finished = !child.killedByUs;
                }
            }
            if (finished) {
                child.awaitExit(1); // finished before the kill
                last = child;
                break;
            }
            child.process.destroyForcibly(); // SIGKILL
            child.process.waitFor(30, TimeUnit.SECONDS);
            child.reader.join(10_000);
            if (tornRemovedBy == null && kills.size() > 0 && !Files.exists(torn)) {
                tornRemovedBy = child.name;
            }
            List<String> leftovers = new ArrayList<>(leftovers(killed));
            leftovers.remove(torn.getFileName().toString());
            kills.add(new Kill(kills.size() + 1, phase, killAtCheckpoint, delayMs, resumed,
                    Math.max(resumed, child.trained), child.inCheckpointWrite, leftovers));
            if (kills.size() == 1) {
                // What a kill in the middle of a checkpoint write leaves (the store writes into a temporary
                // directory and renames it): loading must ignore it, and the next save must remove it.
                Files.createDirectories(torn);
                Files.write(torn.resolve("parameters.bin"), new byte[] {'W', 'N', 'D', 'T'});
            }
            previousResumed = resumed;
            last = child;
        }
        if (tornRemovedBy == null && !Files.exists(torn)) {
            tornRemovedBy = last.name;
        }
        long killedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedStart);

        StringBuilder report = new StringBuilder(String.format("crash-resume: %d examples (%d train), batch %d, "
                + "checkpoint every %d; uninterrupted run %d ms (startup after READY %d ms, training %d ms); "
                + "killed runs %d ms in %d runs, %d kills:%n", examples.size(), train, BATCH, CHECKPOINT_EVERY,
                referenceMs, startupMs, trainingMs, killedMs, runs, kills.size()));
        kills.forEach(k -> report.append("  ").append(k).append(System.lineSeparator()));
        report.append(String.format("  a torn temporary checkpoint directory planted after kill 1 was removed by %s%n",
                tornRemovedBy));
        System.out.print(report);
        Files.writeString(logs.resolve("report.txt"), report);

        assertThat(kills).as("kills").hasSizeGreaterThanOrEqualTo(4);
        assertThat(kills).as("at least one kill lost trained work that a restart had to redo")
                .anyMatch(k -> k.trainedAtKill() > k.resumedFrom());
        assertThat(leftovers(killed)).as("leftovers after the final run").isEmpty();
        assertThat(kills).as("a kill during a checkpoint write").anyMatch(k -> k.phase() == Phase.CHECKPOINT_WRITE);

        LoadedCheckpoint expected = new CheckpointStore(reference, 3).loadNewestValid().orElseThrow();
        LoadedCheckpoint actual = new CheckpointStore(killed, 3).loadNewestValid().orElseThrow();
        CheckpointManifest e = expected.manifest();
        CheckpointManifest a = actual.manifest();
        assertThat(e.examplesTrained()).isEqualTo(train);
        assertThat(a.examplesTrained()).isEqualTo(train);
        assertThat(a.step()).isEqualTo(e.step()).isEqualTo((train + BATCH - 1) / BATCH);
        assertThat(e.offsets()).isEqualTo(KafkaSupport.endOffsets(runtime.bootstrapServers(), "examples"));
        assertThat(a.offsets()).isEqualTo(e.offsets());
        CheckpointTensors.Comparison comparison = CheckpointTensors.compare(expected, actual);
        assertThat(comparison.compared()).isGreaterThan(10);
        assertThat(comparison.differences()).as("tensors differing from the uninterrupted run").isEmpty();
        System.out.printf("crash-resume: %s and %s bit-identical over %d tensors%n", expected.version(),
                actual.version(), comparison.compared());
    }

    private static List<String> leftovers(Path modelDir) throws IOException {
        if (!Files.isDirectory(modelDir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(modelDir)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(".tmp-") || n.startsWith(".trash-")).sorted().toList();
        }
    }

    /** One kill: when, where the run had resumed, how far it had trained, what the model directory held after. */
    record Kill(int number, Phase phase, int checkpoint, long delayMs, long resumedFrom, long trainedAtKill,
            boolean inCheckpointWrite, List<String> leftovers) {
        @Override
        public String toString() {
            String when = switch (phase) {
                case STARTUP -> delayMs + " ms after READY (drawn within the startup time)";
                case TRAINING -> delayMs + " ms into the training";
                case CHECKPOINT_WRITE -> delayMs + " ms after checkpoint write " + checkpoint + " of the run began";
            };
            return String.format("kill %d, %s: resumed from %d, killed at %d examples trained%s%s, leftovers %s",
                    number, when, resumedFrom, trainedAtKill, trainedAtKill == resumedFrom ? " (no batch yet)" : "",
                    inCheckpointWrite ? ", inside the checkpoint write" : "", leftovers);
        }
    }

    /** When a kill comes. */
    enum Phase { STARTUP, TRAINING, CHECKPOINT_WRITE }

    /** A {@link LearnerProcess} child, with a thread copying its output to a log and following its progress. */
    private static final class Child {
        final Process process;
        final Thread reader;
        final String name;
        final CountDownLatch ready = new CountDownLatch(1);
        final CountDownLatch training = new CountDownLatch(1);
        final Deque<String> tail = new ArrayDeque<>();
        volatile long resumed = -1;
        volatile long trained = -1;
        volatile long checkpointBegun = -1;
        volatile long checkpointEnded = -1;
        volatile boolean inCheckpointWrite;
        volatile boolean killedByUs;
        private final int killAtCheckpoint;
        private final long checkpointDelayMs;
        private int checkpointsBegun;

        private Child(Process process, String name, Path log, int killAtCheckpoint, long checkpointDelayMs) {
            this.process = process;
            this.name = name;
            this.killAtCheckpoint = killAtCheckpoint;
            this.checkpointDelayMs = checkpointDelayMs;
            this.reader = new Thread(() -> follow(log), "child-" + name);
            this.reader.setDaemon(true);
            this.reader.start();
        }

        /**
         * Starts a child on {@code modelDir}; with {@code killAtCheckpoint} &gt; 0 its output thread kills it
         * {@code checkpointDelayMs} after the line announcing that checkpoint write (1-based within the run).
         */
        static Child start(CrashResumeIT test, Path modelDir, String name, int killAtCheckpoint,
                long checkpointDelayMs) throws IOException {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1",
                    "-Dai.djl.pytorch.num_interop_threads=1"));
            String logback = System.getProperty("logback.configurationFile");
            if (logback != null) {
                command.add("-Dlogback.configurationFile=" + logback);
            }
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), LearnerProcess.class.getName(),
                    test.runtime.bootstrapServers(), test.runtime.registryUrl(), modelDir.toString(),
                    Integer.toString(BATCH), Integer.toString(CHECKPOINT_EVERY), Long.toString(MODEL_SEED),
                    test.work.resolve("upstream-drained").toString()));
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().put("DJL_OFFLINE", "true");
            pb.environment().put("PYTORCH_FLAVOR", "cpu");
            pb.environment().put("OMP_NUM_THREADS", "1");
            pb.environment().put("MKL_NUM_THREADS", "1");
            return new Child(pb.start(), name, test.logs.resolve(modelDir.getFileName() + "-" + name + ".log"),
                    killAtCheckpoint, checkpointDelayMs);
        }

        private void follow(Path log) {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8));
                    PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
                String line;
                while ((line = in.readLine()) != null) {
                    out.println(line);
                    synchronized (tail) {
                        tail.addLast(line);
                        if (tail.size() > 40) {
                            tail.removeFirst();
                        }
                    }
                    if (line.startsWith("@@READY ")) {
                        resumed = Long.parseLong(line.substring(8).trim());
                        ready.countDown();
                    } else if (line.startsWith("@@TRAINED ")) {
                        trained = Long.parseLong(line.substring(10).trim());
                        training.countDown();
                    } else if (line.startsWith("@@CKPT-BEGIN ")) {
                        checkpointBegun = Long.parseLong(line.substring(13).trim());
                        inCheckpointWrite = true;
                        if (++checkpointsBegun == killAtCheckpoint) {
                            sleep(checkpointDelayMs);
                            killedByUs = true;
                            process.destroyForcibly(); // SIGKILL
                        }
                    } else if (line.startsWith("@@CKPT-END ")) {
                        checkpointEnded = checkpointBegun;
                        inCheckpointWrite = false;
                    }
                }
            } catch (IOException e) {
                // the child was killed: its output ends here
            } finally {
                ready.countDown();
                training.countDown();
            }
        }

        void awaitReady() throws InterruptedException {
            if (!ready.await(120, TimeUnit.SECONDS) || resumed < 0) {
                process.destroyForcibly();
                throw new AssertionError(name + " did not get ready:\n" + tail());
            }
        }

        private static void sleep(long ms) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Until the first batch was trained (or the output ended). */
        void awaitTraining() throws InterruptedException {
            if (!training.await(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(name + " trained nothing in 120 s:\n" + tail());
            }
        }

        void awaitExit(int seconds) throws InterruptedException {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(name + " did not finish in " + seconds + " s:\n" + tail());
            }
            reader.join(10_000);
            if (process.exitValue() != 0) {
                throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + tail());
            }
        }

        String tail() {
            synchronized (tail) {
                return String.join("\n", tail);
            }
        }
    }
}
