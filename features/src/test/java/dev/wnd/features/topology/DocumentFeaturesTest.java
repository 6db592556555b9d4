package dev.wnd.features.topology;

import dev.wnd.features.spec.EventTime;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wnd.features.fn.FeatureFunctions;
import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.schemas.avro.Display;
import dev.wnd.schemas.avro.DocumentCategory;
import dev.wnd.schemas.avro.DocumentEntity;
import dev.wnd.schemas.avro.DocumentMeta;
import dev.wnd.schemas.avro.DocumentTopic;
import dev.wnd.schemas.avro.Example;
import dev.wnd.schemas.avro.Label;
import dev.wnd.schemas.avro.PromotedContent;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Features of the page (document 900) and of the ad's landing page (ad 10 → document 500): metadata, the
 * multi-hot aspect lists and the page-to-ad similarity. Nine filler documents 1..9 have metadata, so N = 11.
 */
class DocumentFeaturesTest {

    private static final long PAGE = 900L;
    private static final long AD_DOC = 500L;
    private static final long DAY = FeatureFunctions.DAY_MS;

    private final FeatureSpec spec = FeatureSpec.seed();
    private final FeatureReader read = new FeatureReader(spec);
    private FeaturesDriver driver;

    @TempDir
    Path stateDir;

    @BeforeEach
    void start() {
        driver = new FeaturesDriver(spec, stateDir);
        driver.pipe(new PromotedContent(10L, AD_DOC, 7L, 3L));
        for (long doc = 1; doc <= 9; doc++) {
            driver.pipe(new DocumentMeta(doc, 1L, 1L, null));
        }
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    /** Display 1 of ad 10 on the page at {@code ts}, labelled right after; its only Example. */
    private Example displayed(long ts) {
        driver.pipe(new Display(1L, "u1", PAGE, ts, 2, "US>NY>501", List.of(10L)));
        driver.pipe(new Label(1L, "u1", ts, ts + 1, List.of(10L), List.of(10L)));
        return driver.examples().get(0);
    }

    @Test
    void shouldListThePagesThreeMostConfidentTopicsMostConfidentFirstAndTiesInArrivalOrder() {
        driver.pipe(new DocumentTopic(PAGE, 1, 0.2));
        driver.pipe(new DocumentTopic(PAGE, 2, 0.9));
        driver.pipe(new DocumentTopic(PAGE, 3, 0.5));
        driver.pipe(new DocumentTopic(PAGE, 4, 0.5));
        driver.pipe(new DocumentTopic(PAGE, 5, 0.1));
        driver.pipe(new DocumentCategory(AD_DOC, 7, 0.3));

        Example e = displayed(1_000L);
        assertThat(read.slots(e, "doc_event_topic_id")).containsExactly(
                read.bucket("doc_event_topic_id", 2), read.bucket("doc_event_topic_id", 3),
                read.bucket("doc_event_topic_id", 4));
        assertThat(read.slots(e, "doc_ad_category_id")).containsExactly(read.bucket("doc_ad_category_id", 7), -1, -1);
        // The ad's document has no topics, the page no categories.
        assertThat(read.slots(e, "doc_ad_topic_id")).containsOnly(-1);
        assertThat(read.slots(e, "doc_event_category_id")).containsOnly(-1);
    }

    @Test
    void shouldRestateARepeatedAspectRowInPlaceWithoutCountingTheDocumentTwice() {
        driver.pipe(new DocumentTopic(PAGE, 1, 0.2));
        driver.pipe(new DocumentTopic(PAGE, 2, 0.6));
        driver.pipe(new DocumentTopic(PAGE, 1, 0.95));    // a replayed row with a new confidence

        assertThat(read.slots(displayed(1_000L), "doc_event_topic_id")).containsExactly(
                read.bucket("doc_event_topic_id", 1), read.bucket("doc_event_topic_id", 2), -1);
        DimensionStore topics = new DimensionStore(driver.<Bytes, byte[]>store(StoreNames.DOCUMENT_TOPICS));
        assertThat(topics.frequency(1)).isEqualTo(1);
        assertThat(topics.total()).as("distinct topics").isEqualTo(2);
    }

    @Test
    void shouldLeaveOutEntitiesOfFewerThanTenDocuments() {
        driver.pipe(new DocumentEntity(PAGE, "rare", 0.9));
        driver.pipe(new DocumentEntity(PAGE, "common", 0.4));
        for (long doc = 1; doc <= 9; doc++) {
            driver.pipe(new DocumentEntity(doc, "common", 0.5));
        }
        // "common" is in 10 documents, "rare" in 1: only "common" is listed, though less confident.
        assertThat(read.slots(displayed(1_000L), "doc_event_entity_id")).containsExactly(
                read.bucket("doc_event_entity_id", FeatureFunctions.entityKey("common")), -1, -1, -1, -1, -1);
    }

    @Test
    void shouldDescribeSourcePublisherAndAgeOfPageAndAdDocuments() {
        long eventMs = EventTime.EPOCH_BASE_MS + 5 * DAY;
        driver.pipe(new DocumentMeta(PAGE, 20L, 30L, eventMs - 10 * DAY - DAY / 2));
        // A source without a publisher gets its own publisher key, as the seed gives it a new publisher id.
        driver.pipe(new DocumentMeta(AD_DOC, 21L, null, eventMs + DAY));

        Example e = displayed(5 * DAY);
        assertThat(read.categorical(e, "doc_event_source_id")).isEqualTo(read.bucket("doc_event_source_id", 20L));
        assertThat(read.categorical(e, "doc_event_publisher_id")).isEqualTo(read.bucket("doc_event_publisher_id", 30L));
        assertThat(read.categorical(e, "doc_ad_source_id")).isEqualTo(read.bucket("doc_ad_source_id", 21L));
        assertThat(read.categorical(e, "doc_ad_publisher_id")).isEqualTo(read.bucket("doc_ad_publisher_id", -22L));
        assertThat(read.numeric(e, "doc_event_days_since_published"))
                .isEqualTo(read.transformed("doc_event_days_since_published", 10));
        // Published a day after the display: outside the seed's 0..3650 days, missing.
        assertThat(read.numeric(e, "doc_ad_days_since_published")).isZero();
        assertThat(read.categorical(e, "doc_id")).isEqualTo(read.bucket("doc_id", AD_DOC));
        assertThat(read.categorical(e, "doc_event_id")).isEqualTo(read.bucket("doc_event_id", PAGE));
        assertThat(read.categorical(e, "ad_advertiser")).isEqualTo(read.bucket("ad_advertiser", 3L));
    }

    @Test
    void shouldHashTheAdsCampaignWhereTheSpecHasTheCampaignFeature() {
        FeatureSpec standard = FeatureSpec.standard();
        FeatureReader standardRead = new FeatureReader(standard);
        try (FeaturesDriver withCampaign = new FeaturesDriver(standard, stateDir.resolve("standard"))) {
            withCampaign.pipe(new PromotedContent(10L, AD_DOC, 7L, 3L));    // ad 10 of campaign 7, advertiser 3
            withCampaign.pipe(new Display(1L, "u1", PAGE, 1_000L, 2, "US>NY>501", List.of(10L, 11L)));
            withCampaign.pipe(new Label(1L, "u1", 1_000L, 1_001L, List.of(10L, 11L), List.of(10L)));
            List<Example> examples = withCampaign.examples();

            assertThat(standardRead.categorical(examples.get(0), FeatureSpec.CAMPAIGN))
                    .isEqualTo(standardRead.bucket(FeatureSpec.CAMPAIGN, 7L));
            assertThat(standardRead.categorical(examples.get(0), "ad_advertiser"))
                    .isEqualTo(standardRead.bucket("ad_advertiser", 3L));
            // Ad 11 has no promoted-content row: its campaign is unknown, as its advertiser is.
            assertThat(standardRead.categorical(examples.get(1), FeatureSpec.CAMPAIGN)).isEqualTo(-1);
        }
        // The seed's set has no campaign feature: its Examples keep the seed's 54 columns.
        assertThat(displayed(1_000L).getCategorical()).hasSize(spec.categoricalSlots());
    }

    @Test
    void shouldTreatADocumentWithoutSourceAsUnknownAsTheSeedDropsIt() {
        driver.pipe(new DocumentMeta(PAGE, null, 30L, EventTime.EPOCH_BASE_MS - 3 * DAY));
        Example e = displayed(1_000L);
        assertThat(read.categorical(e, "doc_event_source_id")).isEqualTo(-1);
        assertThat(read.categorical(e, "doc_event_publisher_id")).isEqualTo(-1);
        assertThat(read.numeric(e, "doc_event_days_since_published")).isZero();
        DimensionStore documents = new DimensionStore(driver.<Bytes, byte[]>store(StoreNames.DOCUMENTS));
        assertThat(documents.total()).as("N, the known documents").isEqualTo(9);
    }

    @Test
    void shouldForgetADocumentWhoseNewestMetadataHasNoSource() {
        driver.pipe(new DocumentMeta(PAGE, 20L, 30L, null));
        driver.pipe(new DocumentMeta(PAGE, 20L, 31L, null));
        KeyValueStore<Bytes, byte[]> store = driver.store(StoreNames.DOCUMENTS);
        assertThat(new DimensionStore(store).total()).isEqualTo(10);
        driver.pipe(new DocumentMeta(PAGE, null, null, null));
        assertThat(new DimensionStore(store).total()).isEqualTo(9);
        assertThat(new DimensionStore(store).meta(PAGE)).isNull();
    }

    @Test
    void shouldWeighPageAndAdDocumentTopicsByTheSeedsDoubleLogIdfInTheirCosine() {
        driver.pipe(new DocumentMeta(PAGE, 20L, 30L, null));
        driver.pipe(new DocumentMeta(AD_DOC, 21L, 31L, null));
        driver.pipe(new DocumentTopic(PAGE, 1, 0.5));
        driver.pipe(new DocumentTopic(PAGE, 2, 0.5));
        driver.pipe(new DocumentTopic(AD_DOC, 1, 1.0));

        // N = 11 documents; topic 1 is in 2 of them, topic 2 in 1. Weight = ln(ln(N / df)) * confidence.
        double page1 = Math.log(Math.log(11 / 2.0)) * 0.5;
        double page2 = Math.log(Math.log(11 / 1.0)) * 0.5;
        double ad1 = Math.log(Math.log(11 / 2.0)) * 1.0;
        double cosine = page1 * ad1 / (Math.sqrt(page1 * page1 + page2 * page2) * Math.abs(ad1));
        Example e = displayed(1_000L);
        assertThat(read.numeric(e, "doc_event_doc_ad_sim_topics"))
                .isEqualTo(read.transformed("doc_event_doc_ad_sim_topics", cosine));
        assertThat(cosine).isBetween(0.5, 0.53);
        // No categories or entities on either side: those similarities are missing.
        assertThat(read.numeric(e, "doc_event_doc_ad_sim_categories")).isZero();
        assertThat(read.numeric(e, "doc_event_doc_ad_sim_entities")).isZero();
    }
}
