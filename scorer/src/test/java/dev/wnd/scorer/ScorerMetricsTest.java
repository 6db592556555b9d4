package dev.wnd.scorer;

import dev.wnd.features.spec.EventTime;
import dev.wnd.schemas.kafka.KafkaConnection;
import dev.wnd.schemas.registry.RegistryConnection;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wnd.features.fn.FeatureAssembler;
import dev.wnd.features.fn.FeatureFunctions;
import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.features.streams.DeadLetterHandler;
import dev.wnd.features.streams.StreamsSettings;
import dev.wnd.model.Batch;
import dev.wnd.model.ClickPredictor;
import dev.wnd.schemas.avro.ScoreRequest;
import dev.wnd.schemas.registry.InMemorySchemaRegistryClient;
import dev.wnd.schemas.topic.AppTopics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scorer topology tells its {@link ScorerMetrics} of every answer, every model swap and every dead letter. */
class ScorerMetricsTest {

    private static final long REQUEST_TIME = EventTime.EPOCH_BASE_MS + 1_000L;

    private final FeatureSpec spec = FeatureSpec.seed();
    private final AppTopics topics = new AppTopics(new InMemorySchemaRegistryClient());
    private final SwitchableFeed feed = new SwitchableFeed(v -> new ConstantPredictor(v, spec.hash()));
    private final List<String> calls = new ArrayList<>();
    private final List<long[]> timings = new ArrayList<>();
    private final ScorerMetrics metrics = new ScorerMetrics() {
        @Override
        public synchronized void answered(String face, long requestTimestampMs, long answeredMs,
                long processingNanos) {
            calls.add("answered " + face);
            timings.add(new long[] {requestTimestampMs, answeredMs, processingNanos});
        }

        @Override
        public synchronized void serving(String v) {
            calls.add("serving " + v);
        }

        @Override
        public synchronized void modelRefused(String v, String cause) {
            calls.add("refused " + v + " " + cause);
        }

        @Override
        public synchronized void deadLettered(String sourceTopic) {
            calls.add("dead letter from " + sourceTopic);
        }
    };
    private TopologyTestDriver driver;
    private TestInputTopic<String, ScoreRequest> requests;
    private TestInputTopic<String, String> jsonRequests;

    @TempDir
    Path stateDir;

    @BeforeEach
    void start() {
        Properties props = new StreamsSettings("scorer-metrics-test", KafkaConnection.plaintext("unused:9092"),
                RegistryConnection.plain("http://unused"), stateDir,
                "scorer", false, 100).toProperties(topics);
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, 0L);
        props.put(DeadLetterHandler.LISTENER_CONFIG, metrics);
        // Loads run on the stream thread here (a direct loader), so each swap happens at the request that saw it.
        driver = new TopologyTestDriver(ScorerTopology.build(topics, new FeatureAssembler(spec), feed,
                ScorerTopology.Options.defaults().withMetrics(metrics).withLoader(Runnable::run)), props);
        requests = driver.createInputTopic(topics.scoreRequests.name(), topics.scoreRequests.keySerde().serializer(),
                topics.scoreRequests.valueSerde().serializer());
        jsonRequests = driver.createInputTopic(topics.scoreRequestsJson.name(),
                topics.scoreRequestsJson.keySerde().serializer(), topics.scoreRequestsJson.valueSerde().serializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private void request(long display) {
        requests.pipeInput("u1", new ScoreRequest(display, "u1", 900L, 1_000L, 2, "SG>00", List.of(1L, 2L)),
                REQUEST_TIME);
    }

    @Test
    void shouldTellEveryAnswerWithItsFaceAndTheRequestsTimestamp() {
        request(1);
        request(2);
        jsonRequests.pipeInput("u1", "{\"display_id\": 3, \"uuid\": \"u1\", \"document_id\": 900, \"timestamp\": 1000,"
                + " \"platform\": \"2\", \"geo_location\": \"SG>00\", \"ad_ids\": [1, 2]}", REQUEST_TIME);

        assertThat(calls).containsExactly("answered avro", "answered avro", "answered json");
        assertThat(timings).allSatisfy(t -> {
            assertThat(t[0]).isEqualTo(REQUEST_TIME);
            assertThat(t[1]).isGreaterThan(REQUEST_TIME);
            assertThat(t[2]).isPositive();
        });
    }

    @Test
    void shouldTellEachModelSwapAndEachModelThatFailsToLoad() {
        feed.announce("v1");
        request(1);
        request(2);
        feed.announce(SwitchableFeed.BROKEN);
        request(3);
        request(4);
        feed.announce("v2");
        request(5);

        assertThat(calls).containsExactly("serving v1", "answered avro", "answered avro",
                "refused broken unloadable", "answered avro", "answered avro", "serving v2", "answered avro");
    }

    @Test
    void shouldTellADeadLetteredJsonRequest() {
        jsonRequests.pipeInput("u1", "{not json", REQUEST_TIME);

        assertThat(calls).containsExactly("dead letter from " + topics.scoreRequestsJson.name());
    }

    /** The same probability for every ad. */
    private record ConstantPredictor(String modelVersion, String specHash) implements ClickPredictor {
        @Override
        public float[] predict(Batch batch) {
            float[] p = new float[batch.size()];
            java.util.Arrays.fill(p, 0.5f);
            return p;
        }

        @Override
        public void close() {
        }
    }
}
