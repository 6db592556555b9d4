package dev.wnd.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wnd.embedded.EmbeddedRuntime;
import dev.wnd.ingest.generate.DataGenerator;
import dev.wnd.ingest.generate.GeneratorConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The four stages of docker-compose.yml, each started as its own JVM the way its container starts it: the
 * service's command as the only argument and its {@code environment} block as the only configuration, against one
 * embedded broker and registry; stopped with SIGTERM, as {@code docker compose stop} does. The learner's checkpoint
 * is the one it writes when stopped (the compose file checkpoints every 5 minutes), which the scorer then serves.
 *
 * <p>What differs from the compose file, and why:
 * <ul>
 *   <li>{@code WND_BOOTSTRAP} and {@code WND_REGISTRY} point at the embedded broker and registry (there are no
 *       {@code kafka} and {@code schema-registry} hosts here);</li>
 *   <li>every absolute path is moved under a temporary directory the way the service's mounts would place it: a
 *       path inside a named volume lands in that volume's directory (so learner and scorer share
 *       {@code checkpoints}), the ingest data mount is the generated data set, anything else is private to the
 *       service (its /tmp);</li>
 *   <li>the learner trains a small network ({@code WND_DEEP_HIDDEN_UNITS=64,64}; the compose file keeps the
 *       seed's 5x1024), so that a shared CPU trains the small data set in seconds and checkpoints small files;</li>
 *   <li>the JVMs get the variables the image sets (DJL offline, CPU libtorch) and this JVM's class path, which
 *       holds the same code as the image.</li>
 * </ul>
 */
class ComposeStagesIT {

    private static final Duration STAGE_TIMEOUT = Duration.ofMinutes(4);

    @TempDir
    Path work;

    private final List<Stage> started = new ArrayList<>();

    @AfterEach
    void stopWhatIsLeft() {
        started.forEach(s -> s.process.destroyForcibly());
    }

    @Test
    void shouldIngestBuildExamplesLearnAndScoreWhenStartedFromTheComposeEnvironment() throws Exception {
        ComposeFile compose = ComposeFile.ofRepository();
        Path data = work.resolve("data");
        DataGenerator.generate(GeneratorConfig.defaults(1_500, 5), data);

        try (EmbeddedRuntime cluster = EmbeddedRuntime.startFresh(work.resolve("cluster"), 0, 0, 1);
                Admin admin = admin(cluster)) {
            Map<String, Map<String, String>> env = new LinkedHashMap<>();
            for (String service : ComposeFile.STAGES) {
                env.put(service, environmentFor(compose, service, cluster, data));
            }
            env.get("learner").put("WND_DEEP_HIDDEN_UNITS", "64,64");

            Stage features = start(compose, "features", env.get("features"));
            Stage learner = start(compose, "learner", env.get("learner"));
            Stage scorer = start(compose, "scorer", env.get("scorer"));
            Stage ingest = start(compose, "ingest", env.get("ingest"));

            // ingest: a one-shot job that replays everything and exits 0
            assertThat(ingest.process.waitFor(STAGE_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as(ingest.tail()).isTrue();
            ingest.awaitOutput();
            assertThat(ingest.process.exitValue()).as(ingest.tail()).isZero();
            assertThat(endOffset(admin, "displays")).isPositive();
            assertThat(endOffset(admin, "labels")).isPositive();

            // features: examples out
            await("examples").atMost(STAGE_TIMEOUT).untilAsserted(() ->
                    assertThat(endOffset(admin, "examples")).as(features.tail()).isPositive());

            // learner: trains on the examples
            await("the learner training").atMost(STAGE_TIMEOUT).untilAsserted(() ->
                    assertThat(learner.examplesTrained()).as(learner.tail()).isPositive());

            // every running stage beats, and the container health check (wnd health, same environment) says so
            for (String service : List.of("features", "learner", "scorer")) {
                await(service + " healthy").atMost(Duration.ofMinutes(1)).untilAsserted(() ->
                        assertThat(healthCheck(env.get(service))).as(service).isZero());
            }

            // SIGTERM, as docker compose stop sends: the learner trains what it holds, checkpoints into the shared
            // volume and announces the checkpoint on model-versions, well within its grace period
            Path checkpoints = Path.of(env.get("learner").get("WND_MODEL_DIR"));
            assertThat(Path.of(env.get("scorer").get("WND_MODEL_DIR"))).isEqualTo(checkpoints);
            stop(learner, env);
            assertThat(learner.tail()).contains("last checkpoint ckpt-");
            assertThat(checkpointsIn(checkpoints)).as(learner.tail()).isNotEmpty();
            assertThat(endOffset(admin, "model-versions")).isPositive();

            // scorer: a JSON request answered by the learner's model, loaded on the announcement
            JsonNode answer = scoreUntilAnsweredByACheckpoint(cluster, scorer);
            assertThat(answer.path("ads")).hasSize(2);
            assertThat(checkpointsIn(checkpoints)).contains(answer.path("model_version").asText());

            stop(scorer, env);
            stop(features, env);
        }
    }

    /** SIGTERM (docker compose stop); the stage must close cleanly well within its grace period. */
    private static void stop(Stage stage, Map<String, Map<String, String>> env) throws InterruptedException {
        long started = System.nanoTime();
        // Through the handle: Process.destroy() would also close our end of its output, losing what it prints
        // while it shuts down.
        stage.process.toHandle().destroy();
        assertThat(stage.process.waitFor(60, TimeUnit.SECONDS)).as(stage.name + " stops on SIGTERM\n"
                + stage.tail()).isTrue();
        System.out.printf("%s stopped %.1f s after SIGTERM%n", stage.name, (System.nanoTime() - started) / 1e9);
        stage.awaitOutput();
        assertThat(stage.process.exitValue()).as(stage.tail()).isIn(0, 143);
        assertThat(Path.of(env.get(stage.name).get("WND_HEALTH_FILE"))).as("removed on stop").doesNotExist();
    }

    /**
     * The service's environment as its container would see it, with the overrides of the class comment.
     */
    private Map<String, String> environmentFor(ComposeFile compose, String service, EmbeddedRuntime cluster,
            Path data) {
        Map<String, String> env = new LinkedHashMap<>(compose.environment(service));
        env.put("WND_BOOTSTRAP", cluster.bootstrapServers());
        env.put("WND_REGISTRY", cluster.registryUrl());
        env.replaceAll((name, value) -> value.startsWith("/") ? hostPath(compose, service, value, data).toString()
                : value);
        return env;
    }

    /** Where a container path of {@code service} lives here: in its named volume, the data set, or private. */
    private Path hostPath(ComposeFile compose, String service, String containerPath, Path data) {
        Path path = Path.of(containerPath);
        for (ComposeFile.Mount mount : compose.mounts(service)) {
            Path target = Path.of(mount.target());
            if (path.startsWith(target)) {
                Path base = mount.named() ? work.resolve("volumes").resolve(mount.source()) : data;
                return base.resolve(target.relativize(path).toString());
            }
        }
        return work.resolve("containers").resolve(service).resolve(containerPath.substring(1));
    }

    private Stage start(ComposeFile compose, String service, Map<String, String> env) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx768m", "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1",
                "-Dai.djl.pytorch.num_interop_threads=1"));
        // The serial collector keeps the stages small here, unless the service chooses one (the features service
        // does, through JAVA_TOOL_OPTIONS): the JVM refuses two.
        if (!env.getOrDefault("JAVA_TOOL_OPTIONS", "").matches(".*-XX:\\+Use\\w*GC.*")) {
            command.add(1, "-XX:+UseSerialGC");
        }
        String logback = System.getProperty("logback.configurationFile");
        if (logback != null) {
            command.add("-Dlogback.configurationFile=" + logback);
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Wnd.class.getName()));
        command.addAll(compose.command(service));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> processEnv = pb.environment();
        String home = processEnv.get("HOME");
        processEnv.clear();
        // What the image sets (its DJL cache is prefilled; here the user's DJL cache is reused).
        processEnv.put("DJL_OFFLINE", "true");
        processEnv.put("PYTORCH_FLAVOR", "cpu");
        if (home != null) {
            processEnv.put("HOME", home);
        }
        processEnv.putAll(env);
        // The stages' output stays in target/ for a look after a failure (the temporary directory does not).
        Stage stage = new Stage(service, pb.start(), Path.of("target", "compose-stages-it", service + ".log"));
        started.add(stage);
        return stage;
    }

    private static int healthCheck(Map<String, String> env) {
        CommandLine cli = Wnd.commandLine(env);
        cli.setOut(new PrintWriter(new StringWriter()));
        cli.setErr(new PrintWriter(new StringWriter()));
        return cli.execute("health");
    }

    private static List<String> checkpointsIn(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("ckpt-")).sorted().toList();
        }
    }

    private static Admin admin(EmbeddedRuntime cluster) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        return Admin.create(p);
    }

    private static long endOffset(Admin admin, String topic) throws Exception {
        TopicPartition tp = new TopicPartition(topic, 0);
        return admin.listOffsets(Map.of(tp, OffsetSpec.latest())).all().get(30, TimeUnit.SECONDS).get(tp).offset();
    }

    /**
     * Sends JSON score requests until one is answered by a checkpoint (before the scorer has loaded one, answers
     * carry the uniform prior's version).
     */
    private static JsonNode scoreUntilAnsweredByACheckpoint(EmbeddedRuntime cluster, Stage scorer) throws Exception {
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        cp.put(ConsumerConfig.GROUP_ID_CONFIG, "compose-stages-it");
        cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        ObjectMapper json = new ObjectMapper();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(pp, new StringSerializer(),
                new StringSerializer());
                KafkaConsumer<String, String> consumer = new KafkaConsumer<>(cp, new StringDeserializer(),
                        new StringDeserializer())) {
            consumer.subscribe(List.of("scores.json"));
            long displayId = 900_000_000L;
            long deadline = System.nanoTime() + STAGE_TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                String request = "{\"display_id\": " + displayId + ", \"uuid\": \"compose-it\", \"document_id\": 1, "
                        + "\"timestamp\": 61, \"platform\": \"1\", \"geo_location\": \"US>CA>807\", "
                        + "\"ad_ids\": [1, 2]}";
                producer.send(new ProducerRecord<>("score-requests.json", "compose-it", request)).get();
                for (var record : consumer.poll(Duration.ofSeconds(2))) {
                    JsonNode answer = json.readTree(record.value());
                    if (answer.path("model_version").asText().startsWith("ckpt-")) {
                        return answer;
                    }
                }
                displayId++;
            }
            throw new AssertionError("no answer from a checkpoint model in " + STAGE_TIMEOUT + "\n" + scorer.tail());
        }
    }

    /** A stage's JVM with its output copied to a log file; the last lines are kept for failure messages. */
    private static final class Stage {
        private static final java.util.regex.Pattern TRAINED = java.util.regex.Pattern.compile(
                "trained ([0-9,]+) examples");

        final String name;
        final Process process;
        private final ArrayDeque<String> tail = new ArrayDeque<>();
        private volatile long examplesTrained;
        private final Thread reader;

        Stage(String name, Process process, Path log) throws IOException {
            this.name = name;
            this.process = process;
            Files.createDirectories(log.getParent());
            this.reader = new Thread(() -> follow(log), "stage-" + name);
            reader.setDaemon(true);
            reader.start();
        }

        private void follow(Path log) {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8));
                    PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
                String line;
                while ((line = in.readLine()) != null) {
                    out.println(line);
                    java.util.regex.Matcher m = TRAINED.matcher(line);
                    if (m.find()) {
                        examplesTrained = Long.parseLong(m.group(1).replace(",", ""));
                    }
                    synchronized (tail) {
                        tail.addLast(line);
                        if (tail.size() > 60) {
                            tail.removeFirst();
                        }
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }

        /** Waits until the output of the ended process has been read to its end. */
        void awaitOutput() throws InterruptedException {
            reader.join(10_000);
        }

        /** The last count of trained examples the learner logged (its progress line, every 10 s). */
        long examplesTrained() {
            return examplesTrained;
        }

        String tail() {
            synchronized (tail) {
                return name + ":\n" + String.join("\n", tail);
            }
        }
    }
}
