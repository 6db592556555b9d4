package dev.wnd.scorer;

import dev.wnd.features.spec.EventTime;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wnd.features.fn.FeatureAssembler;
import dev.wnd.features.fn.FeatureFunctions;
import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.features.streams.StreamsSettings;
import dev.wnd.model.Batch;
import dev.wnd.model.ClickPredictor;
import dev.wnd.schemas.avro.AdScore;
import dev.wnd.schemas.avro.DeadLetter;
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
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
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
    private static final long POISON_AD = 666L;
    /** What the consumers "fetched": empty, so every request is scored at once, unless a test says otherwise. */
    private FetchedOffsets fetched = new FetchedOffsets();
    /** Rows of every forward pass the fake model made, in order. */
    private final List<Integer> passes = new ArrayList<>();
    private TopologyTestDriver driver;
    private TestInputTopic<String, ScoreRequest> requests;
    private TestOutputTopic<Long, Score> scores;

    @TempDir
    Path stateDir;

    /** A model that prefers ads with a larger bucket id, and says which version it is. */
    private final class FakePredictor implements ClickPredictor {
        private final String v;
        private final int adSlot = spec.slotOffset(spec.categoricalIndex("ad_id"));
        /** The model fails on any batch holding ad {@link #POISON_AD}. */
        private final int poisonBucket = FeatureFunctions.bucket("ad_id", POISON_AD, 250_000);

        FakePredictor(String v) {
            this.v = v;
        }

        @Override
        public float[] predict(Batch batch) {
            passes.add(batch.size());
            float[] p = new float[batch.size()];
            int slots = spec.categoricalSlots();
            for (int i = 0; i < p.length; i++) {
                if (batch.categorical()[i * slots + adSlot] == poisonBucket) {
                    throw new IllegalArgumentException("row " + i + " cannot be scored");
                }
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
        startDriver();
        driver.createInputTopic(topics.promotedContent.name(), topics.promotedContent.keySerde().serializer(),
                topics.promotedContent.valueSerde().serializer())
                .pipeInput(10L, new PromotedContent(10L, 500L, 7L, 3L), EventTime.EPOCH_BASE_MS - 1);
    }

    private void startDriver() {
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
        driver = new TopologyTestDriver(ScorerTopology.build(topics, new FeatureAssembler(spec), feed,
                ScorerTopology.Options.defaults().withLoader(loader).withFetched(fetched)), props);
        requests = driver.createInputTopic(topics.scoreRequests.name(), topics.scoreRequests.keySerde().serializer(),
                topics.scoreRequests.valueSerde().serializer());
        scores = driver.createOutputTopic(topics.scores.name(), topics.scores.keySerde().deserializer(),
                topics.scores.valueSerde().deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private Score score(long display, List<Long> ads) {
        send(display, ads);
        return scores.readValue();
    }

    private void send(long display, List<Long> ads) {
        requests.pipeInput("u1", new ScoreRequest(display, "u1", 900L, 1_000L, 2, "SG>00", ads),
                EventTime.EPOCH_BASE_MS + 1_000L);
    }

    /** Pretends the consumer has fetched the request topic up to {@code offset} (the driver numbers from 0). */
    private void fetchedUpTo(long offset) {
        fetched.fetched(new TopicPartition(topics.scoreRequests.name(), 0), offset);
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
    void shouldSwapAtTheNextRequestOnTheStreamThreadWhenTheFeedHandsOutPredictorsAtOnce() {
        feed.instant(true);
        holdLoads = true; // a load handed to the loader would never finish
        feed.announce("v1");
        assertThat(score(22L, List.of(10L)).getModelVersion()).isEqualTo("v1");
        feed.announce("v2");
        assertThat(score(23L, List.of(10L)).getModelVersion()).isEqualTo("v2");
        assertThat(heldLoads).as("nothing went through the loader").isEmpty();
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

    @Test
    void shouldScoreRequestsThatWaitBehindEachOtherInOneForwardPass() {
        feed.announce("v1");
        fetchedUpTo(2);

        send(30L, List.of(10L, 11L));
        send(31L, List.of(12L));
        assertThat(scores.isEmpty()).as("held: two more requests were fetched behind the first").isTrue();
        send(32L, List.of(10L, 13L, 10L));

        assertThat(scores.readValuesToList()).extracting(Score::getDisplayId).containsExactly(30L, 31L, 32L);
        assertThat(passes).containsExactly(5);
    }

    @Test
    void shouldScoreAHeldRequestWithinTheBackstopWhenNoMoreArrive() {
        feed.announce("v1");
        fetchedUpTo(5);
        send(40L, List.of(10L, 11L));
        assertThat(scores.isEmpty()).isTrue();

        driver.advanceWallClockTime(ScorerTopology.BACKSTOP);

        assertThat(scores.readValue().getDisplayId()).isEqualTo(40L);
    }

    @Test
    void shouldKeepHeldRequestsInTheTaskStoreUntilTheyAreAnswered() {
        feed.announce("v1");
        fetchedUpTo(5);
        send(50L, List.of(10L, 11L));
        send(51L, List.of(12L));
        KeyValueStore<String, List<PendingRequests.Held>> store = driver.getKeyValueStore(ScorerTopology.PENDING_STORE);

        // What a commit now would persist with the offsets of both requests:
        assertThat(store.get(ScorerTopology.HELD_KEY)).extracting(h -> h.request().getDisplayId())
                .containsExactly(50L, 51L);
        driver.advanceWallClockTime(ScorerTopology.BACKSTOP);

        assertThat(scores.readValuesToList()).extracting(Score::getDisplayId).containsExactly(50L, 51L);
        assertThat(store.get(ScorerTopology.HELD_KEY)).isNull();
    }

    @Test
    void shouldAnswerTheRequestsItsStoreHeldWhenTheTaskStartsAgain() {
        feed.announce("v1");
        ScoreRequest held = new ScoreRequest(52L, "u1", 900L, 1_000L, 2, "SG>00", List.of(10L, 11L));
        // A restarted task finds in its store what the last commit before the stop persisted:
        driver.<String, List<PendingRequests.Held>>getKeyValueStore(ScorerTopology.PENDING_STORE).put(ScorerTopology.HELD_KEY,
                List.of(new PendingRequests.Held("u1", held, EventTime.EPOCH_BASE_MS + 1_000L, false, 1L, 0L,
                        PendingRequests.distinctAds(held), null)));

        send(53L, List.of(12L));

        assertThat(scores.readValuesToList()).extracting(Score::getDisplayId).containsExactly(52L, 53L);
        assertThat(passes).as("the restored request is scored with the new one").containsExactly(3);
    }

    @Test
    void shouldKeepHeldRequestsThroughTheirStoreEncoding() {
        ScoreRequest request = new ScoreRequest(60L, "u9", 900L, 1_000L, null, null, List.of(3L, 4L, 3L));
        List<PendingRequests.Held> held = List.of(new PendingRequests.Held("u9", request, 77L, true, 88L, 0L,
                PendingRequests.distinctAds(request), List.of()),
                new PendingRequests.Held(null, request, 1L, false, 2L, 0L, List.of(3L, 4L), null));

        List<PendingRequests.Held> back = PendingRequests.decode(PendingRequests.encode(held));

        assertThat(back).extracting(PendingRequests.Held::key).containsExactly("u9", null);
        assertThat(back).extracting(PendingRequests.Held::request).containsOnly(request);
        assertThat(back).extracting(PendingRequests.Held::json).containsExactly(true, false);
        assertThat(back).extracting(PendingRequests.Held::timestampMs).containsExactly(77L, 1L);
        assertThat(back).extracting(PendingRequests.Held::receivedMs).containsExactly(88L, 2L);
        assertThat(back.get(0).ads()).containsExactly(3L, 4L);
        assertThat(back.get(0).vectors()).as("features are assembled again when scored").isNull();
    }

    @Test
    void shouldAnswerTheOtherRequestsOfABatchThatOneRequestMadeFailAndDeadLetterThatOne() {
        feed.announce("v1");
        TestOutputTopic<String, DeadLetter> deadLetters = driver.createOutputTopic(topics.deadLetters.name(),
                topics.deadLetters.keySerde().deserializer(), topics.deadLetters.valueSerde().deserializer());
        fetchedUpTo(2);

        send(70L, List.of(10L));
        send(71L, List.of(POISON_AD));
        send(72L, List.of(11L));

        assertThat(scores.readValuesToList()).extracting(Score::getDisplayId).containsExactly(70L, 72L);
        assertThat(deadLetters.readValuesToList()).singleElement()
                .satisfies(d -> assertThat(d.getReason()).contains("cannot score displays [71]"));
    }

    private TestOutputTopic<String, DeadLetter> deadLetters() {
        return driver.createOutputTopic(topics.deadLetters.name(), topics.deadLetters.keySerde().deserializer(),
                topics.deadLetters.valueSerde().deserializer());
    }

    private static String jsonRequest(long display, int ads) {
        StringBuilder json = new StringBuilder("{\"display_id\": " + display + ", \"uuid\": \"u1\", \"timestamp\": 5, "
                + "\"ad_ids\": [");
        for (int i = 0; i < ads; i++) {
            json.append(i == 0 ? "" : ", ").append(100_000 + i);
        }
        return json.append("]}").toString();
    }

    @Test
    void shouldDeadLetterAJsonRequestWithMoreAdsThanTheContractAllowsAndAnswerTheNext() {
        feed.announce("v1");
        TestInputTopic<String, String> in = driver.createInputTopic(topics.scoreRequestsJson.name(),
                topics.scoreRequestsJson.keySerde().serializer(), topics.scoreRequestsJson.valueSerde().serializer());
        TestOutputTopic<String, String> out = driver.createOutputTopic(topics.scoresJson.name(),
                topics.scoresJson.keySerde().deserializer(), topics.scoresJson.valueSerde().deserializer());
        TestOutputTopic<String, DeadLetter> deadLetters = deadLetters();

        in.pipeInput("u1", jsonRequest(1, JsonContract.MAX_ADS + 1));
        in.pipeInput("u1", jsonRequest(2, JsonContract.MAX_ADS));

        assertThat(deadLetters.readValuesToList()).singleElement().satisfies(d -> {
            assertThat(d.getSource()).isEqualTo(topics.scoreRequestsJson.name());
            assertThat(d.getReason()).contains(JsonContract.MAX_ADS + 1 + " ads")
                    .contains("at most " + JsonContract.MAX_ADS);
        });
        assertThat(out.readValuesToList()).singleElement().satisfies(a -> assertThat(a).contains("\"display_id\":2"));
    }

    @Test
    void shouldDeadLetterAnAvroRequestWithMoreAdsThanTheContractAllowsAndAnswerTheNext() {
        feed.announce("v1");
        TestOutputTopic<String, DeadLetter> deadLetters = deadLetters();
        List<Long> tooMany = new ArrayList<>();
        for (long ad = 0; ad <= JsonContract.MAX_ADS; ad++) {
            tooMany.add(ad);
        }

        send(80L, tooMany);
        send(81L, List.of(10L, 11L));

        assertThat(deadLetters.readValuesToList()).singleElement().satisfies(d -> {
            assertThat(d.getSource()).isEqualTo(topics.scoreRequests.name());
            assertThat(d.getReason()).contains(JsonContract.MAX_ADS + 1 + " ads")
                    .contains("at most " + JsonContract.MAX_ADS);
        });
        assertThat(scores.readValuesToList()).extracting(Score::getDisplayId).containsExactly(81L);
    }

    @Test
    void shouldDeadLetterAJsonRequestLargerThanTheContractAllowsWithAShortenedPayload() {
        feed.announce("v1");
        TestInputTopic<String, String> in = driver.createInputTopic(topics.scoreRequestsJson.name(),
                topics.scoreRequestsJson.keySerde().serializer(), topics.scoreRequestsJson.valueSerde().serializer());
        TestOutputTopic<String, String> out = driver.createOutputTopic(topics.scoresJson.name(),
                topics.scoresJson.keySerde().deserializer(), topics.scoresJson.valueSerde().deserializer());
        TestOutputTopic<String, DeadLetter> deadLetters = deadLetters();
        String huge = "{\"display_id\": 3, \"timestamp\": 5, \"ad_ids\": [7], \"pad\": \"" + "x".repeat(10 << 20) + "\"}";

        in.pipeInput("u1", huge);
        in.pipeInput("u1", jsonRequest(4, 3));

        assertThat(deadLetters.readValuesToList()).singleElement().satisfies(d -> {
            assertThat(d.getReason()).contains(huge.length() + " bytes")
                    .contains("at most " + JsonContract.MAX_REQUEST_BYTES);
            assertThat(d.getPayload().remaining()).isLessThanOrEqualTo(
                    dev.wnd.features.streams.DeadLetterHandler.MAX_PAYLOAD_BYTES);
        });
        assertThat(out.readValuesToList()).singleElement().satisfies(a -> assertThat(a).contains("\"display_id\":4"));
    }
}
