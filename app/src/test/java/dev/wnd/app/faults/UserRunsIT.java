package dev.wnd.app.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wnd.embedded.EmbeddedRuntime;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runs that broke the system when it was tried as a new user would (reliability issue, "Found by trying it"),
 * each command in a JVM of its own in one checkout ({@code dir}, default work directory {@code .wnd}), as a user
 * types them. Small data and a small network keep each run to tens of seconds.
 */
class UserRunsIT {

    private static final Duration RUN = Duration.ofMinutes(5);
    /** The JVM's exit status after SIGTERM once its shutdown hooks have run (128 + 15). */
    private static final int STOPPED_BY_SIGTERM = 143;
    private static final Pattern TRAINED = Pattern.compile("trained on ([0-9,]+) examples");

    @TempDir
    Path dir;

    @Test
    void shouldTrainASecondDataSetInTheSameCheckout() throws Exception {
        generate("A", 1_500, 11);
        train("train-1", "A", "M1");
        generate("B", 1_000, 3);

        WndProcess second = train("train-2", "B", "M2");

        assertThat(trainedOn(second)).as(second.tail()).isPositive();
        assertThat(second.output()).doesNotContain("OffsetOutOfRangeException");
    }

    @Test
    void shouldRefuseACommandOnABusyWorkDirectoryAndKeepTheRunningOneServing() throws Exception {
        generate("A", 1_500, 11);
        train("train", "A", "M1");
        int kafkaPort = freePort();
        try (WndProcess score = WndProcess.start("score", dir, "score", "--model-dir", "M1", "--kafka-port",
                String.valueOf(kafkaPort), "--registry-port", String.valueOf(freePort()))) {
            score.awaitOutput("Ctrl-C stops.", RUN);

            long started = System.nanoTime();
            WndProcess refused = WndProcess.run("train-beside-score", dir, RUN, "train", "--data", "A",
                    "--model-dir", "M3", "--deep-hidden-units", "16,16");

            assertThat(refused.exitValue()).as(refused.tail()).isNotZero();
            assertThat(refused.output()).contains("is in use by pid " + score.pid() + " `wnd score --model-dir M1");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
            assertThat(answerOneJsonRequest("127.0.0.1:" + kafkaPort)).containsPattern("\"display_id\":\\s*777");
            score.stop(Duration.ofSeconds(60));
            assertThat(score.exitValue()).as(score.tail()).isIn(0, STOPPED_BY_SIGTERM);
        }
    }

    @Test
    void shouldServeOnAClusterThatALaterCommandRebuilt() throws Exception {
        generate("A", 1_500, 11);
        train("train-A", "A", "M1");
        int kafkaPort = freePort();
        String[] score = {"score", "--model-dir", "M1", "--kafka-port", String.valueOf(kafkaPort),
            "--registry-port", String.valueOf(freePort())};
        try (WndProcess first = WndProcess.start("score-1", dir, score)) {
            first.awaitOutput("Ctrl-C stops.", RUN);
            answerOneJsonRequest("127.0.0.1:" + kafkaPort);
            first.stop(Duration.ofSeconds(60));
        }
        generate("B", 1_000, 3);
        train("train-B", "B", "M2"); // formats a fresh embedded cluster

        try (WndProcess second = WndProcess.start("score-2", dir, score)) {
            second.awaitOutput("Ctrl-C stops.", RUN);
            assertThat(answerOneJsonRequest("127.0.0.1:" + kafkaPort)).containsPattern("\"display_id\":\\s*777");
            assertThat(second.isAlive()).isTrue();
            second.stop(Duration.ofSeconds(60));
            assertThat(second.exitValue()).as(second.tail()).isIn(0, STOPPED_BY_SIGTERM);
        }
    }

    @Test
    void shouldExitNonZeroNamingTheStageWhenAStreamsStageDies() throws Exception {
        try (EmbeddedRuntime cluster = EmbeddedRuntime.startFresh(dir.resolve("broker"), 0, 0, 1);
                Admin admin = admin(cluster.bootstrapServers());
                WndProcess features = WndProcess.start("features", dir, "features", "--bootstrap",
                        cluster.bootstrapServers(), "--registry", cluster.registryUrl())) {
            features.awaitOutput("Ctrl-C stops.", RUN);

            admin.deleteTopics(List.of("displays")).all().get(30, TimeUnit.SECONDS);

            assertThat(features.waitFor(Duration.ofSeconds(60))).as(features.tail()).isTrue();
            assertThat(features.exitValue()).isNotZero();
            assertThat(features.output()).containsPattern("wnd features: the features stage died: \\w+");
        }
    }

    private void generate(String out, int displays, int seed) throws Exception {
        WndProcess p = WndProcess.run("generate-" + out, dir, RUN, "generate", "--out", out, "--displays",
                String.valueOf(displays), "--seed", String.valueOf(seed));
        assertThat(p.exitValue()).as(p.tail()).isZero();
    }

    private WndProcess train(String name, String data, String modelDir) throws Exception {
        WndProcess p = WndProcess.run(name, dir, RUN, "train", "--data", data, "--model-dir", modelDir,
                "--deep-hidden-units", "16,16");
        assertThat(p.exitValue()).as(p.tail()).isZero();
        return p;
    }

    private static long trainedOn(WndProcess train) {
        Matcher m = TRAINED.matcher(train.output());
        return m.find() ? Long.parseLong(m.group(1).replace(",", "")) : -1;
    }

    /** Sends one JSON score request and returns its answer. */
    private static String answerOneJsonRequest(String bootstrap) throws Exception {
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        cp.put(ConsumerConfig.GROUP_ID_CONFIG, "user-runs-" + System.nanoTime());
        cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(pp, new StringSerializer(),
                new StringSerializer());
                KafkaConsumer<String, String> consumer = new KafkaConsumer<>(cp, new StringDeserializer(),
                        new StringDeserializer())) {
            consumer.subscribe(List.of("scores.json"));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (consumer.assignment().isEmpty()) {
                consumer.poll(Duration.ofMillis(100));
            }
            producer.send(new ProducerRecord<>("score-requests.json", "user-runs", "{\"display_id\": 777, "
                    + "\"uuid\": \"user-runs\", \"document_id\": 1, \"timestamp\": 61, \"platform\": \"1\", "
                    + "\"geo_location\": \"US>CA>807\", \"ad_ids\": [1, 2]}")).get();
            while (System.nanoTime() < deadline) {
                for (var record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.value().contains("777")) {
                        return record.value();
                    }
                }
            }
            throw new AssertionError("no answer on scores.json within 60 s");
        }
    }

    private static Admin admin(String bootstrap) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return Admin.create(p);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
