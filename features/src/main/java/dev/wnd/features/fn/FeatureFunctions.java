package dev.wnd.features.fn;

import dev.wnd.features.spec.NumericFeature;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * Pure per-field feature functions, shared by the features topology and the scorer so that training and serving
 * cannot drift apart. Every function is deterministic and side-effect free.
 *
 * <p>Times: Outbrain timestamps are milliseconds after {@link #EPOCH_BASE_MS} (2016-06-14 04:00 UTC).
 */
public final class FeatureFunctions {

    /** Outbrain's time origin: relative timestamp 0 is this epoch millisecond (2016-06-14 04:00 UTC). */
    public static final long EPOCH_BASE_MS = 1_465_876_799_998L;
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

    /** A stable bucket for a string value (geo codes, entity ids), as {@link #bucket(String, long, int)}. */
    public static int bucket(String feature, String value, int buckets) {
        long h = 1125899906842597L;
        for (int i = 0; i < value.length(); i++) {
            h = 31 * h + value.charAt(i);
        }
        return bucket(feature, h, buckets);
    }

    private static long mix64(long z) {
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
        return Instant.ofEpochMilli(EPOCH_BASE_MS + relativeMs).atZone(SEED_LOCAL);
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

    /** Platform 1/2/3 as the seed's 0-based indicator, -1 when unknown. */
    public static int platformIndex(Integer platform) {
        return platform == null || platform < 1 || platform > 3 ? -1 : platform - 1;
    }

    /** Whole days between publish time (epoch ms) and the event; -1 when unknown or outside the seed's 0..3650. */
    public static int daysSincePublished(Long publishTimeEpochMs, long eventRelativeMs) {
        if (publishTimeEpochMs == null) {
            return -1;
        }
        long days = Math.floorDiv(EPOCH_BASE_MS + eventRelativeMs - publishTimeEpochMs, DAY_MS);
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
