package dev.wnd.app.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import javax.management.ObjectName;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

class StageMetricsTest {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HttpResponse<String> get(InetSocketAddress address, String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + address.getPort() + path);
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldTagEveryMeterWithTheStage() {
        try (StageMetrics metrics = StageMetrics.open("scorer", null)) {
            metrics.scorer();

            assertThat(metrics.registry().get(ScorerMeters.SCORES).tag("face", "avro").counter().getId()
                    .getTag("stage")).isEqualTo("scorer");
            assertThat(metrics.prometheus().scrape()).contains("wnd_scores_total{face=\"avro\",stage=\"scorer\"} 0")
                    .contains("jvm_memory_used_bytes").contains("process_uptime_seconds");
            assertThat(metrics.endpointAddress()).isEmpty();
        }
    }

    @Test
    void shouldScrapeOnlyTheNewestModelVersionThroughTheCompositeRegistry() {
        try (StageMetrics metrics = StageMetrics.open("scorer", null)) {
            var scorer = metrics.scorer();
            scorer.serving("ckpt-0000000001-s10");
            scorer.serving("ckpt-0000000002-s20");

            assertThat(metrics.prometheus().scrape())
                    .contains("wnd_model_info{stage=\"scorer\",version=\"ckpt-0000000002-s20\"} 1")
                    .doesNotContain("ckpt-0000000001-s10");
        }
    }

    @Test
    void shouldExposeMetersOverJmxInTheWndDomain() throws Exception {
        try (StageMetrics metrics = StageMetrics.open("learner", null)) {
            metrics.learner().trained(3, 1_000_000, 0.5);

            Set<ObjectName> names = ManagementFactory.getPlatformMBeanServer()
                    .queryNames(new ObjectName(StageMetrics.JMX_DOMAIN + ":*"), null);
            assertThat(names).anySatisfy(n -> assertThat(n.getCanonicalName()).containsIgnoringCase("examplesTrained"));
            ObjectName trained = names.stream()
                    .filter(n -> n.getCanonicalName().toLowerCase().contains("examplestrained")).findFirst()
                    .orElseThrow();
            assertThat(ManagementFactory.getPlatformMBeanServer().getAttribute(trained, "Count")).isEqualTo(3L);
        }
        assertThat(ManagementFactory.getPlatformMBeanServer()
                .queryNames(new ObjectName(StageMetrics.JMX_DOMAIN + ":*"), null)).isEmpty();
    }

    @Test
    void shouldShowLatencyPercentilesOverJmxInsteadOfBuckets() throws Exception {
        try (StageMetrics metrics = StageMetrics.open("scorer", null)) {
            metrics.scorer().answered("avro", 1_000, 1_005, 100_000);

            Set<ObjectName> names = ManagementFactory.getPlatformMBeanServer()
                    .queryNames(new ObjectName(StageMetrics.JMX_DOMAIN + ":*"), null);
            ObjectName p99 = new ObjectName(StageMetrics.JMX_DOMAIN
                    + ":name=wndScoreLatencyPercentile.face.avro.phi.0.99.stage.scorer,type=gauges");
            assertThat(names).contains(p99);
            assertThat(names).noneSatisfy(n -> assertThat(n.getCanonicalName()).contains("Histogram"));
            double millis = ((Number) ManagementFactory.getPlatformMBeanServer().getAttribute(p99, "Value"))
                    .doubleValue();
            assertThat(millis).isCloseTo(5.0, org.assertj.core.data.Percentage.withPercentage(10));
        }
    }

    @Test
    void shouldServeThePrometheusTextFormatOverHttp() throws Exception {
        try (StageMetrics metrics = StageMetrics.open("features", new InetSocketAddress("127.0.0.1", 0))) {
            metrics.features().examplesEmitted(false, 12);
            InetSocketAddress address = metrics.endpointAddress().orElseThrow();

            HttpResponse<String> response = get(address, "/metrics");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValue(MetricsEndpoint.PROMETHEUS_TEXT);
            assertThat(response.body())
                    .contains("wnd_examples_produced_total{split=\"train\",stage=\"features\"} 12")
                    .contains("# TYPE jvm_threads_live_threads gauge");
            assertThat(get(address, "/nothing").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void shouldAnswerHealthFromTheStagesCheck() throws Exception {
        try (StageMetrics metrics = StageMetrics.open("scorer", new InetSocketAddress("127.0.0.1", 0))) {
            InetSocketAddress address = metrics.endpointAddress().orElseThrow();
            assertThat(get(address, "/health").statusCode()).isEqualTo(200);

            metrics.healthCheck(() -> false);

            HttpResponse<String> down = get(address, "/health");
            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(down.body()).isEqualTo("DOWN\n");
        }
    }

    @Test
    void shouldReleaseThePortOnClose() throws Exception {
        InetSocketAddress address;
        try (StageMetrics metrics = StageMetrics.open("ingest", new InetSocketAddress("127.0.0.1", 0))) {
            address = metrics.endpointAddress().orElseThrow();
        }
        try (StageMetrics again = StageMetrics.open("ingest", address)) {
            assertThat(again.endpointAddress()).hasValue(address);
        }
    }

    @Test
    void shouldBindAConsumersLagMetrics() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "lag-test");
        try (StageMetrics metrics = StageMetrics.open("learner", null);
                KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                        new ByteArrayDeserializer())) {
            metrics.learner().consumerOpened(consumer);

            assertThat(metrics.prometheus().scrape())
                    .containsPattern("kafka_consumer_fetch_manager_records_lag_max\\{[^}]*client_id=\"lag-test\""
                            + "[^}]*stage=\"learner\"");
        }
    }

    @Test
    void shouldKeepTwoInstancesApart() {
        try (StageMetrics a = StageMetrics.open("features", null);
                StageMetrics b = StageMetrics.open("scorer", null)) {
            Counter.builder("wnd.test").register(a.registry()).increment();

            assertThat(b.registry().find("wnd.test").counter()).isNull();
        }
    }
}
