package dev.wnd.features.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.features.state.CtrCounts;
import dev.wnd.features.state.CtrKeys;
import dev.wnd.schemas.avro.Display;
import dev.wnd.schemas.avro.DocumentCategory;
import dev.wnd.schemas.avro.DocumentMeta;
import dev.wnd.schemas.avro.Example;
import dev.wnd.schemas.avro.Label;
import dev.wnd.schemas.avro.PageView;
import dev.wnd.schemas.avro.PromotedContent;
import dev.wnd.schemas.avro.Split;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The test-then-train flow: features as of the display, Examples when the labels are released. */
class FeaturesTopologyTest {

    private final FeatureSpec spec = FeatureSpec.seed();
    private final FeatureReader read = new FeatureReader(spec);
    private FeaturesDriver driver;

    @TempDir
    Path stateDir;

    @BeforeEach
    void start() {
        driver = new FeaturesDriver(spec, stateDir);
        driver.pipe(new PromotedContent(10L, 500L, 7L, 3L));
        driver.pipe(new PromotedContent(11L, 501L, 8L, 4L));
        // The seed profiles only views of documents with metadata and at least one aspect.
        for (long doc : List.of(42L, 500L)) {
            driver.pipe(new DocumentMeta(doc, 1L, 1L, null));
            driver.pipe(new DocumentCategory(doc, 3, 0.5));
        }
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private void display(long id, long ts, List<Long> ads) {
        driver.pipe(new Display(id, "u1", 900L, ts, 1, "US>CA>807", ads));
    }

    private void label(long id, long ts, List<Long> ads, long clicked, long releaseTs) {
        driver.pipe(new Label(id, "u1", ts, releaseTs, ads, List.of(clicked)));
    }

    private void pageView(long doc, long ts) {
        driver.pipe(new PageView("u1", doc, ts, 1, "US>CA>807", 1));
    }

    @Test
    void shouldEmitOneLabelledExamplePerAdOnlyWhenTheLabelIsReleased() {
        display(1L, 1_000L, List.of(10L, 11L));
        // The display alone produces nothing: its features wait for the labels.
        assertThat(driver.examples()).isEmpty();

        label(1L, 1_000L, List.of(10L, 11L), 11L, 2_000L);
        List<Example> out = driver.examples();
        assertThat(out).extracting(Example::getAdId).containsExactly(10L, 11L);
        assertThat(out).extracting(Example::getLabel).containsExactly(0, 1);
        assertThat(out).allSatisfy(e -> {
            assertThat(e.getSpecHash()).isEqualTo(spec.hash());
            assertThat(e.getCategorical()).hasSize(spec.categoricalSlots());
            assertThat(e.getNumeric()).hasSize(spec.numericCount());
            assertThat(e.getTimestamp()).isEqualTo(1_000L);
        });
        assertThat(read.categorical(out.get(0), "event_platform")).isZero();
        assertThat(read.categorical(out.get(0), "ad_id")).isEqualTo(read.bucket("ad_id", 10L));
    }

    @Test
    void shouldGiveEveryAdOfADisplayTheSameSplit() {
        // Day 11 and later is all validation, as the seed's sampleBy gives it fraction 1.0.
        long day12 = 12 * 86_400_000L;
        display(1L, day12, List.of(10L, 11L));
        label(1L, day12, List.of(10L, 11L), 10L, day12 + 1);
        assertThat(driver.examples()).extracting(Example::getSplit).containsOnly(Split.VALIDATION);
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

        Example own = driver.examples().stream().filter(e -> e.getDisplayId() == 100L && e.getAdId() == 10L)
                .findFirst().orElseThrow();
        // 6 views, 6 clicks before the display: CTR 1.0 exactly, not 7/7 computed with its own label.
        assertThat(read.numeric(own, "pop_ad_id")).isEqualTo(1.0f);
        assertThat(read.numeric(own, "ad_views")).isEqualTo(read.transformed("ad_views", 6));
    }

    @Test
    void shouldIgnorePageViewsAfterTheDisplayIncludingTheAdsLandingPage() {
        pageView(42L, 500L);
        display(1L, 1_000L, List.of(10L));
        // Outbrain's leak: the user visits the ad's landing page (document 500) after the display.
        pageView(500L, 1_500L);
        label(1L, 1_000L, List.of(10L), 10L, 2_000L);

        Example e = driver.examples().get(0);
        assertThat(read.categorical(e, "user_has_already_viewed_doc")).isZero();
        assertThat(read.numeric(e, "user_views")).isEqualTo(read.transformed("user_views", 1));
    }

    @Test
    void shouldSeeALandingPageViewedBeforeTheDisplay() {
        pageView(500L, 500L);
        display(1L, 1_000L, List.of(10L));
        label(1L, 1_000L, List.of(10L), 10L, 2_000L);
        assertThat(read.categorical(driver.examples().get(0), "user_has_already_viewed_doc")).isEqualTo(1);
    }

    @Test
    void shouldSeeAPageViewAtTheDisplaysOwnMillisecond() {
        // At equal timestamps a page view comes before the display (the replay's tie rule).
        pageView(500L, 1_000L);
        display(1L, 1_000L, List.of(10L));
        label(1L, 1_000L, List.of(10L), 10L, 2_000L);
        assertThat(read.categorical(driver.examples().get(0), "user_has_already_viewed_doc")).isEqualTo(1);
    }

    @Test
    void shouldDeadLetterALabelWhoseDisplayWasNeverSeenOnceStreamTimeIsPastItsGrace() {
        label(77L, 1_000L, List.of(10L), 10L, 2_000L);
        driver.advanceWallClock(LabelGate.RELEASE_CHECK);
        // Held: its display may still be on its way.
        assertThat(driver.deadLetters().isEmpty()).isTrue();

        pageView(42L, 2_000L + LabelGate.GRACE.toMillis() + 1);
        driver.advanceWallClock(LabelGate.RELEASE_CHECK);
        assertThat(driver.examples()).isEmpty();
        assertThat(driver.deadLetters().readValue().getReason()).contains("77");
    }

    @Test
    void shouldHoldALabelThatComesBeforeItsDisplayAndLabelTheDisplayWithoutCountingItsOwnClick() {
        for (long d = 1; d <= 6; d++) {
            display(d, d * 10, List.of(10L, 11L));
            label(d, d * 10, List.of(10L, 11L), 10L, d * 10 + 5);
        }
        // The label of display 100 is processed before the display, as Streams does when the displays partition
        // has nothing fetched for max.task.idle.ms.
        label(100L, 1_000L, List.of(10L, 11L), 10L, 2_000L);
        assertThat(driver.examples()).hasSize(12);
        display(100L, 1_000L, List.of(10L, 11L));
        driver.advanceWallClock(LabelGate.RELEASE_CHECK);

        List<Example> out = driver.examples();
        assertThat(out).extracting(Example::getDisplayId).containsOnly(100L);
        assertThat(out).extracting(Example::getLabel).containsExactly(1, 0);
        Example own = out.get(0);
        assertThat(read.numeric(own, "pop_ad_id")).isEqualTo(1.0f);
        assertThat(read.numeric(own, "ad_views")).isEqualTo(read.transformed("ad_views", 6));
        assertThat(driver.deadLetters().isEmpty()).isTrue();
    }

    @Test
    void shouldCountAHeldLabelInTheCtrsOnceItsDisplayHasBeenSeen() {
        label(1L, 10L, List.of(10L), 10L, 15L);
        KeyValueStore<Long, CtrCounts> ctr = driver.store(StoreNames.CTR);
        assertThat(ctr.get(CtrKeys.ad(10L))).isNull();

        display(1L, 10L, List.of(10L));
        driver.advanceWallClock(LabelGate.RELEASE_CHECK);
        assertThat(driver.examples()).hasSize(1);
        assertThat(ctr.get(CtrKeys.ad(10L))).extracting(CtrCounts::views, CtrCounts::clicks).containsExactly(1L, 1L);
        assertThat(driver.<Long, Object>store(StoreNames.EARLY_LABELS).approximateNumEntries()).isZero();
    }
}
