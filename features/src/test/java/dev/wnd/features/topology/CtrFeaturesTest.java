package dev.wnd.features.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.features.state.AspectKind;
import dev.wnd.features.state.CtrCounts;
import dev.wnd.features.state.CtrKeys;
import dev.wnd.schemas.avro.Display;
import dev.wnd.schemas.avro.DocumentMeta;
import dev.wnd.schemas.avro.DocumentTopic;
import dev.wnd.schemas.avro.Example;
import dev.wnd.schemas.avro.Label;
import dev.wnd.schemas.avro.PromotedContent;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CTR features ({@code pop_*}, {@code ad_views}, {@code doc_views}) from released labels only. Ads: 10 → document
 * 500 (topics 1 at 0.8, 2 at 0.4), 11 → 501 (topic 2 at 0.5), 12 → 502 (topic 1 at 0.6). Ads 10 and 12 share
 * campaign 7, advertiser 3 and source 21; ad 11 has campaign 8, advertiser 4, source 22.
 */
class CtrFeaturesTest {

    private static final double LOG2_SATURATION = Math.log(100_001) / Math.log(2);
    private static final String US = "US>NY>501";

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
        driver.pipe(new PromotedContent(12L, 502L, 7L, 3L));
        driver.pipe(new DocumentMeta(500L, 21L, 31L, null));
        driver.pipe(new DocumentMeta(501L, 22L, 32L, null));
        driver.pipe(new DocumentMeta(502L, 21L, 31L, null));
        driver.pipe(new DocumentTopic(500L, 1, 0.8));
        driver.pipe(new DocumentTopic(500L, 2, 0.4));
        driver.pipe(new DocumentTopic(501L, 2, 0.5));
        driver.pipe(new DocumentTopic(502L, 1, 0.6));
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    /** The seed's confidence of a CTR: f(views / distinct ads) times a weight. */
    private static double confidence(double viewsPerAd, double weight) {
        return Math.log(1 + viewsPerAd) / LOG2_SATURATION * weight;
    }

    private void display(long id, long ts, String geo, List<Long> ads) {
        driver.pipe(new Display(id, "u1", 900L, ts, 1, geo, ads));
    }

    private void label(long id, long ts, List<Long> ads, long clicked, long release) {
        driver.pipe(new Label(id, "u1", ts, release, ads, List.of(clicked)));
    }

    /** Displays 1..n of ads 10, 11, 12, each labelled 100 ms later: ad 11 clicked in displays 1-4, ad 12 after. */
    private void labelledDisplays(int n) {
        for (long d = 1; d <= n; d++) {
            display(d, d * 1_000, US, List.of(10L, 11L, 12L));
            label(d, d * 1_000, List.of(10L, 11L, 12L), d <= 4 ? 11L : 12L, d * 1_000 + 100);
        }
        driver.examples();
    }

    /** A display of ad 10 at 100 s, labelled later; its Example. */
    private Example probe() {
        display(100L, 100_000, US, List.of(10L));
        label(100L, 100_000, List.of(10L), 10L, 200_000);
        return driver.examples().get(0);
    }

    @Test
    void shouldKnowAnAdsCtrOnlyAfterMoreThanFiveLabelledImpressions() {
        labelledDisplays(5);
        Example five = probe();
        assertThat(read.numeric(five, "pop_ad_id")).isZero();
        assertThat(read.numeric(five, "pop_ad_id_conf")).isZero();
        assertThat(read.numeric(five, "ad_views")).isZero();
    }

    @Test
    void shouldGiveAnAdItsCtrWithConfidenceOverOneAdAfterSixImpressions() {
        labelledDisplays(6);
        Example e = probe();
        // Ad 12: 6 impressions, clicked in displays 5 and 6.
        display(101L, 101_000, US, List.of(12L));
        label(101L, 101_000, List.of(12L), 12L, 201_000);
        Example twelve = driver.examples().get(0);

        assertThat(read.numeric(e, "pop_ad_id")).isZero();     // ad 10 was never clicked: CTR 0, but known
        assertThat(read.numeric(e, "pop_ad_id_conf")).isEqualTo((float) confidence(6, 1));
        assertThat(read.numeric(e, "ad_views")).isEqualTo(read.transformed("ad_views", 6));
        assertThat(read.numeric(twelve, "pop_ad_id")).isEqualTo(read.transformed("pop_ad_id", 2 / 6.0));
    }

    @Test
    void shouldNotKnowACampaignCtrUntilMoreThanTenImpressions() {
        labelledDisplays(5);
        // Campaign 7 has had 10 impressions (ads 10 and 12): not more than 10, unknown.
        Example e = probe();
        assertThat(read.numeric(e, "pop_campain_id")).isZero();
        assertThat(read.numeric(e, "pop_campain_id_conf_multipl")).isZero();
        assertThat(read.numeric(e, "pop_advertiser_id_conf")).isZero();
    }

    @Test
    void shouldDivideCampaignAndAdvertiserViewsByTheirDistinctAdsInTheConfidence() {
        labelledDisplays(6);
        Example e = probe();
        // 12 impressions of 2 ads, 2 clicks (ad 12 in displays 5 and 6).
        double ctr = 2 / 12.0;
        double conf = confidence(12 / 2.0, 1);
        assertThat(read.numeric(e, "pop_campain_id")).isEqualTo(read.transformed("pop_campain_id", ctr));
        assertThat(read.numeric(e, "pop_campain_id_conf_multipl"))
                .isEqualTo(read.transformed("pop_campain_id_conf_multipl", ctr * conf));
        assertThat(read.numeric(e, "pop_advertiser_id")).isEqualTo(read.transformed("pop_advertiser_id", ctr));
        assertThat(read.numeric(e, "pop_advertiser_id_conf")).isEqualTo((float) conf);
        // Source 21 (documents 500 and 502) likewise, and its publisher 31.
        assertThat(read.numeric(e, "pop_source_id")).isEqualTo(read.transformed("pop_source_id", ctr));
        assertThat(read.numeric(e, "pop_source_id_conf")).isEqualTo((float) conf);
        assertThat(read.numeric(e, "pop_publisher_id")).isEqualTo(read.transformed("pop_publisher_id", ctr));
        // The ad's own document: 6 impressions of one ad.
        assertThat(read.numeric(e, "pop_document_id_conf")).isEqualTo((float) confidence(6, 1));
        assertThat(read.numeric(e, "doc_views")).isEqualTo(read.transformed("doc_views", 6));
    }

    @Test
    void shouldAverageTheTopicCtrsOfTheAdsDocumentWeightedByBothConfidences() {
        labelledDisplays(6);
        Example e = probe();
        // Topic 1: 12 impressions (ads 10, 12), 2 clicks, mean document confidence (6 * 0.8 + 6 * 0.6) / 12.
        double ctr1 = 2 / 12.0;
        double c1 = confidence(12 / 2.0, 0.7);
        // Topic 2: 12 impressions (ads 10, 11), 4 clicks, mean document confidence (6 * 0.4 + 6 * 0.5) / 12.
        double ctr2 = 4 / 12.0;
        double c2 = confidence(12 / 2.0, 0.45);
        // Ad 10's document: topic 1 at 0.8, topic 2 at 0.4.
        double value = (ctr1 * c1 * 0.8 + ctr2 * c2 * 0.4) / (c1 * 0.8 + c2 * 0.4);
        assertThat(read.numeric(e, "pop_topic_id")).isCloseTo(read.transformed("pop_topic_id", value), within(1e-6f));
        assertThat(read.numeric(e, "pop_topic_id_conf")).isCloseTo((float) Math.max(c1 * 0.8, c2 * 0.4),
                within(1e-7f));
        assertThat(read.numeric(e, "pop_category_id")).isZero();      // no categories anywhere
    }

    @Test
    void shouldIgnoreALabelReleasedAfterTheDisplayEvenIfBeforeTheDisplaysOwnLabel() {
        for (long d = 1; d <= 6; d++) {
            display(d, d * 1_000, US, List.of(10L));
        }
        for (long d = 1; d <= 5; d++) {
            label(d, d * 1_000, List.of(10L), 10L, 10_000 + d);
        }
        display(100L, 20_000, US, List.of(10L));
        // The sixth label comes after display 100 (and before display 100's own label).
        label(6L, 6_000, List.of(10L), 10L, 20_001);
        label(100L, 20_000, List.of(10L), 10L, 30_000);
        Example e = driver.examples().stream().filter(x -> x.getDisplayId() == 100L).findFirst().orElseThrow();
        assertThat(read.numeric(e, "pop_ad_id")).isZero();
        assertThat(read.numeric(e, "ad_views")).isZero();
    }

    @Test
    void shouldKeepThePerCountryAndPerPageCountsTheSeedComputesBeside() {
        labelledDisplays(6);
        display(7L, 7_000, "GB>H9", List.of(10L));
        label(7L, 7_000, List.of(10L), 10L, 7_100);

        KeyValueStore<Long, CtrCounts> ctr = driver.store(StoreNames.CTR);
        assertThat(ctr.get(CtrKeys.sourceInCountry(CtrKeys.country("US"), 21L))).isEqualTo(new CtrCounts(12, 2, 2, 0.0));
        assertThat(ctr.get(CtrKeys.sourceInCountry(CtrKeys.country("GB"), 21L))).isEqualTo(new CtrCounts(1, 1, 1, 0.0));
        assertThat(ctr.get(CtrKeys.source(21L))).isEqualTo(new CtrCounts(13, 3, 2, 0.0));
        CtrCounts usTopic1 = ctr.get(CtrKeys.aspectInCountry(AspectKind.TOPIC, CtrKeys.country("US"), 1L));
        assertThat(usTopic1.views()).isEqualTo(12);
        assertThat(usTopic1.distinctAds()).isEqualTo(2);
        assertThat(usTopic1.confidenceSum()).isCloseTo(6 * 0.8 + 6 * 0.6, within(1e-9));
        assertThat(ctr.get(CtrKeys.pageAdDocument(900L, 500L))).isEqualTo(new CtrCounts(7, 1, 1, 0.0));
        assertThat(ctr.get(CtrKeys.ad(10L))).isEqualTo(new CtrCounts(7, 1, 1, 0.0));
        // Every display's facts were dropped once its label came.
        try (KeyValueIterator<Long, Object> facts = driver.<Long, Object>store(StoreNames.DISPLAY_FACTS).all()) {
            assertThat(facts.hasNext()).isFalse();
        }
    }
}
