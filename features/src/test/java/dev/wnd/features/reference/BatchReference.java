package dev.wnd.features.reference;

import dev.wnd.features.fn.Estimate;
import dev.wnd.features.fn.FeatureFunctions;
import dev.wnd.features.fn.Splits;
import dev.wnd.features.spec.CategoricalFeature;
import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.features.state.AspectKind;
import dev.wnd.schemas.avro.Display;
import dev.wnd.schemas.avro.DocumentCategory;
import dev.wnd.schemas.avro.DocumentEntity;
import dev.wnd.schemas.avro.DocumentMeta;
import dev.wnd.schemas.avro.DocumentTopic;
import dev.wnd.schemas.avro.Example;
import dev.wnd.schemas.avro.Label;
import dev.wnd.schemas.avro.PageView;
import dev.wnd.schemas.avro.PromotedContent;
import dev.wnd.schemas.avro.Split;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;

/**
 * The features of a record stream computed the plain way: a single-threaded program, written for clarity and not
 * for speed, that keeps the raw records in memory and derives every feature of every (display, ad) straight from
 * them, as the seed's batch preprocessing ({@code preproc2.py}, {@code preproc3.py}) defines it, restricted to
 * what happened before the display. It calls the same pure formulas ({@link FeatureFunctions}: hashing, local
 * time, CTR and its confidence, tf-idf weights, similarity, transforms) but none of the topology, its stores or
 * its incremental state: user profiles are rebuilt from the user's page views, CTRs from the released labels,
 * document frequencies by counting documents, at every display.
 *
 * <p>It is the oracle of the features topology: fed the same time-ordered records (dimension records first, and
 * at equal timestamps label before page view before display, as the topology processes them), it must produce the
 * same Examples (equal ids, numerics within float rounding). Two things the topology bounds and this does not:
 * a user's remembered documents ({@link dev.wnd.features.state.UserState#MAX_DOCUMENTS}) and profile sizes
 * ({@link AspectKind#profileCapacity()}); the two agree while no user exceeds those bounds.
 *
 * <p>Not thread-safe; each {@link #run} starts from nothing.
 */
public final class BatchReference {

    /** The seed's view thresholds (views must exceed them), by CTR family. */
    private static final Map<String, Integer> MIN_VIEWS = Map.ofEntries(
            Map.entry("ad", 5), Map.entry("adoc", 5), Map.entry("padoc", 5), Map.entry("src", 10),
            Map.entry("srcc", 5), Map.entry("pub", 10), Map.entry("adv", 10), Map.entry("camp", 10),
            Map.entry("TOPIC", 10), Map.entry("TOPIC@", 10), Map.entry("ENTITY", 5), Map.entry("ENTITY@", 5),
            Map.entry("CATEGORY", 10), Map.entry("CATEGORY@", 10));
    /** The seed's minimum document count of an entity id in the entity lists. */
    private static final int MIN_ENTITY_DOCUMENTS = 10;
    private static final Map<AspectKind, String> ASPECT = Map.of(AspectKind.TOPIC, "topic", AspectKind.ENTITY,
            "entity", AspectKind.CATEGORY, "category");
    private static final Map<AspectKind, String> SIM = Map.of(AspectKind.TOPIC, "topics", AspectKind.ENTITY,
            "entities", AspectKind.CATEGORY, "categories");

    private final FeatureSpec spec;
    private final long splitSeed;

    /**
     * @param spec the feature layout of the Examples
     * @param splitSeed the seed of the train/validation split, as given to the features topology
     */
    public BatchReference(FeatureSpec spec, long splitSeed) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.splitSeed = splitSeed;
    }

    /**
     * Replays {@code records} in order and returns the Examples in the order the features topology emits them:
     * when a display's label arrives, one per distinct ad of the display.
     *
     * @param records PromotedContent, DocumentMeta, DocumentTopic, DocumentEntity, DocumentCategory, PageView,
     *     Display and Label records, time-ordered; other types are rejected
     */
    public List<Example> run(List<? extends SpecificRecord> records) {
        Replay replay = new Replay();
        for (SpecificRecord r : records) {
            replay.accept(r);
        }
        return replay.examples;
    }

    /** One labelled impression of an ad under a CTR key. */
    private record Impression(long ad, boolean clicked, double documentConfidence) {
    }

    /** A display's vectors, computed when it arrived. */
    private record Pending(Display display, List<Long> ads, List<int[]> categorical, List<float[]> numeric) {
    }

    private final class Replay {
        final Map<Long, PromotedContent> ads = new HashMap<>();
        /** Latest metadata row of each document with a source (the seed drops rows without). */
        final Map<Long, DocumentMeta> documents = new HashMap<>();
        /** Per kind, per document: aspect key → confidence, in the order the rows came. */
        final Map<AspectKind, Map<Long, LinkedHashMap<Long, Double>>> aspects = new EnumMap<>(AspectKind.class);
        /** A cache of counts over {@link #aspects}, dropped whenever a row of the kind arrives. */
        final Map<AspectKind, Map<Long, Long>> frequencies = new EnumMap<>(AspectKind.class);
        final Map<String, List<PageView>> views = new HashMap<>();
        final Map<Long, Display> displays = new HashMap<>();
        final Map<Long, Pending> pending = new HashMap<>();
        final Map<List<Object>, List<Impression>> impressions = new HashMap<>();
        final List<Example> examples = new ArrayList<>();

        Replay() {
            for (AspectKind kind : AspectKind.values()) {
                aspects.put(kind, new HashMap<>());
            }
        }

        void accept(SpecificRecord record) {
            if (record instanceof PromotedContent p) {
                ads.put(p.getAdId(), p);
            } else if (record instanceof DocumentMeta m) {
                if (m.getSourceId() == null) {
                    documents.remove(m.getDocumentId());
                } else {
                    documents.put(m.getDocumentId(), m);
                }
            } else if (record instanceof DocumentTopic t) {
                aspect(AspectKind.TOPIC, t.getDocumentId(), t.getTopicId(), t.getConfidenceLevel());
            } else if (record instanceof DocumentEntity e) {
                aspect(AspectKind.ENTITY, e.getDocumentId(), FeatureFunctions.entityKey(e.getEntityId()),
                        e.getConfidenceLevel());
            } else if (record instanceof DocumentCategory c) {
                aspect(AspectKind.CATEGORY, c.getDocumentId(), c.getCategoryId(), c.getConfidenceLevel());
            } else if (record instanceof PageView v) {
                views.computeIfAbsent(v.getUuid(), u -> new ArrayList<>()).add(v);
            } else if (record instanceof Display d) {
                display(d);
            } else if (record instanceof Label l) {
                label(l);
            } else {
                throw new IllegalArgumentException("not an input record: " + record.getClass().getName());
            }
        }

        void aspect(AspectKind kind, long document, long key, double confidence) {
            aspects.get(kind).computeIfAbsent(document, d -> new LinkedHashMap<>()).put(key, confidence);
            frequencies.remove(kind);
        }

        LinkedHashMap<Long, Double> aspectsOf(AspectKind kind, long document) {
            return aspects.get(kind).getOrDefault(document, new LinkedHashMap<>());
        }

        /** df: how many documents carry the aspect, counted now. */
        long documentFrequency(AspectKind kind, long key) {
            return frequencies(kind).getOrDefault(key, 0L);
        }

        /** |V|: how many distinct aspect ids of the kind there are, counted now. */
        long vocabulary(AspectKind kind) {
            return frequencies(kind).size();
        }

        /** Documents per aspect, counted over all documents (and counted again after any aspect row). */
        Map<Long, Long> frequencies(AspectKind kind) {
            return frequencies.computeIfAbsent(kind, k -> {
                Map<Long, Long> counts = new HashMap<>();
                for (Map<Long, Double> doc : aspects.get(kind).values()) {
                    for (long key : doc.keySet()) {
                        counts.merge(key, 1L, Long::sum);
                    }
                }
                return counts;
            });
        }

        // ---- labels: CTR impressions and Examples ----

        void label(Label label) {
            Display display = displays.remove(label.getDisplayId());
            Set<Long> clicked = new HashSet<>(label.getClickedAdIds());
            Set<Long> labelled = new LinkedHashSet<>(label.getAdIds());
            labelled.addAll(label.getClickedAdIds());
            for (long ad : labelled) {
                impressions(display, ad, clicked.contains(ad));
            }
            Pending p = pending.remove(label.getDisplayId());
            if (p == null) {
                return;
            }
            Split split = Splits.isValidation(p.display.getDisplayId(), p.display.getTimestamp(), splitSeed)
                    ? Split.VALIDATION : Split.TRAIN;
            for (int i = 0; i < p.ads.size(); i++) {
                List<Integer> cat = new ArrayList<>();
                for (int c : p.categorical.get(i)) {
                    cat.add(c);
                }
                List<Float> num = new ArrayList<>();
                for (float f : p.numeric.get(i)) {
                    num.add(f);
                }
                examples.add(Example.newBuilder().setDisplayId(label.getDisplayId()).setAdId(p.ads.get(i))
                        .setTimestamp(p.display.getTimestamp()).setLabel(clicked.contains(p.ads.get(i)) ? 1 : 0)
                        .setSplit(split).setSpecHash(spec.hash()).setCategorical(cat).setNumeric(num).build());
            }
        }

        /** The seed's CTR rows: every key an impression of {@code ad} counts under (preproc3, "Average CTR by"). */
        void impressions(Display display, long ad, boolean clicked) {
            record(List.of("ad", ad), ad, clicked, 0);
            PromotedContent promoted = ads.get(ad);
            if (promoted == null) {
                return;
            }
            long doc = promoted.getDocumentId();
            record(List.of("adoc", doc), ad, clicked, 0);
            record(List.of("camp", promoted.getCampaignId()), ad, clicked, 0);
            record(List.of("adv", promoted.getAdvertiserId()), ad, clicked, 0);
            DocumentMeta meta = documents.get(doc);
            if (meta != null) {
                record(List.of("src", meta.getSourceId()), ad, clicked, 0);
                record(List.of("pub", FeatureFunctions.publisherKey(meta.getPublisherId(), meta.getSourceId())), ad,
                        clicked, 0);
            }
            for (AspectKind kind : AspectKind.values()) {
                aspectsOf(kind, doc).forEach((key, conf) -> record(List.of(kind.name(), key), ad, clicked, conf));
            }
            String country = display == null ? null : FeatureFunctions.country(display.getGeoLocation());
            if (country != null && !country.isEmpty()) {
                if (meta != null) {
                    record(List.of("srcc", country, meta.getSourceId()), ad, clicked, 0);
                }
                for (AspectKind kind : AspectKind.values()) {
                    aspectsOf(kind, doc).forEach(
                            (key, conf) -> record(List.of(kind.name() + "@", country, key), ad, clicked, conf));
                }
            }
            if (display != null) {
                record(List.of("padoc", display.getDocumentId(), doc), ad, clicked, 0);
            }
        }

        void record(List<Object> key, long ad, boolean clicked, double documentConfidence) {
            impressions.computeIfAbsent(key, k -> new ArrayList<>()).add(new Impression(ad, clicked,
                    documentConfidence));
        }

        /** The seed's {@code get_popularity}: CTR and confidence of a key from its impressions, null below threshold. */
        Estimate popularity(List<Object> key) {
            List<Impression> rows = impressions.getOrDefault(key, List.of());
            int min = MIN_VIEWS.get((String) key.get(0));
            long views = rows.size();
            if (views <= min) {
                return null;
            }
            long clicks = rows.stream().filter(Impression::clicked).count();
            long distinctAds = rows.stream().map(Impression::ad).distinct().count();
            boolean aspect = key.get(0).equals("TOPIC") || key.get(0).equals("ENTITY")
                    || key.get(0).equals("CATEGORY");
            double meanConfidence = 0;
            for (Impression i : rows) {
                meanConfidence += i.documentConfidence();
            }
            meanConfidence /= views;
            double weight = aspect ? meanConfidence : 1.0;
            long divisor = key.get(0).equals("ad") ? 1 : distinctAds;
            return new Estimate(FeatureFunctions.ctr(clicks, views, min),
                    FeatureFunctions.ctrConfidence(views, divisor, weight, min));
        }

        // ---- displays: features as of now ----

        void display(Display display) {
            displays.put(display.getDisplayId(), display);
            List<Long> adIds = new ArrayList<>(new LinkedHashSet<>(display.getAdIds()));
            List<int[]> cats = new ArrayList<>();
            List<float[]> nums = new ArrayList<>();
            for (long ad : adIds) {
                Vector v = new Vector();
                features(display, ad, v);
                cats.add(v.categorical);
                nums.add(v.numeric);
            }
            pending.put(display.getDisplayId(), new Pending(display, adIds, cats, nums));
        }

        void features(Display display, long ad, Vector v) {
            long page = display.getDocumentId();
            String geo = display.getGeoLocation();
            long n = documents.size();

            // The user's profile (preproc2): page views before now, of documents with metadata and aspects.
            List<PageView> history = views.getOrDefault(display.getUuid(), List.of());
            long userViews = 0;
            Set<Long> viewedDocs = new HashSet<>();
            Map<AspectKind, LinkedHashMap<Long, List<Double>>> profile = new EnumMap<>(AspectKind.class);
            for (AspectKind kind : AspectKind.values()) {
                profile.put(kind, new LinkedHashMap<>());
            }
            for (PageView view : history) {
                long doc = view.getDocumentId();
                boolean hasAspects = false;
                for (AspectKind kind : AspectKind.values()) {
                    hasAspects |= !aspectsOf(kind, doc).isEmpty();
                }
                if (!documents.containsKey(doc) || !hasAspects) {
                    continue;
                }
                userViews++;
                viewedDocs.add(doc);
                for (AspectKind kind : AspectKind.values()) {
                    aspectsOf(kind, doc).forEach(
                            (key, conf) -> profile.get(kind).computeIfAbsent(key, k -> new ArrayList<>()).add(conf));
                }
            }

            // Request side.
            v.hashed("doc_event_id", page);
            DocumentMeta pageMeta = documents.get(page);
            if (pageMeta != null) {
                v.hashed("doc_event_source_id", pageMeta.getSourceId());
                v.hashed("doc_event_publisher_id",
                        FeatureFunctions.publisherKey(pageMeta.getPublisherId(), pageMeta.getSourceId()));
                v.number("doc_event_days_since_published",
                        FeatureFunctions.daysSincePublished(pageMeta.getPublishTime(), display.getTimestamp()));
            }
            v.hashedText("event_geo_location", geo);
            v.hashedText("event_country_state", FeatureFunctions.countryState(geo));
            v.hashedText("event_country", FeatureFunctions.country(geo));
            ZonedDateTime local = FeatureFunctions.localTime(display.getTimestamp(), geo);
            int hourBin = FeatureFunctions.hourBin(local.getHour());
            v.identity("event_hour", hourBin);
            v.identity("event_weekend", FeatureFunctions.weekend(local));
            v.identity("event_platform", FeatureFunctions.platformIndex(display.getPlatform()));
            v.identity("traffic_source", trafficSource(history, display));
            v.number("doc_event_hour", hourBin);
            v.number("user_views", userViews);
            for (AspectKind kind : AspectKind.values()) {
                v.multiHot("doc_event_" + ASPECT.get(kind) + "_id", top(kind, aspectsOf(kind, page)));
            }

            // Item side.
            v.hashed("ad_id", ad);
            Estimate popAd = popularity(List.of("ad", ad));
            if (popAd != null) {
                v.number("pop_ad_id", popAd.value());
                v.number("pop_ad_id_conf", popAd.confidence());
                v.number("ad_views", impressions.get(List.of("ad", ad)).size());
            }
            PromotedContent promoted = ads.get(ad);
            if (promoted == null) {
                return;
            }
            long adDoc = promoted.getDocumentId();
            v.hashed("doc_id", adDoc);
            v.hashed("ad_advertiser", promoted.getAdvertiserId());
            if (spec.hasCategorical(FeatureSpec.CAMPAIGN)) {
                v.hashed(FeatureSpec.CAMPAIGN, promoted.getCampaignId());
            }
            v.identity("user_has_already_viewed_doc", viewedDocs.contains(adDoc) ? 1 : 0);
            Estimate popDoc = popularity(List.of("adoc", adDoc));
            if (popDoc != null) {
                v.number("pop_document_id", popDoc.value());
                v.number("pop_document_id_conf", popDoc.confidence());
                v.number("doc_views", impressions.get(List.of("adoc", adDoc)).size());
            }
            Estimate popAdv = popularity(List.of("adv", promoted.getAdvertiserId()));
            if (popAdv != null) {
                v.number("pop_advertiser_id", popAdv.value());
                v.number("pop_advertiser_id_conf", popAdv.confidence());
            }
            Estimate popCampaign = popularity(List.of("camp", promoted.getCampaignId()));
            if (popCampaign != null) {
                v.number("pop_campain_id", popCampaign.value());
                v.number("pop_campain_id_conf_multipl", popCampaign.value() * popCampaign.confidence());
            }
            DocumentMeta adMeta = documents.get(adDoc);
            if (adMeta != null) {
                long publisher = FeatureFunctions.publisherKey(adMeta.getPublisherId(), adMeta.getSourceId());
                v.hashed("doc_ad_source_id", adMeta.getSourceId());
                v.hashed("doc_ad_publisher_id", publisher);
                v.number("doc_ad_days_since_published",
                        FeatureFunctions.daysSincePublished(adMeta.getPublishTime(), display.getTimestamp()));
                Estimate popSource = popularity(List.of("src", adMeta.getSourceId()));
                if (popSource != null) {
                    v.number("pop_source_id", popSource.value());
                    v.number("pop_source_id_conf", popSource.confidence());
                }
                Estimate popPublisher = popularity(List.of("pub", publisher));
                if (popPublisher != null) {
                    v.number("pop_publisher_id", popPublisher.value());
                    v.number("pop_publisher_id_conf", popPublisher.confidence());
                }
            }
            for (AspectKind kind : AspectKind.values()) {
                LinkedHashMap<Long, Double> adAspects = aspectsOf(kind, adDoc);
                v.multiHot("doc_ad_" + ASPECT.get(kind) + "_id", top(kind, adAspects));

                // get_weighted_avg_popularity_from_list
                List<Double> ctrs = new ArrayList<>();
                List<Double> confs = new ArrayList<>();
                List<Double> docConfs = new ArrayList<>();
                adAspects.forEach((key, conf) -> {
                    Estimate e = popularity(List.of(kind.name(), key));
                    if (e != null) {
                        ctrs.add(e.value());
                        confs.add(e.confidence());
                        docConfs.add(conf);
                    }
                });
                Estimate pop = FeatureFunctions.weightedPopularity(array(ctrs), array(confs), array(docConfs));
                if (pop != null) {
                    v.number("pop_" + ASPECT.get(kind) + "_id", pop.value());
                    v.number("pop_" + ASPECT.get(kind) + "_id_conf", pop.confidence());
                }

                // cosine_similarity_user_docs_aspects and cosine_similarity_doc_event_doc_ad_aspects
                long vocabulary = vocabulary(kind);
                long[] adKeys = keys(adAspects.keySet());
                double[] adWeights = new double[adKeys.length];
                int i = 0;
                for (Map.Entry<Long, Double> e : adAspects.entrySet()) {
                    adWeights[i++] = FeatureFunctions.documentAspectWeight(n, documentFrequency(kind, e.getKey()),
                            e.getValue());
                }
                LinkedHashMap<Long, List<Double>> user = profile.get(kind);
                long[] userKeys = keys(user.keySet());
                double[] userWeights = new double[userKeys.length];
                i = 0;
                for (Map.Entry<Long, List<Double>> e : user.entrySet()) {
                    List<Double> confidences = e.getValue();
                    double sum = 0;
                    for (double c : confidences) {
                        sum += c;
                    }
                    userWeights[i++] = FeatureFunctions.userAspectWeight(n, documentFrequency(kind, e.getKey()),
                            confidences.size(), sum / confidences.size());
                }
                Estimate userSim = FeatureFunctions.similarity(adKeys, adWeights, userKeys, userWeights, vocabulary);
                if (userSim != null) {
                    v.number("user_doc_ad_sim_" + SIM.get(kind), userSim.value());
                    if (kind != AspectKind.ENTITY) {
                        v.number("user_doc_ad_sim_" + SIM.get(kind) + "_conf", userSim.confidence());
                    }
                }
                LinkedHashMap<Long, Double> pageAspects = aspectsOf(kind, page);
                long[] pageKeys = keys(pageAspects.keySet());
                double[] pageWeights = new double[pageKeys.length];
                i = 0;
                for (Map.Entry<Long, Double> e : pageAspects.entrySet()) {
                    pageWeights[i++] = FeatureFunctions.documentAspectWeight(n, documentFrequency(kind, e.getKey()),
                            e.getValue());
                }
                Estimate docSim = FeatureFunctions.similarity(pageKeys, pageWeights, adKeys, adWeights, vocabulary);
                if (docSim != null) {
                    v.number("doc_event_doc_ad_sim_" + SIM.get(kind), docSim.value());
                }
            }
        }

        /** Traffic source of the user's latest view of the page before now, if on the display's day, platform, geo. */
        int trafficSource(List<PageView> history, Display display) {
            PageView latest = null;
            for (PageView view : history) {
                if (view.getDocumentId() == display.getDocumentId()) {
                    latest = view;
                }
            }
            if (latest == null || latest.getTrafficSource() == null || latest.getTrafficSource() < 1
                    || latest.getTrafficSource() > 3) {
                return -1;
            }
            boolean samePlatform = display.getPlatform() != null && display.getPlatform() >= 1
                    && display.getPlatform() <= 3 && display.getPlatform().equals(latest.getPlatform());
            boolean sameGeo = display.getGeoLocation() != null
                    && display.getGeoLocation().equals(latest.getGeoLocation());
            boolean sameDay = FeatureFunctions.day(display.getTimestamp()) == FeatureFunctions.day(latest.getTimestamp());
            return samePlatform && sameGeo && sameDay ? latest.getTrafficSource() - 1 : -1;
        }

        /** The most confident aspects first (stable on ties), entities only if frequent enough. */
        List<Long> top(AspectKind kind, LinkedHashMap<Long, Double> docAspects) {
            List<Map.Entry<Long, Double>> entries = new ArrayList<>(docAspects.entrySet());
            entries.sort((a, b) -> Double.compare(b.getValue(), a.getValue()));
            List<Long> top = new ArrayList<>();
            for (Map.Entry<Long, Double> e : entries) {
                if (kind != AspectKind.ENTITY || documentFrequency(kind, e.getKey()) >= MIN_ENTITY_DOCUMENTS) {
                    top.add(e.getKey());
                }
            }
            return top;
        }
    }

    private static double[] array(List<Double> values) {
        double[] a = new double[values.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = values.get(i);
        }
        return a;
    }

    private static long[] keys(Set<Long> keys) {
        long[] a = new long[keys.size()];
        int i = 0;
        for (long k : keys) {
            a[i++] = k;
        }
        return a;
    }

    /** One vector being written by feature name. */
    private final class Vector {
        final int[] categorical = new int[spec.categoricalSlots()];
        final float[] numeric = new float[spec.numericCount()];

        Vector() {
            Arrays.fill(categorical, -1);
        }

        void hashed(String name, long value) {
            CategoricalFeature f = spec.categorical().get(spec.categoricalIndex(name));
            categorical[spec.slotOffset(spec.categoricalIndex(name))] =
                    FeatureFunctions.bucket(name, value, f.buckets());
        }

        void hashedText(String name, String value) {
            if (value != null && !value.isEmpty()) {
                CategoricalFeature f = spec.categorical().get(spec.categoricalIndex(name));
                categorical[spec.slotOffset(spec.categoricalIndex(name))] =
                        FeatureFunctions.bucket(name, value, f.buckets());
            }
        }

        void identity(String name, int value) {
            CategoricalFeature f = spec.categorical().get(spec.categoricalIndex(name));
            if (value >= 0 && value < f.buckets()) {
                categorical[spec.slotOffset(spec.categoricalIndex(name))] = value;
            }
        }

        void multiHot(String name, List<Long> values) {
            int index = spec.categoricalIndex(name);
            CategoricalFeature f = spec.categorical().get(index);
            for (int i = 0; i < Math.min(f.slots(), values.size()); i++) {
                categorical[spec.slotOffset(index) + i] = FeatureFunctions.bucket(name, values.get(i), f.buckets());
            }
        }

        void number(String name, double raw) {
            int index = spec.numericIndex(name);
            numeric[index] = FeatureFunctions.transform(spec.numeric().get(index), raw);
        }
    }
}
