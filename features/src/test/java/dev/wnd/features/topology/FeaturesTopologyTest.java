package dev.wnd.features.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wnd.features.fn.FeatureAssembler;
import dev.wnd.features.fn.FeatureFunctions;
import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.schemas.avro.DeadLetter;
import dev.wnd.schemas.avro.Display;
import dev.wnd.schemas.avro.Example;
import dev.wnd.schemas.avro.Label;
import dev.wnd.schemas.avro.PageView;
import dev.wnd.schemas.avro.PromotedContent;
import dev.wnd.schemas.registry.InMemorySchemaRegistryClient;
import dev.wnd.schemas.topic.AppTopics;
import dev.wnd.schemas.topic.Topic;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeaturesTopologyTest {

    private static final long BASE = FeatureFunctions.EPOCH_BASE_MS;
    private final FeatureSpec spec = FeatureSpec.seed();
    private final AppTopics topics = new AppTopics(new InMemorySchemaRegistryClient());
    private TopologyTestDriver driver;
    private TestOutputTopic<Long, Example> examples;

    @TempDir
    Path stateDir;

    @BeforeEach
    void start() {
        Properties props = new StreamsSettings("features-test", "unused:9092", "http://unused", stateDir, "test", false, 100)
                .toProperties(topics);
        // The driver pipes one record at a time: never wait for the other inputs to have data.
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, 0L);
        driver = new TopologyTestDriver(FeaturesTopology.build(topics, new FeatureAssembler(spec), 42L), props);
        examples = driver.createOutputTopic(topics.examples.name(), topics.examples.keySerde().deserializer(),
                topics.examples.valueSerde().deserializer());
        input(topics.promotedContent).pipeInput(10L, new PromotedContent(10L, 500L, 7L, 3L), BASE - 1);
        input(topics.promotedContent).pipeInput(11L, new PromotedContent(11L, 501L, 8L, 4L), BASE - 1);
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private <K, V> TestInputTopic<K, V> input(Topic<K, V> topic) {
        return driver.createInputTopic(topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer());
    }

    private void display(long id, long ts, List<Long> ads) {
        input(topics.displays).pipeInput("u1", new Display(id, "u1", 900L, ts, 1, "US>CA>807", ads), BASE + ts);
    }

    private void label(long id, long ts, List<Long> ads, long clicked, long releaseTs) {
        input(topics.labels).pipeInput("u1", new Label(id, "u1", ts, releaseTs, ads, List.of(clicked)),
                BASE + releaseTs);
    }

    private void pageView(long doc, long ts) {
        input(topics.pageViews).pipeInput("u1", new PageView("u1", doc, ts, 1, "US>CA>807", 1), BASE + ts);
    }

    private float numeric(Example e, String name) {
        return e.getNumeric().get(spec.numericIndex(name));
    }

    private int categorical(Example e, String name) {
        return e.getCategorical().get(spec.slotOffset(spec.categoricalIndex(name)));
    }

    @Test
    void shouldEmitOneLabelledExamplePerAdOnlyWhenTheLabelIsReleased() {
        display(1L, 1_000L, List.of(10L, 11L));
        // The display alone produces nothing: its features wait for the labels.
        assertThat(examples.isEmpty()).isTrue();

        label(1L, 1_000L, List.of(10L, 11L), 11L, 2_000L);
        List<Example> out = examples.readValuesToList();
        assertThat(out).extracting(Example::getAdId).containsExactly(10L, 11L);
        assertThat(out).extracting(Example::getLabel).containsExactly(0, 1);
        assertThat(out).allSatisfy(e -> {
            assertThat(e.getSpecHash()).isEqualTo(spec.hash());
            assertThat(e.getCategorical()).hasSize(spec.categoricalSlots());
            assertThat(e.getNumeric()).hasSize(spec.numericCount());
            assertThat(e.getTimestamp()).isEqualTo(1_000L);
        });
        assertThat(categorical(out.get(0), "event_platform")).isZero();
        assertThat(categorical(out.get(0), "ad_id"))
                .isEqualTo(FeatureFunctions.bucket("ad_id", 10L, 250_000));
    }

    @Test
    void shouldNotCountADisplaysOwnClickInItsCtr() {
        // Six earlier displays of ad 10, all clicked, released before display 100: the CTR counts them.
        for (long d = 1; d <= 6; d++) {
            display(d, d * 10, List.of(10L, 11L));
            label(d, d * 10, List.of(10L, 11L), 10L, d * 10 + 5);
        }
        // Display 100 is clicked on ad 10 too; its own label arrives after the display.
        display(100L, 1_000L, List.of(10L, 11L));
        label(100L, 1_000L, List.of(10L, 11L), 10L, 2_000L);

        Example own = examples.readValuesToList().stream().filter(e -> e.getDisplayId() == 100L && e.getAdId() == 10L)
                .findFirst().orElseThrow();
        // 6 views, 6 clicks before the display: CTR 1.0 exactly, not 7/7 computed with its own label.
        assertThat(numeric(own, "pop_ad_id")).isEqualTo(1.0f);
        assertThat(numeric(own, "ad_views"))
                .isEqualTo(FeatureFunctions.transform(spec.numeric().get(spec.numericIndex("ad_views")), 6));
    }

    @Test
    void shouldIgnorePageViewsAfterTheDisplayIncludingTheAdsLandingPage() {
        pageView(42L, 500L);
        display(1L, 1_000L, List.of(10L));
        // Outbrain's leak: the user visits the ad's landing page (document 500) after the display.
        pageView(500L, 1_500L);
        label(1L, 1_000L, List.of(10L), 10L, 2_000L);

        Example e = examples.readValuesToList().get(0);
        assertThat(categorical(e, "user_has_already_viewed_doc")).isZero();
        assertThat(numeric(e, "user_views"))
                .isEqualTo(FeatureFunctions.transform(spec.numeric().get(spec.numericIndex("user_views")), 1));
    }

    @Test
    void shouldSeeALandingPageViewedBeforeTheDisplay() {
        pageView(500L, 500L);
        display(1L, 1_000L, List.of(10L));
        label(1L, 1_000L, List.of(10L), 10L, 2_000L);
        assertThat(categorical(examples.readValue(), "user_has_already_viewed_doc")).isEqualTo(1);
    }

    @Test
    void shouldDeadLetterALabelWhoseDisplayWasNeverSeen() {
        label(77L, 1_000L, List.of(10L), 10L, 2_000L);
        assertThat(examples.isEmpty()).isTrue();
        TestOutputTopic<String, DeadLetter> dead = driver.createOutputTopic(topics.deadLetters.name(),
                topics.deadLetters.keySerde().deserializer(), topics.deadLetters.valueSerde().deserializer());
        assertThat(dead.readValue().getReason()).contains("77");
    }
}
