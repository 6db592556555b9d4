package dev.wnd.scorer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wnd.features.fn.FeatureAssembler;
import dev.wnd.features.fn.FeatureFunctions;
import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.features.topology.StreamsSettings;
import dev.wnd.model.Batch;
import dev.wnd.model.ClickPredictor;
import dev.wnd.schemas.avro.AdScore;
import dev.wnd.schemas.avro.PromotedContent;
import dev.wnd.schemas.avro.Score;
import dev.wnd.schemas.avro.ScoreRequest;
import dev.wnd.schemas.kafka.KafkaConnection;
import dev.wnd.schemas.registry.RegistryConnection;
import dev.wnd.schemas.registry.InMemorySchemaRegistryClient;
import dev.wnd.schemas.topic.AppTopics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Executor;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScorerTopologyTest {

    private final FeatureSpec spec = FeatureSpec.seed();
    private final AppTopics topics = new AppTopics(new InMemorySchemaRegistryClient());
    private final SwitchableFeed feed = new SwitchableFeed(FakePredictor::new);
    /** Model loads run at once, unless held: then they wait here until the test runs them. */
    private final List<Runnable> heldLoads = new ArrayList<>();
    private boolean holdLoads;
    private TopologyTestDriver driver;
    private TestInputTopic<String, ScoreRequest> requests;
    private TestOutputTopic<Long, Score> scores;

    @TempDir
    Path stateDir;

    /** A model that prefers ads with a larger bucket id, and says which version it is. */
    private final class FakePredictor implements ClickPredictor {
        private final String v;
        private final int adSlot = spec.slotOffset(spec.categoricalIndex("ad_id"));

        FakePredictor(String v) {
            this.v = v;
        }

        @Override
        public float[] predict(Batch batch) {
            float[] p = new float[batch.size()];
            int slots = spec.categoricalSlots();
            for (int i = 0; i < p.length; i++) {
                p[i] = batch.categorical()[i * slots + adSlot] / 250_000f;
            }
            return p;
        }

        @Override
        public String modelVersion() {
            return v;
        }

        @Override
        public String specHash() {
            return spec.hash();
        }

        @Override
        public void close() {
        }
    }

    @BeforeEach
    void start() {
        Properties props = new StreamsSettings("scorer-test", KafkaConnection.plaintext("unused:9092"),
                RegistryConnection.plain("http://unused"), stateDir, "test", false, 100)
                .toProperties(topics);
        // The driver pipes one record at a time: never wait for the other inputs to have data.
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, 0L);
        Executor loader = task -> {
            if (holdLoads) {
                heldLoads.add(task);
            } else {
                task.run();
            }
        };
        driver = new TopologyTestDriver(ScorerTopology.build(topics, new FeatureAssembler(spec), feed, loader), props);
        requests = driver.createInputTopic(topics.scoreRequests.name(), topics.scoreRequests.keySerde().serializer(),
                topics.scoreRequests.valueSerde().serializer());
        scores = driver.createOutputTopic(topics.scores.name(), topics.scores.keySerde().deserializer(),
                topics.scores.valueSerde().deserializer());
        driver.createInputTopic(topics.promotedContent.name(), topics.promotedContent.keySerde().serializer(),
                topics.promotedContent.valueSerde().serializer())
                .pipeInput(10L, new PromotedContent(10L, 500L, 7L, 3L), FeatureFunctions.EPOCH_BASE_MS - 1);
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private Score score(long display, List<Long> ads) {
        requests.pipeInput("u1", new ScoreRequest(display, "u1", 900L, 1_000L, 2, "SG>00", ads),
                FeatureFunctions.EPOCH_BASE_MS + 1_000L);
        return scores.readValue();
    }

    private static List<Long> ranked(Score s) {
        return s.getAds().stream().map(AdScore::getAdId).toList();
    }

    @Test
    void shouldRankEveryRequestedAdOnceBestFirstWithTheModelVersion() {
        feed.announce("v1");
        Score s = score(5L, List.of(10L, 11L, 12L, 11L));
        assertThat(s.getDisplayId()).isEqualTo(5L);
        assertThat(s.getModelVersion()).isEqualTo("v1");
        assertThat(s.getSpecHash()).isEqualTo(spec.hash());
        assertThat(ranked(s)).containsExactlyInAnyOrder(10L, 11L, 12L);
        assertThat(s.getAds()).extracting(AdScore::getProbability).isSortedAccordingTo((a, b) -> Double.compare(b, a));
        assertThat(s.getAnsweredMs()).isGreaterThanOrEqualTo(s.getReceivedMs());
    }

    @Test
    void shouldAnswerWithTheUniformPriorWhileNoModelIsLoaded() {
        Score s = score(6L, List.of(10L, 11L));
        assertThat(s.getModelVersion()).isEqualTo(ScorerTopology.NO_MODEL);
        assertThat(s.getAds()).extracting(AdScore::getProbability).containsOnly(0.5);
    }

    @Test
    void shouldSwapToANewModelVersionBetweenRequests() {
        feed.announce("v1");
        assertThat(score(7L, List.of(10L)).getModelVersion()).isEqualTo("v1");
        feed.announce("v2");
        assertThat(score(8L, List.of(10L)).getModelVersion()).isEqualTo("v2");
    }

    @Test
    void shouldAnswerAnEmptyCandidateListWithNoAds() {
        feed.announce("v1");
        assertThat(score(9L, List.of()).getAds()).isEmpty();
    }

    @Test
    void shouldAnswerAJsonRequestInJsonWithEveryAdOnceBestFirst() {
        feed.announce("v1");
        TestInputTopic<String, String> in = driver.createInputTopic(topics.scoreRequestsJson.name(),
                topics.scoreRequestsJson.keySerde().serializer(), topics.scoreRequestsJson.valueSerde().serializer());
        TestOutputTopic<String, String> out = driver.createOutputTopic(topics.scoresJson.name(),
                topics.scoresJson.keySerde().deserializer(), topics.scoresJson.valueSerde().deserializer());
        in.pipeInput("cb8c55702adb93", "{\"display_id\": 123, \"uuid\": \"cb8c55702adb93\", \"document_id\": 379743, "
                + "\"timestamp\": 61, \"platform\": \"3\", \"geo_location\": \"US>SC>519\", \"ad_ids\": [42337, 139684, 42337]}");
        String answer = out.readValue();
        assertThat(answer).startsWith("{\"display_id\":123,\"model_version\":\"v1\",\"ads\":[");
        assertThat(answer.split("ad_id", -1)).hasSize(3);
        assertThat(scores.isEmpty()).isTrue();
    }

    @Test
    void shouldDeadLetterAnUnparsableJsonRequestAndGoOn() {
        feed.announce("v1");
        TestInputTopic<String, String> in = driver.createInputTopic(topics.scoreRequestsJson.name(),
                topics.scoreRequestsJson.keySerde().serializer(), topics.scoreRequestsJson.valueSerde().serializer());
        TestOutputTopic<String, String> out = driver.createOutputTopic(topics.scoresJson.name(),
                topics.scoresJson.keySerde().deserializer(), topics.scoresJson.valueSerde().deserializer());
        in.pipeInput("x", "{\"display_id\": 1, \"timestamp\": 5}");
        in.pipeInput("x", "{\"display_id\": 2, \"timestamp\": 5, \"ad_ids\": [7]}");
        assertThat(out.readValuesToList()).hasSize(1).allSatisfy(a -> assertThat(a).contains("\"display_id\":2"));
    }

    @Test
    void shouldKeepServingTheCurrentModelWhenANewOneCannotBeLoaded() {
        feed.announce("v1");
        assertThat(score(10L, List.of(10L)).getModelVersion()).isEqualTo("v1");
        feed.announce(SwitchableFeed.BROKEN);
        assertThat(score(11L, List.of(10L)).getModelVersion()).isEqualTo("v1");
        assertThat(score(12L, List.of(10L)).getModelVersion()).isEqualTo("v1");
    }

    @Test
    void shouldKeepAnsweringWithTheCurrentModelWhileTheNewOneLoads() {
        feed.announce("v1");
        assertThat(score(13L, List.of(10L)).getModelVersion()).isEqualTo("v1");
        holdLoads = true;
        feed.announce("v2");
        // The load of v2 has started but not finished: requests are answered at once, with v1.
        assertThat(score(14L, List.of(10L)).getModelVersion()).isEqualTo("v1");
        assertThat(score(15L, List.of(10L)).getModelVersion()).isEqualTo("v1");
        assertThat(heldLoads).as("one load per new version, not one per request").hasSize(1);
        heldLoads.remove(0).run();
        assertThat(score(16L, List.of(10L)).getModelVersion()).isEqualTo("v2");
    }

    @Test
    void shouldKeepServingTheCurrentModelWhenALoadInTheBackgroundFails() {
        feed.announce("v1");
        assertThat(score(17L, List.of(10L)).getModelVersion()).isEqualTo("v1");
        holdLoads = true;
        feed.announce(SwitchableFeed.BROKEN);
        assertThat(score(18L, List.of(10L)).getModelVersion()).isEqualTo("v1");
        heldLoads.remove(0).run();
        assertThat(score(19L, List.of(10L)).getModelVersion()).isEqualTo("v1");
        assertThat(heldLoads).as("a version that failed is not tried again").isEmpty();
        feed.announce("v3");
        assertThat(score(20L, List.of(10L)).getModelVersion()).isEqualTo("v1");
        heldLoads.remove(0).run();
        assertThat(score(21L, List.of(10L)).getModelVersion()).isEqualTo("v3");
    }
}
