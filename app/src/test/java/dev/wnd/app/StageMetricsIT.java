package dev.wnd.app;

import dev.wnd.features.spec.EventTime;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wnd.embedded.EmbeddedRuntime;
import dev.wnd.features.fn.FeatureFunctions;
import dev.wnd.schemas.avro.Display;
import dev.wnd.schemas.avro.Label;
import dev.wnd.schemas.avro.ScoreRequest;
import dev.wnd.schemas.registry.HttpSchemaRegistryClient;
import dev.wnd.schemas.topic.AppTopics;
import dev.wnd.schemas.topic.Topic;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stage commands as deployed: each runs in its own JVM ({@code wnd features}, {@code wnd score}) against the
 * in-process broker and registry with {@code --metrics-port}, and this test scrapes {@code /metrics} over HTTP as
 * Prometheus would: consumer lag tagged with the stage, the stage's own counters after real traffic, JVM metrics.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StageMetricsIT {

    private static final Duration PATIENCE = Duration.ofMinutes(2);

    @TempDir
    Path work;

    private Path brokerDir;
    private EmbeddedRuntime runtime;
    private AppTopics topics;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process stage;
    private Path stageLog;

    @BeforeAll
    void startBroker() throws IOException {
        brokerDir = Files.createTempDirectory("wnd-metrics-it");
        runtime = EmbeddedRuntime.startFresh(brokerDir, 0, 0, 1);
        topics = new AppTopics(new HttpSchemaRegistryClient(runtime.registryUrl()));
    }

    @AfterAll
    void stopBroker() throws IOException {
        runtime.close();
        try (Stream<Path> files = Files.walk(brokerDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    @AfterEach
    void stopStage() throws Exception {
        if (stage != null) {
            stage.destroy(); // SIGTERM: the command's shutdown hook closes the stage, then the metrics
            if (!stage.waitFor(60, TimeUnit.SECONDS)) {
                stage.destroyForcibly();
            }
        }
    }

    @Test
    void shouldServeTheFeaturesStagesLagCountersAndJvmMetricsOverHttp() throws Exception {
        int port = freePort();
        startStage("features", port, "--split-seed", "3");
        List<Long> ads = List.of(11L, 12L, 13L);
        long base = EventTime.EPOCH_BASE_MS;
        try (KafkaProducer<String, Display> displays = producer(topics.displays);
                KafkaProducer<String, Label> labels = producer(topics.labels)) {
            for (long id = 1; id <= 4; id++) {
                displays.send(new ProducerRecord<>(topics.displays.name(), null, base + id * 1_000, "u" + id,
                        new Display(id, "u" + id, 900L, id * 1_000, 1, "US>CA>807", ads))).get();
            }
            for (long id = 1; id <= 4; id++) {
                labels.send(new ProducerRecord<>(topics.labels.name(), null, base + 60_000 + id, "u" + id,
                        new Label(id, "u" + id, id * 1_000, 60_000 + id, ads, List.of(12L)))).get();
            }
        }

        // 4 labelled displays of 3 ads: 12 Examples, split between train and validation.
        String scrape = awaitScrape(port, s -> assertThat(examplesProduced(s)).isEqualTo(12.0));

        assertThat(scrape).containsPattern("kafka_consumer_fetch_manager_records_lag_max\\{[^}]*client_id=\""
                + "wnd-features-[^\"]*-consumer\"[^}]*stage=\"features\"");
        assertThat(scrape).contains("wnd_dead_letters_total{stage=\"features\"} 0");
        assertThat(scrape).containsPattern("jvm_memory_used_bytes\\{[^}]*stage=\"features\"");
        assertThat(scrape).containsPattern("kafka_stream_thread_process_rate\\{[^}]*stage=\"features\"");
        // Per-partition lag appears once the consumer has fetched and the binder has looked again.
        awaitScrape(port, s -> assertThat(s).containsPattern("kafka_consumer_fetch_manager_records_lag\\{[^}]*"
                + "partition=\"0\"[^}]*stage=\"features\"[^}]*topic=\"displays\"[^}]*} 0.0"));
        assertThat(get(port, "/health").statusCode()).isEqualTo(200);
    }

    @Test
    void shouldCountEveryAnsweredScoreAndPublishLatencyBuckets() throws Exception {
        int port = freePort();
        startStage("score", port, "--model-dir", work.resolve("models").toString());
        awaitScrape(port, s -> assertThat(s).contains("wnd_scores_total{face=\"avro\",stage=\"scorer\"} 0"));
        try (KafkaProducer<String, ScoreRequest> requests = producer(topics.scoreRequests);
                KafkaProducer<String, String> json = producer(topics.scoreRequestsJson)) {
            for (long id = 1; id <= 5; id++) {
                // Stamped now, as a live client's producer does: the latency is then the time to the answer.
                requests.send(new ProducerRecord<>(topics.scoreRequests.name(), "u" + id,
                        new ScoreRequest(id, "u" + id, 900L, id * 1_000, 2, "SG>00", List.of(1L, 2L)))).get();
            }
            json.send(new ProducerRecord<>(topics.scoreRequestsJson.name(), "u9", "{\"display_id\": 9, \"uuid\": "
                    + "\"u9\", \"document_id\": 900, \"timestamp\": 9000, \"ad_ids\": [1, 2]}")).get();
            json.send(new ProducerRecord<>(topics.scoreRequestsJson.name(), "u10", "{not json")).get();
        }

        String scrape = awaitScrape(port, s -> assertThat(s)
                .contains("wnd_scores_total{face=\"avro\",stage=\"scorer\"} 5.0")
                .contains("wnd_scores_total{face=\"json\",stage=\"scorer\"} 1.0")
                .contains("wnd_dead_letters_total{stage=\"scorer\"} 1.0"));

        assertThat(scrape).containsPattern("wnd_score_latency_seconds_bucket\\{face=\"avro\",stage=\"scorer\","
                + "le=\"0.01\"} \\d");
        assertThat(scrape).contains("wnd_score_latency_seconds_count{face=\"avro\",stage=\"scorer\"} 5");
        assertThat(scrape).containsPattern("kafka_consumer_fetch_manager_records_lag_max\\{[^}]*client_id=\""
                + "wnd-scorer-[^\"]*-consumer\"[^}]*stage=\"scorer\"");
        // No checkpoint in the model directory yet: no model served, none refused.
        assertThat(scrape).contains("wnd_model_generation{stage=\"scorer\"} NaN");
        assertThat(scrape).contains("wnd_model_refusals_total{cause=\"feature-spec\",stage=\"scorer\"} 0");
    }

    private double examplesProduced(String scrape) {
        double sum = 0;
        for (String line : scrape.split("\n")) {
            if (line.startsWith("wnd_examples_produced_total{")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    /** Starts {@code wnd <command>} in its own JVM against the test's broker, serving metrics on {@code port}. */
    private void startStage(String command, int port, String... options) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        String logback = System.getProperty("logback.configurationFile");
        if (logback != null) {
            cmd.add("-Dlogback.configurationFile=" + logback);
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Wnd.class.getName(), command,
                "--bootstrap", runtime.bootstrapServers(), "--registry", runtime.registryUrl(),
                "--work-dir", work.resolve(command).toString(), "--metrics-port", Integer.toString(port)));
        cmd.addAll(List.of(options));
        stageLog = work.resolve(command + ".log");
        stage = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(stageLog.toFile()).start();
    }

    private interface ScrapeCheck {
        void check(String scrape) throws Exception;
    }

    /** Scrapes until {@code check} passes; returns that scrape. */
    private String awaitScrape(int port, ScrapeCheck check) {
        String[] last = new String[1];
        try {
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .failFast("the stage process exited", () -> !stage.isAlive())
                    .untilAsserted(() -> {
                        HttpResponse<String> response = get(port, "/metrics");
                        assertThat(response.statusCode()).isEqualTo(200);
                        last[0] = response.body();
                        check.check(last[0]);
                    });
        } catch (RuntimeException | AssertionError e) {
            throw new AssertionError("stage log:\n" + tail(stageLog) + "\nlast scrape:\n" + last[0], e);
        }
        return last[0];
    }

    private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private <K, V> KafkaProducer<K, V> producer(Topic<K, V> topic) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, runtime.bootstrapServers());
        return new KafkaProducer<>(p, topic.keySerde().serializer(), topic.valueSerde().serializer());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
