package dev.wnd.features.fn;

import dev.wnd.features.spec.EventTime;
import dev.wnd.features.spec.NumericFeature;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * Pure per-field feature functions, shared by the features topology and the scorer so that training and serving
 * cannot drift apart. Every function is deterministic and side-effect free.
 *
 * <p>Times: Outbrain timestamps are milliseconds after {@link EventTime#EventTime.EPOCH_BASE_MS} (2016-06-14 04:00 UTC).
 */
public final class FeatureFunctions {

    /** Milliseconds per day. */
    public static final long DAY_MS = 86_400_000L;
    /** The seed's reference offset: it treats event times as UTC-4 (US Eastern daylight time). */
    private static final ZoneOffset SEED_LOCAL = ZoneOffset.ofHours(-4);
    /** The seed's CTR confidence saturates at this many views per ad. */
    private static final double CONF_SATURATION = 100_000.0;
    private static final double LOG2_SATURATION = Math.log(1 + CONF_SATURATION) / Math.log(2);

    private FeatureFunctions() {
    }

    /**
     * A stable bucket in {@code [0, buckets)} for an id of the named feature (64-bit mix of the value with the
     * feature name, so equal ids of different features land in unrelated buckets).
     */
    public static int bucket(String feature, long value, int buckets) {
        long h = mix64(value ^ (feature.hashCode() * 0x9E3779B97F4A7C15L));
        return (int) Long.remainderUnsigned(h, buckets);
    }

    /**
     * A stable bucket for a string value (geo codes), as {@link #bucket(String, long, int)}. Entity ids are hashed
     * through their {@link #entityKey(String)} instead.
     */
    public static int bucket(String feature, String value, int buckets) {
        long h = 1125899906842597L;
        for (int i = 0; i < value.length(); i++) {
            h = 31 * h + value.charAt(i);
        }
        return bucket(feature, h, buckets);
    }

    /** FNV-1a over the string's chars: a stable 64-bit hash of a string, input to {@link #mix64(long)}. */
    public static long fnv64(String value) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < value.length(); i++) {
            h ^= value.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** A bijective 64-bit finalizer (MurmurHash3's fmix64): every input bit moves about half the output bits. */
    public static long mix64(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    /** The seed's hour bins: 5–7→0, 8–10→1, 11–13→2, 14–18→3, 19–21→4, else→5. */
    public static int hourBin(int hour) {
        if (hour < 0 || hour > 23) {
            throw new IllegalArgumentException("hour must be 0..23, got " + hour);
        }
        if (hour >= 5 && hour <= 7) {
            return 0;
        } else if (hour >= 8 && hour <= 10) {
            return 1;
        } else if (hour >= 11 && hour <= 13) {
            return 2;
        } else if (hour >= 14 && hour <= 18) {
            return 3;
        } else if (hour >= 19 && hour <= 21) {
            return 4;
        }
        return 5;
    }

    /** Local date-time of an Outbrain timestamp in the seed's reference zone (UTC-4). */
    public static ZonedDateTime localTime(long relativeMs) {
        return Instant.ofEpochMilli(EventTime.EPOCH_BASE_MS + relativeMs).atZone(SEED_LOCAL);
    }

    /**
     * Local date-time of an Outbrain timestamp where the display happened: UTC plus the offset of the country or
     * US/Canadian state ({@link TimeZones}), UTC-4 when unknown.
     *
     * <p>The seed computes {@code fromtimestamp(ts) + (tz - (-4)) hours}, i.e. it takes the event time as US
     * Eastern time and shifts it to the place's zone; this is the same local time. (Run on a machine whose clock
     * zone is UTC, as in the seed's container, its {@code fromtimestamp} gives UTC and every local hour comes out
     * 4 hours late; we do not reproduce that.)
     */
    public static ZonedDateTime localTime(long relativeMs, String geoLocation) {
        return Instant.ofEpochMilli(EventTime.EPOCH_BASE_MS + relativeMs).atZone(TimeZones.offset(geoLocation));
    }

    /** 1 on Saturday and Sunday, else 0. */
    public static int weekend(ZonedDateTime local) {
        DayOfWeek d = local.getDayOfWeek();
        return d == DayOfWeek.SATURDAY || d == DayOfWeek.SUNDAY ? 1 : 0;
    }

    /** The day number (0-based) of an Outbrain timestamp, as the seed's {@code day_event}. */
    public static int day(long relativeMs) {
        return (int) Math.floorDiv(relativeMs, DAY_MS);
    }

    /** Country part of a geo location ({@code US>CA>807} → {@code US}); null for null or empty. */
    public static String country(String geo) {
        if (geo == null || geo.isEmpty()) {
            return null;
        }
        int cut = geo.indexOf('>');
        return cut < 0 ? geo : geo.substring(0, cut);
    }

    /** Country and state ({@code US>CA>807} → {@code US>CA}); the country alone when there is no state. */
    public static String countryState(String geo) {
        if (geo == null || geo.isEmpty()) {
            return null;
        }
        int first = geo.indexOf('>');
        if (first < 0) {
            return geo;
        }
        int second = geo.indexOf('>', first + 1);
        return second < 0 ? geo : geo.substring(0, second);
    }

    /** State part of a geo location ({@code US>CA>807} → {@code CA}); null when there is none. */
    public static String state(String geo) {
        if (geo == null) {
            return null;
        }
        int first = geo.indexOf('>');
        if (first < 0) {
            return null;
        }
        int second = geo.indexOf('>', first + 1);
        String state = second < 0 ? geo.substring(first + 1) : geo.substring(first + 1, second);
        return state.isEmpty() ? null : state;
    }

    /**
     * A non-zero 32-bit fingerprint of a geo location, 0 for null: compact enough to remember per page view, and
     * compared only between the views and displays of one user.
     */
    public static int geoHash(String geo) {
        if (geo == null) {
            return 0;
        }
        int h = (int) mix64(fnv64(geo));
        return h == 0 ? 1 : h;
    }

    /** Traffic source 1/2/3 (internal, search, social) as the seed's 0-based indicator, -1 when unknown. */
    public static int trafficSourceIndex(Integer trafficSource) {
        return trafficSource == null || trafficSource < 1 || trafficSource > 3 ? -1 : trafficSource - 1;
    }

    /**
     * The 64-bit key of an entity id (32 hex characters in Outbrain's data): entities are stored, counted and
     * hashed by this key, as topics and categories are by their int ids. Two distinct entities colliding is
     * about as likely as 1 in 10^7 over Outbrain's 1.3 million entities; a collision would merge their statistics.
     */
    public static long entityKey(String entityId) {
        return mix64(fnv64(entityId));
    }

    /**
     * The publisher of a document for CTR keys and the publisher categorical. The seed gives each source without a
     * publisher a new publisher id ({@code max_publisher + 1 + i}), which takes a pass over all documents; here
     * such a source gets the key {@code -1 - sourceId}, which is just as unique and needs no pass.
     */
    public static long publisherKey(Long publisherId, long sourceId) {
        return publisherId != null ? publisherId : -1L - sourceId;
    }

    /** Platform 1/2/3 as the seed's 0-based indicator, -1 when unknown. */
    public static int platformIndex(Integer platform) {
        return platform == null || platform < 1 || platform > 3 ? -1 : platform - 1;
    }

    /** Whole days between publish time (epoch ms) and the event; -1 when unknown or outside the seed's 0..3650. */
    public static int daysSincePublished(Long publishTimeEpochMs, long eventRelativeMs) {
        if (publishTimeEpochMs == null) {
            return -1;
        }
        // The seed truncates the event time to whole seconds before subtracting (fromtimestamp(ms // 1000)).
        long eventMs = Math.floorDiv(EventTime.EPOCH_BASE_MS + eventRelativeMs, 1000L) * 1000L;
        long days = Math.floorDiv(eventMs - publishTimeEpochMs, DAY_MS);
        return days < 0 || days > 3650 ? -1 : (int) days;
    }

    /**
     * The seed's CTR: clicks / views when views exceed the family's threshold, else 0 (the key is unknown).
     */
    public static double ctr(long clicks, long views, int minViewsExclusive) {
        return views > minViewsExclusive ? (double) clicks / views : 0.0;
    }

    /**
     * The seed's CTR confidence: {@code ln(1 + s) / log2(1 + 100000)} with {@code s = views / distinctAds}, or 1
     * once {@code s >= 100000}; times {@code weight} (the document's confidence for aspect keys, else 1).
     */
    public static double ctrConfidence(long views, long distinctAds, double weight, int minViewsExclusive) {
        if (views <= minViewsExclusive || distinctAds <= 0) {
            return 0.0;
        }
        double s = (double) views / distinctAds;
        double f = s >= CONF_SATURATION ? 1.0 : Math.log(1 + s) / LOG2_SATURATION;
        return f * weight;
    }

    /**
     * The seed's popularity of a document's aspects (topics, entities or categories) from the CTRs of those aspects
     * that passed their view threshold: {@code value = Σ ctr_i c_i d_i / Σ c_i d_i} and {@code confidence =
     * max c_i d_i}, where {@code c_i} is the CTR's confidence and {@code d_i} the document's confidence in aspect
     * i. The arrays are parallel, one entry per aspect with a known CTR. Null when there is none, or when every
     * weight is 0 (the seed would divide by zero).
     */
    public static Estimate weightedPopularity(double[] ctrs, double[] ctrConfidences, double[] docConfidences) {
        double weighted = 0;
        double weights = 0;
        double confidence = 0;
        for (int i = 0; i < ctrs.length; i++) {
            double w = ctrConfidences[i] * docConfidences[i];
            weighted += ctrs[i] * w;
            weights += w;
            confidence = i == 0 ? w : Math.max(confidence, w);
        }
        if (ctrs.length == 0 || weights == 0) {
            return null;
        }
        return new Estimate(weighted / weights, confidence);
    }

    /**
     * The seed's weight of an aspect in a document vector: {@code tf · idf · confidence} with {@code tf = 1} and its
     * idf {@code ln(ln(N / df))} (sic: the seed takes the logarithm twice for documents, once for users). 0 when
     * {@code N / df <= 1}, where the double logarithm is undefined (the seed would fail; only degenerate data gets
     * there).
     *
     * @param documents N, the number of documents with metadata
     * @param documentFrequency df, the number of documents carrying the aspect
     */
    public static double documentAspectWeight(long documents, long documentFrequency, double confidence) {
        if (documentFrequency <= 0 || documents <= documentFrequency) {
            return 0.0;
        }
        return Math.log(Math.log((double) documents / documentFrequency)) * confidence;
    }

    /**
     * The seed's weight of an aspect in a user profile: {@code tf · ln(N / df) · mean confidence}, with tf the
     * number of the user's page views whose document carries the aspect and the mean over those views. 0 when N or
     * df is not positive.
     */
    public static double userAspectWeight(long documents, long documentFrequency, int termFrequency,
            double meanConfidence) {
        if (documentFrequency <= 0 || documents <= 0) {
            return 0.0;
        }
        return termFrequency * Math.log((double) documents / documentFrequency) * meanConfidence;
    }

    /**
     * The seed's content similarity of two weighted aspect vectors ({@code cosine_similarity_*_aspects}): the cosine
     * over the union of keys, with the confidence {@code 1 - err}, where for a = |a's keys|, b = |b's keys|, V
     * the number of distinct aspect ids and k the number of shared keys, {@code err = (a/V)^k (b/V)^k} if k > 0,
     * else {@code 1 - (a/V)(b/V)}. Null when either vector is empty or has zero norm.
     *
     * @param keysA aspect keys of the first vector (the ad's document in the seed), distinct
     * @param weightsA their weights
     * @param keysB aspect keys of the second vector (the user profile or the page's document), distinct
     * @param weightsB their weights
     * @param vocabulary V
     */
    public static Estimate similarity(long[] keysA, double[] weightsA, long[] keysB, double[] weightsB,
            long vocabulary) {
        if (keysA.length == 0 || keysB.length == 0) {
            return null;
        }
        double normA = 0;
        for (double w : weightsA) {
            normA += w * w;
        }
        double normB = 0;
        for (double w : weightsB) {
            normB += w * w;
        }
        double norm = Math.sqrt(normA) * Math.sqrt(normB);
        if (!(norm > 0)) {
            return null;
        }
        double dot = 0;
        int shared = 0;
        for (int i = 0; i < keysA.length; i++) {
            for (int j = 0; j < keysB.length; j++) {
                if (keysA[i] == keysB[j]) {
                    dot += weightsA[i] * weightsB[j];
                    shared++;
                    break;
                }
            }
        }
        double pa = vocabulary > 0 ? (double) keysA.length / vocabulary : 1.0;
        double pb = vocabulary > 0 ? (double) keysB.length / vocabulary : 1.0;
        double err = shared > 0 ? Math.pow(pa, shared) * Math.pow(pb, shared) : 1.0 - pa * pb;
        return new Estimate(dot / norm, 1.0 - err);
    }

    /** The numeric transform of {@code feature} applied to a raw value; see {@link dev.wnd.features.spec.NumericTransform}. */
    public static float transform(NumericFeature feature, double raw) {
        if (Double.isNaN(raw) || raw < 0) {
            return 0f;
        }
        double v;
        switch (feature.transform()) {
            case RAW -> v = raw;
            case LOG_FLOAT -> v = log2(1 + 1000 * raw) / log2(1 + 1000 * feature.cap());
            case LOG_INT -> v = log2(1 + raw) / log2(1 + feature.cap());
            default -> throw new IllegalStateException(feature.transform().toString());
        }
        return (float) Math.min(1.0, v);
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
