package dev.wnd.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The offline Kafka image (target/wnd-kafka-image.tar), checked without a container engine, as {@link ImageIT}
 * checks the wnd image: its manifest and configuration read from the tar, its layer unpacked, and its entry point run
 * under {@code chroot} as the image's user with the environment docker-compose.yml gives the kafka service (on free
 * ports of this machine): the broker formats its storage and starts, answers the health check, stops on SIGTERM,
 * and starts again on the same data. The run needs root (chroot, mount); elsewhere it is skipped.
 * deploy/compose-check.sh runs the same image under podman.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KafkaImageIT {

    @TempDir
    static Path work;

    private JsonNode manifest;
    private JsonNode config;
    private Path root;

    @BeforeAll
    void unpackTheImage() throws Exception {
        Path tar = Path.of(System.getProperty("wnd.kafka.image.tar", "target/wnd-kafka-image.tar"));
        assertThat(tar).as("built by `./mvnw package` in image/").isRegularFile();
        Path image = Files.createDirectories(work.resolve("image"));
        run(List.of("tar", "-xf", tar.toString(), "-C", image.toString()));
        ObjectMapper json = new ObjectMapper();
        manifest = json.readTree(image.resolve("manifest.json").toFile()).get(0);
        config = json.readTree(image.resolve(manifest.path("Config").asText()).toFile());
        root = Files.createDirectories(work.resolve("rootfs"));
        for (JsonNode layer : manifest.path("Layers")) {
            run(List.of("tar", "-xf", image.resolve(layer.asText()).toString(), "-C", root.toString()));
        }
        Files.createDirectories(root.resolve("proc"));
    }

    @Test
    void shouldBeTaggedAsThePomNamesIt() {
        assertThat(manifest.path("RepoTags").get(0).asText())
                .isEqualTo(System.getProperty("wnd.kafka.image", "wnd-kafka:4.4.0"));
    }

    @Test
    void shouldBeTheImageTheOfflineOverrideRuns() throws IOException {
        assertThat(Files.readString(Path.of("..", "docker-compose.offline.yml")))
                .contains("image: " + manifest.path("RepoTags").get(0).asText());
    }

    @Test
    void shouldRunAsTheOfficialImagesUser() {
        assertThat(config.path("config").path("User").asText()).isEqualTo("1000:1000");
    }

    @Test
    void shouldStartFromTheComposeEnvironmentAnswerTheHealthCheckStopOnSigtermAndRestartOnItsData() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "chroot and mount need root");
        int port = freePort();
        int controller = freePort();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CLUSTER_ID", "tGblGG3Rqu1kJZsy9qz0Lw");
        env.put("KAFKA_NODE_ID", "1");
        env.put("KAFKA_PROCESS_ROLES", "broker,controller");
        env.put("KAFKA_CONTROLLER_QUORUM_VOTERS", "1@localhost:" + controller);
        env.put("KAFKA_LISTENERS", "INTERNAL://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller);
        env.put("KAFKA_ADVERTISED_LISTENERS", "INTERNAL://127.0.0.1:" + port);
        env.put("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT");
        env.put("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER");
        env.put("KAFKA_INTER_BROKER_LISTENER_NAME", "INTERNAL");
        env.put("KAFKA_LOG_DIRS", "/tmp/kafka-data");
        env.put("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1");
        env.put("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1");
        env.put("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1");
        List<String> health = List.of("/opt/java/openjdk/bin/java", "-Xmx64m", "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-cp", "/opt/kafka/classes:/opt/kafka/libs/*", "dev.wnd.image.kafka.KafkaLauncher",
                "health", "127.0.0.1:" + port);

        for (String start : List.of("first start (formats the storage)", "second start (on the same data)")) {
            Path log = work.resolve("broker-" + start.charAt(0) + ".log");
            Process broker = inImage(entrypoint(), env).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                String answer = "";
                while (System.nanoTime() < deadline && broker.isAlive()) {
                    Process check = inImage(health, Map.of()).redirectErrorStream(true).start();
                    answer = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    if (check.waitFor() == 0) {
                        break;
                    }
                    Thread.sleep(2_000);
                }
                assertThat(answer).as(start + "\n" + tail(log)).contains("healthy: 127.0.0.1:" + port + " answers, 1 broker");
            } finally {
                // SIGTERM to the JVM itself (unshare and chroot are its parents), as docker stop sends it.
                broker.descendants().filter(p -> p.info().command().orElse("").endsWith("/java"))
                        .forEach(ProcessHandle::destroy);
                assertThat(broker.waitFor(60, TimeUnit.SECONDS)).as(start + " stops on SIGTERM\n" + tail(log))
                        .isTrue();
            }
            assertThat(broker.exitValue()).as(tail(log)).isIn(0, 143); // 143: ended by SIGTERM, after its shutdown hook
            assertThat(Files.readString(log)).as(start).contains("Kafka Server started")
                    .doesNotContain("NoClassDefFoundError");
        }
        assertThat(Files.readString(work.resolve("broker-s.log"))).doesNotContain("Formatting metadata directory");
    }

    private List<String> entrypoint() {
        List<String> command = new ArrayList<>();
        config.path("config").path("Entrypoint").forEach(n -> command.add(n.asText()));
        config.path("config").path("Cmd").forEach(n -> command.add(n.asText()));
        return command;
    }

    /** {@code command} in the unpacked image as its user, with its environment plus {@code extraEnv}. */
    private ProcessBuilder inImage(List<String> command, Map<String, String> extraEnv) {
        Map<String, String> env = new LinkedHashMap<>();
        config.path("config").path("Env").forEach(n -> env.put(n.asText().substring(0, n.asText().indexOf('=')),
                n.asText().substring(n.asText().indexOf('=') + 1)));
        env.putAll(extraEnv);
        String script = "/bin/mount -t proc proc \"$0\"/proc && exec /usr/sbin/chroot --userspec="
                + config.path("config").path("User").asText() + " \"$0\" \"$@\"";
        List<String> full = new ArrayList<>(List.of("/usr/bin/unshare", "--mount", "--fork", "/bin/sh", "-c", script,
                root.toString()));
        full.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(full);
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        pb.environment().putAll(env);
        return pb;
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(command + ": " + out).isZero();
    }
}
