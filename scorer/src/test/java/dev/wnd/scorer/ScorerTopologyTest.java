package dev.wnd.scorer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wnd.features.fn.FeatureAssembler;
import dev.wnd.features.fn.FeatureFunctions;
import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.model.Batch;
import dev.wnd.model.ClickPredictor;
import dev.wnd.schemas.avro.AdScore;
import dev.wnd.schemas.avro.PromotedContent;
import dev.wnd.schemas.avro.Score;
import dev.wnd.schemas.avro.ScoreRequest;
import dev.wnd.schemas.registry.InMemorySchemaRegistryClient;
import dev.wnd.schemas.topic.AppTopics;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
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
    private final AtomicReference<String> version = new AtomicReference<>();
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
        ModelFeed feed = new ModelFeed() {
            @Override
            public String latestVersion() {
                return version.get();
            }

            @Override
            public ClickPredictor newPredictor() {
                String v = version.get();
                return v == null ? null : new FakePredictor(v);
            }
        };
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "scorer-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(ScorerTopology.build(topics, new FeatureAssembler(spec), feed), props);
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
        version.set("v1");
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
        version.set("v1");
        assertThat(score(7L, List.of(10L)).getModelVersion()).isEqualTo("v1");
        version.set("v2");
        assertThat(score(8L, List.of(10L)).getModelVersion()).isEqualTo("v2");
    }

    @Test
    void shouldAnswerAnEmptyCandidateListWithNoAds() {
        version.set("v1");
        assertThat(score(9L, List.of()).getAds()).isEmpty();
    }
}
