package dev.wnd.features.fn;

import dev.wnd.features.spec.CategoricalFeature;
import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.features.state.CtrCounts;
import dev.wnd.features.state.CtrKeys;
import dev.wnd.features.state.FeatureState;
import dev.wnd.features.state.UserState;
import dev.wnd.schemas.avro.DocumentMeta;
import dev.wnd.schemas.avro.PromotedContent;
import java.time.ZonedDateTime;
import java.util.Arrays;

/**
 * Builds the feature vector of one (display, ad) from the state as of the display. The single implementation
 * used by both the features topology (training) and the scorer (serving). Stateless apart from its spec: safe to
 * share between threads.
 *
 * <p>Features of the spec that this version does not compute yet stay empty ({@code -1} / {@code 0}); the spec
 * hash still names the full layout, so the model's shape does not change when they are filled in.
 */
public final class FeatureAssembler {

    /** The seed keeps an ad's CTR only after more than 5 labelled views; campaign and advertiser after 10. */
    static final int AD_MIN_VIEWS = 5;
    static final int ENTITY_MIN_VIEWS = 10;

    private final FeatureSpec spec;
    private final int docEventId;
    private final int docId;
    private final int docEventSource;
    private final int docEventPublisher;
    private final int geo;
    private final int countryState;
    private final int country;
    private final int hour;
    private final int platform;
    private final int weekend;
    private final int viewedDoc;
    private final int adId;
    private final int adSource;
    private final int advertiser;
    private final int adPublisher;
    private final int popAd;
    private final int popAdConf;
    private final int adViews;
    private final int popAdvertiser;
    private final int popAdvertiserConf;
    private final int popCampaign;
    private final int popCampaignConfMultipl;
    private final int popDocument;
    private final int popDocumentConf;
    private final int userViews;
    private final int docEventHour;
    private final int docEventDays;
    private final int docAdDays;

    public FeatureAssembler(FeatureSpec spec) {
        this.spec = spec;
        docEventId = spec.categoricalIndex("doc_event_id");
        docId = spec.categoricalIndex("doc_id");
        docEventSource = spec.categoricalIndex("doc_event_source_id");
        docEventPublisher = spec.categoricalIndex("doc_event_publisher_id");
        geo = spec.categoricalIndex("event_geo_location");
        countryState = spec.categoricalIndex("event_country_state");
        country = spec.categoricalIndex("event_country");
        hour = spec.categoricalIndex("event_hour");
        platform = spec.categoricalIndex("event_platform");
        weekend = spec.categoricalIndex("event_weekend");
        viewedDoc = spec.categoricalIndex("user_has_already_viewed_doc");
        adId = spec.categoricalIndex("ad_id");
        adSource = spec.categoricalIndex("doc_ad_source_id");
        advertiser = spec.categoricalIndex("ad_advertiser");
        adPublisher = spec.categoricalIndex("doc_ad_publisher_id");
        popAd = spec.numericIndex("pop_ad_id");
        popAdConf = spec.numericIndex("pop_ad_id_conf");
        adViews = spec.numericIndex("ad_views");
        popAdvertiser = spec.numericIndex("pop_advertiser_id");
        popAdvertiserConf = spec.numericIndex("pop_advertiser_id_conf");
        popCampaign = spec.numericIndex("pop_campain_id");
        popCampaignConfMultipl = spec.numericIndex("pop_campain_id_conf_multipl");
        popDocument = spec.numericIndex("pop_document_id");
        popDocumentConf = spec.numericIndex("pop_document_id_conf");
        userViews = spec.numericIndex("user_views");
        docEventHour = spec.numericIndex("doc_event_hour");
        docEventDays = spec.numericIndex("doc_event_days_since_published");
        docAdDays = spec.numericIndex("doc_ad_days_since_published");
    }

    public FeatureSpec spec() {
        return spec;
    }

    /** The vector of ad {@code ad} shown in {@code display}, from {@code state} as of the display's time. */
    public FeatureVector assemble(DisplayContext display, long ad, FeatureState state) {
        int[] cat = new int[spec.categoricalSlots()];
        Arrays.fill(cat, -1);
        float[] num = new float[spec.numericCount()];

        DocumentMeta page = state.document(display.documentId());
        PromotedContent promoted = state.ad(ad);
        DocumentMeta adDoc = promoted == null ? null : state.document(promoted.getDocumentId());
        UserState user = state.user(display.uuid());
        ZonedDateTime local = FeatureFunctions.localTime(display.timestamp());
        int hourBin = FeatureFunctions.hourBin(local.getHour());

        hashed(cat, docEventId, display.documentId());
        hashed(cat, adId, ad);
        if (page != null) {
            hashedNullable(cat, docEventSource, page.getSourceId());
            hashedNullable(cat, docEventPublisher, page.getPublisherId());
            number(num, docEventDays,
                    FeatureFunctions.daysSincePublished(page.getPublishTime(), display.timestamp()));
        }
        hashedText(cat, geo, display.geoLocation());
        hashedText(cat, countryState, FeatureFunctions.countryState(display.geoLocation()));
        hashedText(cat, country, FeatureFunctions.country(display.geoLocation()));
        identity(cat, hour, hourBin);
        identity(cat, platform, FeatureFunctions.platformIndex(display.platform()));
        identity(cat, weekend, FeatureFunctions.weekend(local));
        number(num, docEventHour, hourBin);
        number(num, userViews, user.views());

        if (promoted != null) {
            hashed(cat, docId, promoted.getDocumentId());
            hashed(cat, advertiser, promoted.getAdvertiserId());
            identity(cat, viewedDoc, user.viewed(promoted.getDocumentId()) ? 1 : 0);
            CtrCounts adv = state.ctr(CtrKeys.advertiser(promoted.getAdvertiserId()));
            number(num, popAdvertiser, FeatureFunctions.ctr(adv.clicks(), adv.views(), ENTITY_MIN_VIEWS));
            number(num, popAdvertiserConf,
                    FeatureFunctions.ctrConfidence(adv.views(), 1, 1.0, ENTITY_MIN_VIEWS));
            CtrCounts camp = state.ctr(CtrKeys.campaign(promoted.getCampaignId()));
            double campCtr = FeatureFunctions.ctr(camp.clicks(), camp.views(), ENTITY_MIN_VIEWS);
            number(num, popCampaign, campCtr);
            number(num, popCampaignConfMultipl,
                    campCtr * FeatureFunctions.ctrConfidence(camp.views(), 1, 1.0, ENTITY_MIN_VIEWS));
            CtrCounts doc = state.ctr(CtrKeys.adDocument(promoted.getDocumentId()));
            number(num, popDocument, FeatureFunctions.ctr(doc.clicks(), doc.views(), AD_MIN_VIEWS));
            number(num, popDocumentConf, FeatureFunctions.ctrConfidence(doc.views(), 1, 1.0, AD_MIN_VIEWS));
        }
        if (adDoc != null) {
            hashedNullable(cat, adSource, adDoc.getSourceId());
            hashedNullable(cat, adPublisher, adDoc.getPublisherId());
            number(num, docAdDays, FeatureFunctions.daysSincePublished(adDoc.getPublishTime(), display.timestamp()));
        }
        CtrCounts adCounts = state.ctr(CtrKeys.ad(ad));
        number(num, popAd, FeatureFunctions.ctr(adCounts.clicks(), adCounts.views(), AD_MIN_VIEWS));
        number(num, popAdConf, FeatureFunctions.ctrConfidence(adCounts.views(), 1, 1.0, AD_MIN_VIEWS));
        number(num, adViews, adCounts.views());
        return new FeatureVector(cat, num);
    }

    private void hashed(int[] cat, int feature, long value) {
        CategoricalFeature f = spec.categorical().get(feature);
        cat[spec.slotOffset(feature)] = FeatureFunctions.bucket(f.name(), value, f.buckets());
    }

    private void hashedNullable(int[] cat, int feature, Long value) {
        if (value != null) {
            hashed(cat, feature, value);
        }
    }

    private void hashedText(int[] cat, int feature, String value) {
        if (value != null && !value.isEmpty()) {
            CategoricalFeature f = spec.categorical().get(feature);
            cat[spec.slotOffset(feature)] = FeatureFunctions.bucket(f.name(), value, f.buckets());
        }
    }

    private void identity(int[] cat, int feature, int value) {
        CategoricalFeature f = spec.categorical().get(feature);
        if (value >= 0 && value < f.buckets()) {
            cat[spec.slotOffset(feature)] = value;
        }
    }

    private void number(float[] num, int feature, double raw) {
        num[feature] = FeatureFunctions.transform(spec.numeric().get(feature), raw);
    }
}
