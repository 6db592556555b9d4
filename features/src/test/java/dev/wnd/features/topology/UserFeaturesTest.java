package dev.wnd.features.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wnd.features.fn.FeatureFunctions;
import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.schemas.avro.Display;
import dev.wnd.schemas.avro.DocumentCategory;
import dev.wnd.schemas.avro.DocumentMeta;
import dev.wnd.schemas.avro.Example;
import dev.wnd.schemas.avro.Label;
import dev.wnd.schemas.avro.PageView;
import dev.wnd.schemas.avro.PromotedContent;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Features of the user, from their page views before the display: the profile (views, viewed documents, tf-idf
 * weighted categories) and the traffic source of the page. Documents: A (201, category 1 at 0.8), B (202,
 * categories 1 at 0.4 and 2 at 0.6), the ad's landing page L (500, category 2 at 1.0), a page P (900) and a
 * document without aspects X (300); these and ten filler documents have metadata, so N = 15 (with N = 5 the
 * landing page's seed weight ln(ln(N/df)) would be negative). Ad 10 lands on L.
 */
class UserFeaturesTest {

    private static final long A = 201L;
    private static final long B = 202L;
    private static final long LANDING = 500L;
    private static final long PAGE = 900L;
    private static final long BARE = 300L;
    private static final String GEO = "US>CA>807";

    private final FeatureSpec spec = FeatureSpec.seed();
    private final FeatureReader read = new FeatureReader(spec);
    private FeaturesDriver driver;

    @TempDir
    Path stateDir;

    @BeforeEach
    void start() {
        driver = new FeaturesDriver(spec, stateDir);
        driver.pipe(new PromotedContent(10L, LANDING, 7L, 3L));
        for (long doc : List.of(A, B, LANDING, PAGE, BARE, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L)) {
            driver.pipe(new DocumentMeta(doc, 1L, 1L, null));
        }
        driver.pipe(new DocumentCategory(A, 1, 0.8));
        driver.pipe(new DocumentCategory(B, 1, 0.4));
        driver.pipe(new DocumentCategory(B, 2, 0.6));
        driver.pipe(new DocumentCategory(LANDING, 2, 1.0));
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private void view(long doc, long ts, int platform, String geo, Integer trafficSource) {
        driver.pipe(new PageView("u1", doc, ts, platform, geo, trafficSource));
    }

    /** Display 1 of ad 10 on the page at {@code ts} (platform 1, home geo), labelled right after. */
    private Example displayed(long ts) {
        driver.pipe(new Display(1L, "u1", PAGE, ts, 1, GEO, List.of(10L)));
        driver.pipe(new Label(1L, "u1", ts, ts + 10_000, List.of(10L), List.of(10L)));
        return driver.examples().get(0);
    }

    @Test
    void shouldCountOnlyViewsOfDocumentsWithMetadataAndAspectsAsTheSeedsProfile() {
        view(A, 100, 1, GEO, 1);
        view(A, 200, 1, GEO, 1);
        view(BARE, 300, 1, GEO, 1);       // no aspects: not profiled
        view(999L, 400, 1, GEO, 1);       // no metadata: not profiled
        Example e = displayed(1_000);
        assertThat(read.numeric(e, "user_views")).isEqualTo(read.transformed("user_views", 2));
    }

    @Test
    void shouldScoreTheAdsLandingPageAgainstTheUsersTfIdfProfile() {
        view(A, 100, 1, GEO, 1);
        view(A, 200, 1, GEO, 1);
        view(B, 300, 1, GEO, 1);

        // Profile: category 1 in 3 views (tf 3, mean confidence (0.8 + 0.8 + 0.4) / 3), category 2 in 1 view
        // (tf 1, mean 0.6). df: category 1 in 2 documents, category 2 in 2; N = 15. User weight = tf ln(N/df) mean.
        double user1 = 3 * Math.log(15 / 2.0) * (2.0 / 3);
        double user2 = 1 * Math.log(15 / 2.0) * 0.6;
        // The landing page has category 2 only: the cosine is the user's share of category 2.
        double cosine = user2 / Math.sqrt(user1 * user1 + user2 * user2);
        // Confidence: a = 1 document aspect, b = 2 user aspects, V = 2 categories, k = 1 shared.
        double confidence = 1 - (1 / 2.0) * (2 / 2.0);

        Example e = displayed(1_000);
        assertThat(read.numeric(e, "user_doc_ad_sim_categories"))
                .isEqualTo(read.transformed("user_doc_ad_sim_categories", cosine));
        assertThat(read.numeric(e, "user_doc_ad_sim_categories_conf")).isEqualTo((float) confidence);
        // Nothing to compare for topics and entities.
        assertThat(read.numeric(e, "user_doc_ad_sim_topics")).isZero();
        assertThat(read.numeric(e, "user_doc_ad_sim_topics_conf")).isZero();
    }

    @Test
    void shouldNotLetAVisitToTheLandingPageAfterTheDisplayChangeItsFeatures() {
        view(A, 100, 1, GEO, 1);
        driver.pipe(new Display(1L, "u1", PAGE, 1_000L, 1, GEO, List.of(10L)));
        // The leak: the user clicks through to the landing page after the display, before the label.
        view(LANDING, 1_500, 1, GEO, 1);
        driver.pipe(new Label(1L, "u1", 1_000L, 2_000L, List.of(10L), List.of(10L)));
        Example e = driver.examples().get(0);
        assertThat(read.categorical(e, "user_has_already_viewed_doc")).isZero();
        assertThat(read.numeric(e, "user_views")).isEqualTo(read.transformed("user_views", 1));
        // The profile held category 1 only, which the landing page lacks: cosine 0, and with no shared aspect
        // err = 1 - (a/V)(b/V) = 1 - (1/2)(1/2), so the confidence is 0.25.
        assertThat(read.numeric(e, "user_doc_ad_sim_categories")).isZero();
        assertThat(read.numeric(e, "user_doc_ad_sim_categories_conf")).isEqualTo(0.25f);

        // A second display after that visit does see it.
        driver.pipe(new Display(2L, "u1", PAGE, 3_000L, 1, GEO, List.of(10L)));
        driver.pipe(new Label(2L, "u1", 3_000L, 4_000L, List.of(10L), List.of(10L)));
        Example later = driver.examples().get(0);
        assertThat(read.categorical(later, "user_has_already_viewed_doc")).isEqualTo(1);
        assertThat(read.numeric(later, "user_views")).isEqualTo(read.transformed("user_views", 2));
    }

    @Test
    void shouldNotCountALandingPageWithoutAspectsAsViewedAsTheSeedsProfileHasNoSuchView() {
        driver.pipe(new PromotedContent(11L, BARE, 7L, 3L));
        view(BARE, 100, 1, GEO, 1);
        driver.pipe(new Display(1L, "u1", PAGE, 1_000L, 1, GEO, List.of(11L)));
        driver.pipe(new Label(1L, "u1", 1_000L, 2_000L, List.of(11L), List.of(11L)));
        assertThat(read.categorical(driver.examples().get(0), "user_has_already_viewed_doc")).isZero();
    }

    @Test
    void shouldTakeTheTrafficSourceOfThePageViewOnTheSameDayPlatformAndGeo() {
        view(PAGE, 900, 1, GEO, 3);
        assertThat(read.categorical(displayed(1_000), "traffic_source")).isEqualTo(2);
    }

    @Test
    void shouldLeaveTheTrafficSourceEmptyWhenTheLastViewOfThePageWasElsewhere() {
        view(PAGE, 800, 1, GEO, 3);
        view(PAGE, 900, 2, GEO, 2);       // the latest view of the page was on another platform
        assertThat(read.categorical(displayed(1_000), "traffic_source")).isEqualTo(-1);
    }

    @Test
    void shouldLeaveTheTrafficSourceEmptyWhenThePageWasViewedOnAnEarlierDay() {
        long day = FeatureFunctions.DAY_MS;
        view(PAGE, day - 1, 1, GEO, 2);
        assertThat(read.categorical(displayed(day + 1), "traffic_source")).isEqualTo(-1);
    }

    @Test
    void shouldLeaveTheTrafficSourceEmptyWhenThePageIsViewedOnlyAfterTheDisplay() {
        driver.pipe(new Display(1L, "u1", PAGE, 1_000L, 1, GEO, List.of(10L)));
        view(PAGE, 1_001, 1, GEO, 2);
        driver.pipe(new Label(1L, "u1", 1_000L, 2_000L, List.of(10L), List.of(10L)));
        assertThat(read.categorical(driver.examples().get(0), "traffic_source")).isEqualTo(-1);
    }
}
