package dev.wnd.scorer;

import dev.wnd.features.spec.EventTime;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wnd.features.fn.FeatureAssembler;
import dev.wnd.features.fn.FeatureFunctions;
import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.features.state.CtrBroadcast;
import dev.wnd.features.state.CtrCounts;
import dev.wnd.features.state.CtrKeys;
import dev.wnd.features.state.CtrUpdate;
import dev.wnd.features.state.StateSerdes;
import dev.wnd.features.streams.StatePartitioning;
import dev.wnd.features.topology.StoreNames;
import dev.wnd.features.streams.StreamsSettings;
import dev.wnd.schemas.avro.Label;
import dev.wnd.schemas.avro.PromotedContent;
import dev.wnd.schemas.avro.Score;
import dev.wnd.schemas.avro.ScoreRequest;
import dev.wnd.schemas.kafka.KafkaConnection;
import dev.wnd.schemas.registry.InMemorySchemaRegistryClient;
import dev.wnd.schemas.registry.RegistryConnection;
import dev.wnd.schemas.topic.AppTopics;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scorer as task 0 of two partitions: the test plays task 1 by piping its CTR broadcasts; the task's own come
 * back to it through the driver. Live answers: nothing is held for the other task.
 */
class ScorerPartitionsTest {

    private static final long BASE = EventTime.EPOCH_BASE_MS;
    private static final String UPDATES = "scorer-test-ctr-updates";

    private final FeatureSpec spec = FeatureSpec.seed();
    private final AppTopics topics = new AppTopics(new InMemorySchemaRegistryClient());
    private TopologyTestDriver driver;

    @TempDir
    Path stateDir;

    @BeforeEach
    void start() {
        Properties props = new StreamsSettings("scorer-test", KafkaConnection.plaintext("unused:9092"),
                RegistryConnection.plain("http://unused"), stateDir, "test", false, 100).toProperties(topics);
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, 0L);
        driver = new TopologyTestDriver(ScorerTopology.build(topics, new FeatureAssembler(spec),
                new SwitchableFeed(v -> null), ScorerTopology.Options.defaults().withLoader(Runnable::run)
                        .withPartitioning(StatePartitioning.broadcast(2, UPDATES))), props);
        driver.createInputTopic(topics.promotedContent.name(), topics.promotedContent.keySerde().serializer(),
                topics.promotedContent.valueSerde().serializer())
                .pipeInput(10L, new PromotedContent(10L, 500L, 7L, 3L), BASE - 1);
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private CtrCounts adCounts() {
        KeyValueStore<Long, CtrCounts> ctr = driver.getKeyValueStore(StoreNames.CTR);
        CtrCounts c = ctr.get(CtrKeys.ad(10L));
        return c == null ? CtrCounts.ZERO : c;
    }

    @Test
    void shouldSendItsOwnLabelsToEveryPartitionAndCountEveryPartitionsAsTheyArrive() {
        driver.createInputTopic(topics.labels.name(), topics.labels.keySerde().serializer(),
                topics.labels.valueSerde().serializer())
                .pipeInput("u1", new Label(1L, "u1", 400L, 500L, List.of(10L), List.of(10L)), BASE + 500);
        TestOutputTopic<Integer, CtrBroadcast> sent = driver.createOutputTopic(UPDATES, Serdes.Integer().deserializer(),
                StateSerdes.ctrBroadcast().deserializer());
        assertThat(sent.readValuesToList()).extracting(CtrBroadcast::update)
                .containsExactly(new CtrUpdate(1L, List.of(10L), List.of(10L), null));
        assertThat(adCounts()).as("its own label, back through the updates topic").isEqualTo(
                new CtrCounts(1, 1, 1, 0.0));

        driver.createInputTopic(UPDATES, Serdes.Integer().serializer(), StateSerdes.ctrBroadcast().serializer())
                .pipeInput(1, new CtrBroadcast(1, 0L, BASE + 600, BASE + 600, BASE + 600,
                        new CtrUpdate(2L, List.of(10L), List.of(), null)), BASE + 600);
        assertThat(adCounts()).as("and task 1's").isEqualTo(new CtrCounts(2, 1, 1, 0.0));
    }

    @Test
    void shouldAnswerARequestAtOnceWithoutWaitingForTheOtherPartition() {
        driver.createInputTopic(topics.scoreRequests.name(), topics.scoreRequests.keySerde().serializer(),
                topics.scoreRequests.valueSerde().serializer())
                .pipeInput("u1", new ScoreRequest(7L, "u1", 900L, 1_000L, 2, "SG>00", List.of(10L)), BASE + 1_000);
        TestOutputTopic<Long, Score> scores = driver.createOutputTopic(topics.scores.name(),
                topics.scores.keySerde().deserializer(), topics.scores.valueSerde().deserializer());
        assertThat(scores.readValuesToList()).extracting(Score::getDisplayId).containsExactly(7L);
    }
}
