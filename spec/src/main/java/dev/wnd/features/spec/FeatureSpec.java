package dev.wnd.features.spec;

import static dev.wnd.features.spec.FeatureGroup.ITEM;
import static dev.wnd.features.spec.FeatureGroup.REQUEST;
import static dev.wnd.features.spec.NumericTransform.LOG_FLOAT;
import static dev.wnd.features.spec.NumericTransform.LOG_INT;
import static dev.wnd.features.spec.NumericTransform.RAW;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The named, versioned feature space shared by the features topology, the learner and the scorer.
 *
 * <p>An Example lays its features out in spec order: {@code categorical} holds every slot of every categorical
 * feature (a multi-hot feature with k slots takes k consecutive entries), {@code numeric} one value per numeric
 * feature; crosses ({@link CrossedFeature}) are computed by the model and take no place. {@link #hash()}
 * fingerprints the layout, every bucket count, width and transform, and the crosses; it travels in
 * every Example and checkpoint so that mismatched producers and models are refused rather than silently wrong.
 * Immutable and thread-safe.
 */
public final class FeatureSpec {

    /** The most weights one cross may have (the product of its two features' bucket counts). */
    public static final long MAX_CROSS_ROWS = 1L << 24;

    /** The name of the campaign feature that {@link #standard()} adds to the seed's set. */
    public static final String CAMPAIGN = "ad_campaign_id";

    private final String version;
    private final List<CategoricalFeature> categorical;
    private final List<NumericFeature> numeric;
    private final List<CrossedFeature> crosses;
    private final int[] slotOffsets;
    private final int categoricalSlots;
    private final Map<String, Integer> categoricalIndex = new HashMap<>();
    private final Map<String, Integer> numericIndex = new HashMap<>();
    private final String hash;

    /** A spec without crosses. */
    public FeatureSpec(String version, List<CategoricalFeature> categorical, List<NumericFeature> numeric) {
        this(version, categorical, numeric, List.of());
    }

    /**
     * @throws IllegalArgumentException on a repeated name, or a cross of a feature that is not a one-hot
     *     categorical feature of this spec
     */
    public FeatureSpec(String version, List<CategoricalFeature> categorical, List<NumericFeature> numeric,
            List<CrossedFeature> crosses) {
        this.version = Objects.requireNonNull(version, "version");
        this.categorical = List.copyOf(categorical);
        this.numeric = List.copyOf(numeric);
        this.crosses = List.copyOf(crosses);
        this.slotOffsets = new int[this.categorical.size()];
        int offset = 0;
        for (int i = 0; i < this.categorical.size(); i++) {
            CategoricalFeature f = this.categorical.get(i);
            if (categoricalIndex.put(f.name(), i) != null) {
                throw new IllegalArgumentException("duplicate categorical feature " + f.name());
            }
            slotOffsets[i] = offset;
            offset += f.slots();
        }
        this.categoricalSlots = offset;
        for (int i = 0; i < this.numeric.size(); i++) {
            String name = this.numeric.get(i).name();
            if (numericIndex.put(name, i) != null || categoricalIndex.containsKey(name)) {
                throw new IllegalArgumentException("duplicate feature " + name);
            }
        }
        Set<String> crossNames = new HashSet<>();
        for (CrossedFeature x : this.crosses) {
            if (categoricalIndex.containsKey(x.name()) || numericIndex.containsKey(x.name())
                    || !crossNames.add(x.name())) {
                throw new IllegalArgumentException("duplicate feature " + x.name());
            }
            for (String part : List.of(x.first(), x.second())) {
                Integer i = categoricalIndex.get(part);
                if (i == null || this.categorical.get(i).slots() != 1) {
                    throw new IllegalArgumentException("cross " + x.name() + ": " + part
                            + " is not a one-hot categorical feature of spec " + version);
                }
            }
            long rows = (long) this.categorical.get(categoricalIndex.get(x.first())).buckets()
                    * this.categorical.get(categoricalIndex.get(x.second())).buckets();
            if (rows > MAX_CROSS_ROWS) {
                throw new IllegalArgumentException("cross " + x.name() + " has " + rows + " weights, more than "
                        + MAX_CROSS_ROWS);
            }
        }
        this.hash = fingerprint();
    }

    /**
     * The feature set the pipeline builds, learns and scores: the seed's TF1 set ({@link #seed()}) plus the ad's
     * campaign as a one-hot feature, {@code ad_campaign_id} (5,000 hash buckets, embedding width 128), as the seed's
     * TF2 version has it ({@code campaign_id}): 23 categorical and 32 numeric features, no crosses. The TF1 set has
     * the campaign only through its CTR; on generated worlds with a campaign effect the id itself ranked clearly
     * better. Wide crosses were measured and left out (docs/design.md#the-campaign-id-and-wide-crosses).
     */
    public static FeatureSpec standard() {
        FeatureSpec seed = seed();
        List<CategoricalFeature> c = new ArrayList<>(seed.categorical());
        c.add(seed.categoricalIndex("doc_ad_publisher_id") + 1,
                new CategoricalFeature(CAMPAIGN, ITEM, 5_000, 128, 1));
        return new FeatureSpec("seed-tf1-v1+campaign", c, seed.numeric());
    }

    /** Whether this spec has a categorical feature of this name. */
    public boolean hasCategorical(String name) {
        return categoricalIndex.containsKey(name);
    }

    /** The seed's TF1 feature set: 22 categorical (17 hashed, 5 indicator) and 32 numeric features. */
    public static FeatureSpec seed() {
        List<CategoricalFeature> c = List.of(
                // request one-hot
                new CategoricalFeature("doc_event_id", REQUEST, 300_000, 128, 1),
                new CategoricalFeature("doc_id", REQUEST, 100_000, 128, 1),
                new CategoricalFeature("doc_event_source_id", REQUEST, 4_000, 64, 1),
                new CategoricalFeature("event_geo_location", REQUEST, 2_500, 64, 1),
                new CategoricalFeature("event_country_state", REQUEST, 2_000, 64, 1),
                new CategoricalFeature("doc_event_publisher_id", REQUEST, 1_000, 64, 1),
                new CategoricalFeature("event_country", REQUEST, 300, 64, 1),
                new CategoricalFeature("event_hour", REQUEST, 6, 0, 1),
                new CategoricalFeature("event_platform", REQUEST, 3, 0, 1),
                new CategoricalFeature("traffic_source", REQUEST, 3, 0, 1),
                new CategoricalFeature("event_weekend", REQUEST, 2, 0, 1),
                new CategoricalFeature("user_has_already_viewed_doc", REQUEST, 2, 0, 1),
                // request multi-hot
                new CategoricalFeature("doc_event_entity_id", REQUEST, 10_000, 64, 6),
                new CategoricalFeature("doc_event_topic_id", REQUEST, 350, 64, 3),
                new CategoricalFeature("doc_event_category_id", REQUEST, 100, 64, 3),
                // item one-hot
                new CategoricalFeature("ad_id", ITEM, 250_000, 128, 1),
                new CategoricalFeature("doc_ad_source_id", ITEM, 4_000, 64, 1),
                new CategoricalFeature("ad_advertiser", ITEM, 2_500, 64, 1),
                new CategoricalFeature("doc_ad_publisher_id", ITEM, 1_000, 64, 1),
                // item multi-hot
                new CategoricalFeature("doc_ad_topic_id", ITEM, 350, 64, 3),
                new CategoricalFeature("doc_ad_entity_id", ITEM, 10_000, 64, 6),
                new CategoricalFeature("doc_ad_category_id", ITEM, 100, 64, 3));
        List<NumericFeature> n = new ArrayList<>();
        for (String aspect : List.of("document_id", "publisher_id", "source_id", "entity_id", "topic_id",
                "category_id")) {
            n.add(new NumericFeature("pop_" + aspect + "_conf", REQUEST, RAW, 0));
        }
        for (String aspect : List.of("document_id", "publisher_id", "source_id", "entity_id", "topic_id",
                "category_id")) {
            n.add(new NumericFeature("pop_" + aspect, REQUEST, LOG_FLOAT, 1.0));
        }
        n.add(new NumericFeature("user_views", REQUEST, LOG_INT, 1_000));
        n.add(new NumericFeature("doc_views", REQUEST, LOG_INT, 1_000_000));
        n.add(new NumericFeature("doc_event_days_since_published", REQUEST, LOG_INT, 3_650));
        n.add(new NumericFeature("doc_event_hour", REQUEST, LOG_INT, 5));
        n.add(new NumericFeature("pop_ad_id_conf", ITEM, RAW, 0));
        n.add(new NumericFeature("user_doc_ad_sim_categories_conf", ITEM, RAW, 0));
        n.add(new NumericFeature("user_doc_ad_sim_topics_conf", ITEM, RAW, 0));
        n.add(new NumericFeature("pop_advertiser_id_conf", ITEM, RAW, 0));
        n.add(new NumericFeature("pop_campain_id_conf_multipl", ITEM, LOG_FLOAT, 1.0));
        n.add(new NumericFeature("pop_ad_id", ITEM, LOG_FLOAT, 1.0));
        n.add(new NumericFeature("pop_advertiser_id", ITEM, LOG_FLOAT, 1.0));
        n.add(new NumericFeature("pop_campain_id", ITEM, LOG_FLOAT, 1.0));
        for (String side : List.of("user_doc_ad_sim_", "doc_event_doc_ad_sim_")) {
            for (String aspect : List.of("categories", "topics", "entities")) {
                n.add(new NumericFeature(side + aspect, ITEM, LOG_FLOAT, 1.0));
            }
        }
        n.add(new NumericFeature("ad_views", ITEM, LOG_INT, 1_000_000));
        n.add(new NumericFeature("doc_ad_days_since_published", ITEM, LOG_INT, 3_650));
        return new FeatureSpec("seed-tf1-v1", c, n);
    }

    public String version() {
        return version;
    }

    public List<CategoricalFeature> categorical() {
        return categorical;
    }

    public List<NumericFeature> numeric() {
        return numeric;
    }

    /** The wide part's crosses, in order (empty for the seed's set). */
    public List<CrossedFeature> crosses() {
        return crosses;
    }

    /** Total number of categorical slots: the length of an Example's {@code categorical} array. */
    public int categoricalSlots() {
        return categoricalSlots;
    }

    /** Number of numeric features: the length of an Example's {@code numeric} array. */
    public int numericCount() {
        return numeric.size();
    }

    /** Index of the first slot of categorical feature {@code i} in an Example's {@code categorical} array. */
    public int slotOffset(int categoricalIndex) {
        return slotOffsets[categoricalIndex];
    }

    /** Position of the categorical feature with this name in {@link #categorical()}. */
    public int categoricalIndex(String name) {
        Integer i = categoricalIndex.get(name);
        if (i == null) {
            throw new IllegalArgumentException("no categorical feature named '" + name + "' in spec " + version);
        }
        return i;
    }

    /** Position of the numeric feature with this name in {@link #numeric()}. */
    public int numericIndex(String name) {
        Integer i = numericIndex.get(name);
        if (i == null) {
            throw new IllegalArgumentException("no numeric feature named '" + name + "' in spec " + version);
        }
        return i;
    }

    /** Width of the deep part's input: embeddings, indicators and numerics concatenated (1328 for the seed). */
    public int deepInputWidth() {
        int width = numeric.size();
        for (CategoricalFeature f : categorical) {
            width += f.deepWidth();
        }
        return width;
    }

    /** A 16-hex-digit fingerprint of the layout; equal specs have equal hashes. */
    public String hash() {
        return hash;
    }

    private String fingerprint() {
        StringBuilder canonical = new StringBuilder(version).append('\n');
        for (CategoricalFeature f : categorical) {
            canonical.append("c:").append(f.name()).append(':').append(f.group()).append(':').append(f.buckets())
                    .append(':').append(f.embeddingDim()).append(':').append(f.slots()).append('\n');
        }
        for (NumericFeature f : numeric) {
            canonical.append("n:").append(f.name()).append(':').append(f.group()).append(':').append(f.transform())
                    .append(':').append(f.cap()).append('\n');
        }
        for (CrossedFeature x : crosses) {
            canonical.append("x:").append(x.name()).append(':').append(x.first()).append(':').append(x.second())
                    .append('\n');
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    @Override
    public String toString() {
        return "FeatureSpec[" + version + ", " + categorical.size() + " categorical (" + categoricalSlots
                + " slots), " + numeric.size() + " numeric, hash " + hash + "]";
    }
}
