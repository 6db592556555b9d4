package dev.wnd.features.topology;

import dev.wnd.features.streams.StatePartitioning;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.features.state.CtrBroadcast;
import dev.wnd.features.state.CtrUpdate;
import dev.wnd.features.state.DisplayFacts;
import dev.wnd.schemas.avro.Display;
import dev.wnd.schemas.avro.DocumentMeta;
import dev.wnd.schemas.avro.Example;
import dev.wnd.schemas.avro.Label;
import dev.wnd.schemas.avro.PromotedContent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The features topology as task 0 of two partitions: the test plays task 1 by piping its CTR broadcasts, and
 * the task's own broadcasts come back to it through the driver. Ad 10 → document 500 (source 21).
 */
class EventSequencerTest {

    private static final long BASE = FeaturesDriver.BASE;
    private static final String US = "US>NY>501";
    /** The facts of task one's displays in the comparison: page 901, in the US. */
    private static final DisplayFacts OTHER_PAGE = new DisplayFacts(901L, dev.wnd.features.fn.FeatureFunctions.country(US));
    private static final StatePartitioning TWO = new StatePartitioning(2, "features-test-ctr-updates", true,
            Duration.ofMillis(50), Duration.ofSeconds(5));

    private final FeatureSpec spec = FeatureSpec.seed();
    private final FeatureReader read = new FeatureReader(spec);

    @TempDir
    Path stateDir;

    private FeaturesDriver driver(String name, StatePartitioning partitioning) {
        FeaturesDriver driver = new FeaturesDriver(spec, stateDir.resolve(name), partitioning);
        driver.pipe(new PromotedContent(10L, 500L, 7L, 3L));
        driver.pipe(new DocumentMeta(500L, 21L, 31L, null));
        return driver;
    }

    private static CtrBroadcast fromTaskOne(long sequence, long at, CtrUpdate update) {
        return new CtrBroadcast(1, sequence, BASE + at, BASE + at, BASE + at, update);
    }

    @Test
    void shouldHoldItsEventsUntilEveryPartitionHasPassedThem() {
        try (FeaturesDriver driver = driver("hold", TWO)) {
            driver.pipe(new Display(1L, "u1", 900L, 1_000L, 1, US, List.of(10L)));
            driver.pipe(new Label(1L, "u1", 1_000L, 2_000L, List.of(10L), List.of(10L)));
            driver.advanceWallClock(Duration.ofMillis(100));
            assertThat(driver.examples()).as("task 1 has said nothing yet").isEmpty();

            driver.pipeBroadcast(fromTaskOne(0, 1_500, null));
            assertThat(driver.examples()).as("the display is released, its label at 2,000 ms not yet").isEmpty();

            driver.pipeBroadcast(fromTaskOne(1, 2_001, null));
            assertThat(driver.examples()).as("this task may still receive labels at its own stream time").isEmpty();

            driver.advanceWallClock(Duration.ofSeconds(6));
            assertThat(driver.examples()).as("idle, the task declared its stream time complete")
                    .extracting(Example::getDisplayId).containsExactly(1L);
        }
    }

    /**
     * Six labels of ad 10 before the display and one after it: sent by task 1, or received by a single partition,
     * they must give the display the same features.
     */
    @Test
    void shouldCountAnotherPartitionsLabelsBeforeADisplayAndNotAfterItAsOnePartitionWould() {
        Example single;
        try (FeaturesDriver driver = driver("single", StatePartitioning.single())) {
            for (int i = 1; i <= 6; i++) {
                driver.pipe(new Display(50L + i, "u2", 901L, 100L * i - 50, 1, US, List.of(10L)));
                driver.pipe(new Label(50L + i, "u2", 100L * i - 50, 100L * i, List.of(10L),
                        i % 2 == 0 ? List.of(10L) : List.of()));
            }
            driver.pipe(new Display(1L, "u1", 900L, 1_000L, 1, US, List.of(10L)));
            driver.pipe(new Display(57L, "u2", 901L, 1_400L, 1, US, List.of(10L)));
            driver.pipe(new Label(57L, "u2", 1_400L, 1_500L, List.of(10L), List.of(10L)));
            driver.pipe(new Label(1L, "u1", 1_000L, 2_000L, List.of(10L), List.of(10L)));
            single = only(driver.examples().stream().filter(e -> e.getDisplayId() == 1L).toList());
        }

        Example two;
        try (FeaturesDriver driver = driver("two", TWO)) {
            for (int i = 1; i <= 6; i++) {
                driver.pipeBroadcast(fromTaskOne(i, 100L * i, new CtrUpdate(50L + i, List.of(10L),
                        i % 2 == 0 ? List.of(10L) : List.of(), OTHER_PAGE)));
            }
            driver.pipe(new Display(1L, "u1", 900L, 1_000L, 1, US, List.of(10L)));
            driver.pipeBroadcast(fromTaskOne(7, 1_500, new CtrUpdate(57L, List.of(10L), List.of(10L), OTHER_PAGE)));
            driver.pipe(new Label(1L, "u1", 1_000L, 2_000L, List.of(10L), List.of(10L)));
            driver.pipeBroadcast(fromTaskOne(8, 10_000, null));
            driver.advanceWallClock(Duration.ofSeconds(6));
            two = only(driver.examples());
        }

        assertThat(read.numeric(two, "ad_views")).as("six labels before the display, not the seventh after it")
                .isEqualTo(read.transformed("ad_views", 6));
        assertThat(read.numeric(two, "pop_ad_id")).isEqualTo(read.transformed("pop_ad_id", 3 / 6.0));
        assertThat(two.getNumeric()).isEqualTo(single.getNumeric());
        assertThat(two.getCategorical()).isEqualTo(single.getCategorical());
    }

    @Test
    void shouldSendEveryLabelWithItsDisplaysFactsAndItsWatermark() {
        try (FeaturesDriver driver = driver("send", TWO)) {
            driver.pipe(new Display(1L, "u1", 900L, 1_000L, 1, US, List.of(10L, 11L)));
            driver.pipe(new Label(1L, "u1", 1_000L, 2_000L, List.of(10L, 11L), List.of(11L)));

            List<CtrBroadcast> sent = driver.broadcasts();
            assertThat(sent).filteredOn(b -> b.update() != null).singleElement().satisfies(b -> {
                assertThat(b.source()).isZero();
                assertThat(b.orderTime()).isEqualTo(BASE + 2_000);
                assertThat(b.watermark()).isEqualTo(BASE + 2_000);
                assertThat(b.update()).isEqualTo(new CtrUpdate(1L, List.of(10L, 11L), List.of(11L),
                        new DisplayFacts(900L, "US")));
            });
        }
    }

    @Test
    void shouldDeclareItsStreamTimeCompleteOnlyAfterItsInputsWereIdle() {
        try (FeaturesDriver driver = driver("idle", TWO)) {
            driver.pipe(new Display(1L, "u1", 900L, 1_000L, 1, US, List.of(10L)));
            driver.pipeBroadcast(fromTaskOne(0, 3_000, null));
            driver.advanceWallClock(Duration.ofMillis(100));
            assertThat(driver.broadcasts()).extracting(CtrBroadcast::watermark).containsExactly(BASE + 1_000);

            driver.advanceWallClock(Duration.ofSeconds(6));
            assertThat(driver.broadcasts()).as("past the latest stream time of any task")
                    .extracting(CtrBroadcast::watermark).containsExactly(BASE + 3_001);
        }
    }

    @Test
    void shouldDeadLetterAnUndecodableUpdateNamingItsTopicAndGoOn() {
        try (FeaturesDriver driver = driver("undecodable", TWO)) {
            var deadLetters = driver.deadLetters();
            driver.pipeUpdateBytes(new byte[] {9, 9, 9});

            assertThat(deadLetters.readValuesToList()).singleElement().satisfies(letter -> {
                assertThat(letter.getSource()).isEqualTo(TWO.updatesTopic());
                assertThat(letter.getReason()).contains("CTR broadcast");
            });
            driver.pipe(new Display(1L, "u1", 900L, 1_000L, 1, US, List.of(10L)));
            driver.pipe(new Label(1L, "u1", 1_000L, 2_000L, List.of(10L), List.of(10L)));
            driver.pipeBroadcast(fromTaskOne(0, 5_000, null));
            driver.advanceWallClock(Duration.ofSeconds(6));
            assertThat(driver.examples()).extracting(Example::getDisplayId).containsExactly(1L);
        }
    }

    private static Example only(List<Example> examples) {
        List<Example> ofDisplayOne = new ArrayList<>(examples.stream().filter(e -> e.getDisplayId() == 1L).toList());
        assertThat(ofDisplayOne).hasSize(1);
        return ofDisplayOne.get(0);
    }
}
