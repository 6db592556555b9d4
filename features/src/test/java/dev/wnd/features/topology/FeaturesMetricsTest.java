package dev.wnd.features.topology;

import dev.wnd.features.streams.DeadLetterHandler;
import dev.wnd.features.streams.StreamsSettings;
import dev.wnd.features.spec.EventTime;
import dev.wnd.schemas.kafka.KafkaConnection;
import dev.wnd.schemas.registry.RegistryConnection;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wnd.features.fn.FeatureAssembler;
import dev.wnd.features.fn.FeatureFunctions;
import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.schemas.avro.Display;
import dev.wnd.schemas.avro.Label;
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

/** The features topology tells its {@link FeaturesMetrics} of every Example emitted and every dead letter. */
class FeaturesMetricsTest {

    private static final long BASE = EventTime.EPOCH_BASE_MS;

    private final AppTopics topics = new AppTopics(new InMemorySchemaRegistryClient());
    private final List<String> calls = new ArrayList<>();
    private final FeaturesMetrics metrics = new FeaturesMetrics() {
        @Override
        public synchronized void examplesEmitted(boolean validation, int count) {
            calls.add((validation ? "validation " : "train ") + count);
        }

        @Override
        public synchronized void deadLettered(String sourceTopic) {
            calls.add("dead letter from " + sourceTopic);
        }
    };
    private TopologyTestDriver driver;
    private TestInputTopic<String, Display> displays;
    private TestInputTopic<String, Label> labels;

    @TempDir
    Path stateDir;

    @BeforeEach
    void start() {
        Properties props = new StreamsSettings("features-metrics-test", KafkaConnection.plaintext("unused:9092"),
                RegistryConnection.plain("http://unused"), stateDir,
                "features", false, 100).toProperties(topics);
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, 0L);
        props.put(DeadLetterHandler.LISTENER_CONFIG, metrics);
        driver = new TopologyTestDriver(FeaturesTopology.build(topics, new FeatureAssembler(FeatureSpec.seed()),
                FeaturesTopology.Options.of(7L).withMetrics(metrics)), props);
        displays = driver.createInputTopic(topics.displays.name(), topics.displays.keySerde().serializer(),
                topics.displays.valueSerde().serializer());
        labels = driver.createInputTopic(topics.labels.name(), topics.labels.keySerde().serializer(),
                topics.labels.valueSerde().serializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void shouldTellTheMetricsOfEveryExampleEmittedWithItsSplit() {
        List<Long> ads = List.of(1L, 2L, 3L);
        displays.pipeInput("u1", new Display(10L, "u1", 900L, 1_000L, 1, "US>CA>807", ads), BASE + 1_000L);
        labels.pipeInput("u1", new Label(10L, "u1", 1_000L, 5_000L, ads, List.of(2L)), BASE + 5_000L);

        assertThat(calls).hasSize(1);
        assertThat(calls.get(0)).matches("(train|validation) 3");
    }

    @Test
    void shouldTellTheMetricsOfALabelWhoseDisplayWasNeverSeen() {
        labels.pipeInput("u1", new Label(11L, "u1", 1_000L, 5_000L, List.of(1L), List.of(1L)), BASE + 5_000L);
        // Held until stream time is past its grace: its display may still be on its way.
        long later = 5_000L + LabelGate.GRACE.toMillis() + 1;
        displays.pipeInput("u2", new Display(12L, "u2", 900L, later, 1, "US>CA>807", List.of(1L)), BASE + later);
        driver.advanceWallClockTime(LabelGate.RELEASE_CHECK);

        assertThat(calls).containsExactly("dead letter from " + topics.labels.name());
    }

    @Test
    void shouldTellTheMetricsOfARecordTheErrorHandlerDeadLetters() {
        driver.createInputTopic(topics.displays.name(), topics.displays.keySerde().serializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())
                .pipeInput("u1", new byte[] {1, 2, 3}, BASE);

        assertThat(calls).containsExactly("dead letter from " + topics.displays.name());
    }
}
