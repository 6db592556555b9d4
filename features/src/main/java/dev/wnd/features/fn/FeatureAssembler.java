package dev.wnd.features.fn;

import dev.wnd.features.spec.CategoricalFeature;
import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.features.spec.NumericFeature;
import dev.wnd.features.state.AspectKind;
import dev.wnd.features.state.AspectProfile;
import dev.wnd.features.state.CtrCounts;
import dev.wnd.features.state.CtrFamily;
import dev.wnd.features.state.CtrKeys;
import dev.wnd.features.state.DocAspects;
import dev.wnd.features.state.FeatureState;
import dev.wnd.features.state.UserState;
import dev.wnd.features.state.ViewedDocument;
import dev.wnd.schemas.avro.DocumentMeta;
import dev.wnd.schemas.avro.PromotedContent;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;

/**
 * Builds the feature vectors of a display's ads from the state as of the display. The single implementation used
 * by both the features topology (training) and the scorer (serving). Stateless apart from its spec: safe to share
 * between threads.
 *
 * <p>Every feature of the seed's TF1 set ({@code TF1/preproc/preproc3.py}, {@code get_ad_feature_vector_integral})
 * is computed; a feature the state cannot support (unknown ad, document or user) stays empty: {@code -1} for a
 * categorical slot, 0 for a numeric (the seed's sparse vectors also turn missing numerics into 0; for categoricals
 * the seed's 0 would collide with a real value, so we leave the slot empty). Where the seed does something this
 * class does differently, the field's comment says so. In short:
 * <ul>
 *   <li>Ids are hashed into the spec's buckets, including {@code event_country}, {@code event_country_state} and
 *       {@code event_geo_location} and the entity ids, which the seed replaces by their occurrence counts in the
 *       whole data set (a second pass a stream cannot make, and one that makes equal counts collide). The seed's
 *       minimum count survives as a filter: entities in fewer than {@link #MIN_ENTITY_DOCUMENTS} documents are left
 *       out of the entity lists, as the seed drops them.</li>
 *   <li>CTRs ({@code pop_*}, {@code ad_views}, {@code doc_views}) count every label released before the display,
 *       of training and validation displays alike; the seed counts the whole training split's labels at once, so
 *       its features of a training display include that display's own label and later ones.</li>
 *   <li>Negative values (a cosine can be negative, since the seed's document weight {@code ln(ln(N/df))} is
 *       negative for aspects in more than N/e documents) become 0; the seed's {@code log2(1 + 1000 x)} is NaN
 *       (then 0) for most of them.</li>
 *   <li>The request-side {@code pop_document_id}, {@code pop_publisher_id}, {@code pop_source_id} and
 *       {@code pop_{entity,topic,category}_id} describe the ad's landing document, not the page: the seed lists
 *       them as request features but its {@code get_popularity_score} is called with the ad document's ids.
 *       {@code doc_views} is likewise the ad document's labelled views.</li>
 * </ul>
 */
public final class FeatureAssembler {

    /** The seed keeps an entity id in the multi-hot lists only when at least this many documents carry it. */
    public static final int MIN_ENTITY_DOCUMENTS = 10;

    private static final String[] ASPECT_NAMES = {"topic", "entity", "category"};
    private static final String[] SIM_NAMES = {"topics", "entities", "categories"};

    private final FeatureSpec spec;
    /** The spec's features and slot offsets as arrays: read for every feature of every ad a scorer ranks. */
    private final CategoricalFeature[] categorical;
    private final NumericFeature[] numeric;
    private final int[] slotOffsets;
    private final int docEventId;
    private final int docId;
    private final int docEventSource;
    private final int docEventPublisher;
    private final int geo;
    private final int countryState;
    private final int country;
    private final int hour;
    private final int platform;
    private final int trafficSource;
    private final int weekend;
    private final int viewedDoc;
    private final int adId;
    private final int adSource;
    private final int advertiser;
    private final int adPublisher;
    /** The campaign feature's index, or -1 where the spec has none (the seed's set). */
    private final int campaign;
    private final Map<AspectKind, Integer> docEventAspects = new EnumMap<>(AspectKind.class);
    private final Map<AspectKind, Integer> docAdAspects = new EnumMap<>(AspectKind.class);

    private final int popAd;
    private final int popAdConf;
    private final int adViews;
    private final int popAdvertiser;
    private final int popAdvertiserConf;
    private final int popCampaign;
    private final int popCampaignConfMultipl;
    private final int popDocument;
    private final int popDocumentConf;
    private final int docViews;
    private final int popPublisher;
    private final int popPublisherConf;
    private final int popSource;
    private final int popSourceConf;
    private final Map<AspectKind, Integer> popAspect = new EnumMap<>(AspectKind.class);
    private final Map<AspectKind, Integer> popAspectConf = new EnumMap<>(AspectKind.class);
    private final Map<AspectKind, Integer> userSim = new EnumMap<>(AspectKind.class);
    private final Map<AspectKind, Integer> userSimConf = new EnumMap<>(AspectKind.class);
    private final Map<AspectKind, Integer> docSim = new EnumMap<>(AspectKind.class);
    private final int userViews;
    private final int docEventHour;
    private final int docEventDays;
    private final int docAdDays;

    /**
     * @param spec the feature space; every feature named by the seed must be in it, and the campaign
     *     ({@link FeatureSpec#CAMPAIGN}) may be
     */
    public FeatureAssembler(FeatureSpec spec) {
        this.spec = spec;
        this.categorical = spec.categorical().toArray(CategoricalFeature[]::new);
        this.numeric = spec.numeric().toArray(NumericFeature[]::new);
        this.slotOffsets = new int[categorical.length];
        for (int i = 0; i < categorical.length; i++) {
            slotOffsets[i] = spec.slotOffset(i);
        }
        docEventId = spec.categoricalIndex("doc_event_id");
        docId = spec.categoricalIndex("doc_id");
        docEventSource = spec.categoricalIndex("doc_event_source_id");
        docEventPublisher = spec.categoricalIndex("doc_event_publisher_id");
        geo = spec.categoricalIndex("event_geo_location");
        countryState = spec.categoricalIndex("event_country_state");
        country = spec.categoricalIndex("event_country");
        hour = spec.categoricalIndex("event_hour");
        platform = spec.categoricalIndex("event_platform");
        trafficSource = spec.categoricalIndex("traffic_source");
        weekend = spec.categoricalIndex("event_weekend");
        viewedDoc = spec.categoricalIndex("user_has_already_viewed_doc");
        adId = spec.categoricalIndex("ad_id");
        adSource = spec.categoricalIndex("doc_ad_source_id");
        advertiser = spec.categoricalIndex("ad_advertiser");
        adPublisher = spec.categoricalIndex("doc_ad_publisher_id");
        campaign = spec.hasCategorical(FeatureSpec.CAMPAIGN) ? spec.categoricalIndex(FeatureSpec.CAMPAIGN) : -1;
        for (AspectKind kind : AspectKind.values()) {
            String aspect = ASPECT_NAMES[kind.ordinal()];
            String sim = SIM_NAMES[kind.ordinal()];
            docEventAspects.put(kind, spec.categoricalIndex("doc_event_" + aspect + "_id"));
            docAdAspects.put(kind, spec.categoricalIndex("doc_ad_" + aspect + "_id"));
            popAspect.put(kind, spec.numericIndex("pop_" + aspect + "_id"));
            popAspectConf.put(kind, spec.numericIndex("pop_" + aspect + "_id_conf"));
            userSim.put(kind, spec.numericIndex("user_doc_ad_sim_" + sim));
            docSim.put(kind, spec.numericIndex("doc_event_doc_ad_sim_" + sim));
        }
        // The seed's 54 columns carry the confidence of the user similarities of categories and topics only.
        userSimConf.put(AspectKind.CATEGORY, spec.numericIndex("user_doc_ad_sim_categories_conf"));
        userSimConf.put(AspectKind.TOPIC, spec.numericIndex("user_doc_ad_sim_topics_conf"));
        popAd = spec.numericIndex("pop_ad_id");
        popAdConf = spec.numericIndex("pop_ad_id_conf");
        adViews = spec.numericIndex("ad_views");
        popAdvertiser = spec.numericIndex("pop_advertiser_id");
        popAdvertiserConf = spec.numericIndex("pop_advertiser_id_conf");
        popCampaign = spec.numericIndex("pop_campain_id");
        popCampaignConfMultipl = spec.numericIndex("pop_campain_id_conf_multipl");
        popDocument = spec.numericIndex("pop_document_id");
        popDocumentConf = spec.numericIndex("pop_document_id_conf");
        docViews = spec.numericIndex("doc_views");
        popPublisher = spec.numericIndex("pop_publisher_id");
        popPublisherConf = spec.numericIndex("pop_publisher_id_conf");
        popSource = spec.numericIndex("pop_source_id");
        popSourceConf = spec.numericIndex("pop_source_id_conf");
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
        return assemble(display, List.of(ad), state).get(0);
    }

    /**
     * The vectors of {@code ads} shown in {@code display}, in order, from {@code state} as of the display's time.
     * Prefer this to one call per ad: the request side (page, user profile, local time) is computed once.
     */
    public List<FeatureVector> assemble(DisplayContext display, List<Long> ads, FeatureState state) {
        Request request = new Request(display, state);
        int[] cat = new int[spec.categoricalSlots()];
        Arrays.fill(cat, -1);
        float[] num = new float[spec.numericCount()];
        request.fill(cat, num);
        List<FeatureVector> vectors = new ArrayList<>(ads.size());
        for (long ad : ads) {
            int[] adCat = cat.clone();
            float[] adNum = num.clone();
            item(request, ad, adCat, adNum);
            vectors.add(new FeatureVector(adCat, adNum));
        }
        return vectors;
    }

    /** What every ad of a display shares: the page, the user, the time and place. */
    private final class Request {
        final DisplayContext display;
        final FeatureState state;
        final DocumentMeta page;
        final long documents;
        final UserState user;
        final Map<AspectKind, DocAspects> pageAspects = new EnumMap<>(AspectKind.class);
        final Map<AspectKind, WeightedAspects> pageVectors = new EnumMap<>(AspectKind.class);
        final Map<AspectKind, WeightedAspects> userVectors = new EnumMap<>(AspectKind.class);
        final Map<AspectKind, Long> vocabulary = new EnumMap<>(AspectKind.class);
        final String countryCode;

        Request(DisplayContext display, FeatureState state) {
            this.display = display;
            this.state = state;
            this.page = state.document(display.documentId());
            this.documents = state.documentCount();
            this.user = state.user(display.uuid());
            this.countryCode = FeatureFunctions.country(display.geoLocation());
            for (AspectKind kind : AspectKind.values()) {
                DocAspects aspects = state.aspects(kind, display.documentId());
                pageAspects.put(kind, aspects);
                pageVectors.put(kind, documentVector(state, kind, aspects, documents));
                userVectors.put(kind, userVector(state, kind, user.profile(kind), documents));
                vocabulary.put(kind, state.aspectVocabulary(kind));
            }
        }

        void fill(int[] cat, float[] num) {
            hashed(cat, docEventId, display.documentId());
            if (page != null) {
                hashed(cat, docEventSource, page.getSourceId());
                hashed(cat, docEventPublisher, FeatureFunctions.publisherKey(page.getPublisherId(), page.getSourceId()));
                number(num, docEventDays,
                        FeatureFunctions.daysSincePublished(page.getPublishTime(), display.timestamp()));
            }
            // Hashed, where the seed encodes these three by their occurrence count over all events (see class doc).
            hashedText(cat, geo, display.geoLocation());
            hashedText(cat, countryState, FeatureFunctions.countryState(display.geoLocation()));
            hashedText(cat, country, countryCode);
            ZonedDateTime local = FeatureFunctions.localTime(display.timestamp(), display.geoLocation());
            int hourBin = FeatureFunctions.hourBin(local.getHour());
            identity(cat, hour, hourBin);
            identity(cat, weekend, FeatureFunctions.weekend(local));
            identity(cat, platform, FeatureFunctions.platformIndex(display.platform()));
            identity(cat, trafficSource, trafficSourceOf(user, display));
            number(num, docEventHour, hourBin);
            number(num, userViews, user.views());
            for (AspectKind kind : AspectKind.values()) {
                multiHot(cat, docEventAspects.get(kind), pageAspects.get(kind), keepFor(state, kind));
            }
        }
    }

    private void item(Request r, long ad, int[] cat, float[] num) {
        FeatureState state = r.state;
        hashed(cat, adId, ad);
        CtrCounts adCounts = state.ctr(CtrKeys.ad(ad));
        Estimate popAdEstimate = popularity(CtrFamily.AD, adCounts);
        if (popAdEstimate != null) {
            number(num, popAd, popAdEstimate.value());
            number(num, popAdConf, popAdEstimate.confidence());
            number(num, adViews, adCounts.views());
        }
        PromotedContent promoted = state.ad(ad);
        if (promoted == null) {
            return;
        }
        long adDocId = promoted.getDocumentId();
        hashed(cat, docId, adDocId);
        hashed(cat, advertiser, promoted.getAdvertiserId());
        if (campaign >= 0) {
            hashed(cat, campaign, promoted.getCampaignId());
        }
        identity(cat, viewedDoc, r.user.hasViewed(adDocId) ? 1 : 0);

        CtrCounts documentCounts = state.ctr(CtrKeys.adDocument(adDocId));
        Estimate document = popularity(CtrFamily.AD_DOCUMENT, documentCounts);
        if (document != null) {
            number(num, popDocument, document.value());
            number(num, popDocumentConf, document.confidence());
            number(num, docViews, documentCounts.views());
        }
        Estimate adv = popularity(state, CtrFamily.ADVERTISER, CtrKeys.advertiser(promoted.getAdvertiserId()));
        if (adv != null) {
            number(num, popAdvertiser, adv.value());
            number(num, popAdvertiserConf, adv.confidence());
        }
        Estimate campaign = popularity(state, CtrFamily.CAMPAIGN, CtrKeys.campaign(promoted.getCampaignId()));
        if (campaign != null) {
            number(num, popCampaign, campaign.value());
            number(num, popCampaignConfMultipl, campaign.confidenceMultiplied());
        }

        DocumentMeta adDoc = state.document(adDocId);
        if (adDoc != null) {
            long publisher = FeatureFunctions.publisherKey(adDoc.getPublisherId(), adDoc.getSourceId());
            hashed(cat, adSource, adDoc.getSourceId());
            hashed(cat, adPublisher, publisher);
            number(num, docAdDays, FeatureFunctions.daysSincePublished(adDoc.getPublishTime(), r.display.timestamp()));
            Estimate source = popularity(state, CtrFamily.SOURCE, CtrKeys.source(adDoc.getSourceId()));
            if (source != null) {
                number(num, popSource, source.value());
                number(num, popSourceConf, source.confidence());
            }
            Estimate pub = popularity(state, CtrFamily.PUBLISHER, CtrKeys.publisher(publisher));
            if (pub != null) {
                number(num, popPublisher, pub.value());
                number(num, popPublisherConf, pub.confidence());
            }
        }

        for (AspectKind kind : AspectKind.values()) {
            DocAspects aspects = state.aspects(kind, adDocId);
            multiHot(cat, docAdAspects.get(kind), aspects, keepFor(state, kind));
            Estimate pop = aspectPopularity(state, kind, aspects);
            if (pop != null) {
                number(num, popAspect.get(kind), pop.value());
                number(num, popAspectConf.get(kind), pop.confidence());
            }
            WeightedAspects adVector = documentVector(state, kind, aspects, r.documents);
            long vocabulary = r.vocabulary.get(kind);
            // The seed's argument order: the ad document first, then the user profile / after the page document.
            WeightedAspects userVector = r.userVectors.get(kind);
            Estimate user = FeatureFunctions.similarity(adVector.keys, adVector.weights, userVector.keys,
                    userVector.weights, vocabulary);
            if (user != null) {
                number(num, userSim.get(kind), user.value());
                Integer conf = userSimConf.get(kind);
                if (conf != null) {
                    number(num, conf, user.confidence());
                }
            }
            WeightedAspects pageVector = r.pageVectors.get(kind);
            Estimate pageSim = FeatureFunctions.similarity(pageVector.keys, pageVector.weights, adVector.keys,
                    adVector.weights, vocabulary);
            if (pageSim != null) {
                number(num, docSim.get(kind), pageSim.value());
            }
        }
    }

    /**
     * The seed's traffic source: that of the user's page view of the display's page on the same day, platform and
     * geo location (the seed joins page views on exactly these). We look at the user's most recent view of the page
     * before the display; the seed's join could match several views, and duplicate the display's rows.
     */
    private static int trafficSourceOf(UserState user, DisplayContext display) {
        ViewedDocument view = user.lastView(display.documentId());
        int displayPlatform = FeatureFunctions.platformIndex(display.platform()) + 1;
        int displayGeo = FeatureFunctions.geoHash(display.geoLocation());
        if (view == null || view.trafficSource() == 0 || displayPlatform == 0 || displayGeo == 0
                || view.platform() != displayPlatform || view.geoHash() != displayGeo
                || view.day() != FeatureFunctions.day(display.timestamp())) {
            return -1;
        }
        return view.trafficSource() - 1;
    }

    /** The seed's {@code get_popularity}: the key's CTR and confidence once it passed its view threshold. */
    private static Estimate popularity(FeatureState state, CtrFamily family, long key) {
        return popularity(family, state.ctr(key));
    }

    /** As {@link #popularity(FeatureState, CtrFamily, long)}, from the key's counts. */
    private static Estimate popularity(CtrFamily family, CtrCounts c) {
        int min = family.minViewsExclusive();
        if (c.views() <= min) {
            return null;
        }
        double weight = family.aspect() == null ? 1.0 : c.meanConfidence();
        // The seed divides an ad's views by 1, every other key's by its distinct ads.
        long distinct = family == CtrFamily.AD ? 1 : c.distinctAds();
        return new Estimate(FeatureFunctions.ctr(c.clicks(), c.views(), min),
                FeatureFunctions.ctrConfidence(c.views(), distinct, weight, min));
    }

    /** The seed's {@code get_weighted_avg_popularity_from_list} over all the document's aspects of one kind. */
    private static Estimate aspectPopularity(FeatureState state, AspectKind kind, DocAspects aspects) {
        double[] ctrs = new double[aspects.size()];
        double[] confidences = new double[aspects.size()];
        double[] docConfidences = new double[aspects.size()];
        int n = 0;
        for (int i = 0; i < aspects.size(); i++) {
            Estimate e = popularity(state, CtrFamily.of(kind), CtrKeys.aspect(kind, aspects.keys()[i]));
            if (e != null) {
                ctrs[n] = e.value();
                confidences[n] = e.confidence();
                docConfidences[n] = aspects.confidences()[i];
                n++;
            }
        }
        return FeatureFunctions.weightedPopularity(Arrays.copyOf(ctrs, n), Arrays.copyOf(confidences, n),
                Arrays.copyOf(docConfidences, n));
    }

    /** A vector of aspect keys with weights, as the similarities take it. */
    private record WeightedAspects(long[] keys, double[] weights) {
    }

    private static WeightedAspects documentVector(FeatureState state, AspectKind kind, DocAspects aspects,
            long documents) {
        double[] weights = new double[aspects.size()];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = FeatureFunctions.documentAspectWeight(documents,
                    state.documentFrequency(kind, aspects.keys()[i]), aspects.confidences()[i]);
        }
        return new WeightedAspects(aspects.keys(), weights);
    }

    private static WeightedAspects userVector(FeatureState state, AspectKind kind, AspectProfile profile,
            long documents) {
        double[] weights = new double[profile.size()];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = FeatureFunctions.userAspectWeight(documents, state.documentFrequency(kind, profile.keys()[i]),
                    profile.termFrequencies()[i], profile.meanConfidence(i));
        }
        return new WeightedAspects(profile.keys(), weights);
    }

    private static LongPredicate keepFor(FeatureState state, AspectKind kind) {
        return kind == AspectKind.ENTITY
                ? key -> state.documentFrequency(kind, key) >= MIN_ENTITY_DOCUMENTS
                : key -> true;
    }

    private void multiHot(int[] cat, int feature, DocAspects aspects, LongPredicate keep) {
        CategoricalFeature f = categorical[feature];
        long[] top = aspects.top(f.slots(), keep);
        int offset = slotOffsets[feature];
        for (int i = 0; i < top.length; i++) {
            cat[offset + i] = FeatureFunctions.bucket(f.name(), top[i], f.buckets());
        }
    }

    private void hashed(int[] cat, int feature, long value) {
        CategoricalFeature f = categorical[feature];
        cat[slotOffsets[feature]] = FeatureFunctions.bucket(f.name(), value, f.buckets());
    }

    private void hashedText(int[] cat, int feature, String value) {
        if (value != null && !value.isEmpty()) {
            CategoricalFeature f = categorical[feature];
            cat[slotOffsets[feature]] = FeatureFunctions.bucket(f.name(), value, f.buckets());
        }
    }

    private void identity(int[] cat, int feature, int value) {
        CategoricalFeature f = categorical[feature];
        if (value >= 0 && value < f.buckets()) {
            cat[slotOffsets[feature]] = value;
        }
    }

    private void number(float[] num, int feature, double raw) {
        num[feature] = FeatureFunctions.transform(numeric[feature], raw);
    }
}
