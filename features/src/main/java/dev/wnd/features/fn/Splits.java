package dev.wnd.features.fn;

/**
 * The seed's train/validation split, by display and seeded: a random 20% of the displays of days 0–10 and all
 * displays of day 11 and later are validation. Pure: the same (seed, display) always lands on the same side.
 */
public final class Splits {

    /** Displays of this day and later are all validation, as the seed's {@code sampleBy} fraction 1.0. */
    public static final int FIRST_ALL_VALIDATION_DAY = 11;
    /** Share of earlier displays that are validation. */
    public static final double VALIDATION_SHARE = 0.2;

    private Splits() {
    }

    /** Whether display {@code displayId} at {@code timestamp} (Outbrain ms) is a validation display. */
    public static boolean isValidation(long displayId, long timestamp, long seed) {
        if (FeatureFunctions.day(timestamp) >= FIRST_ALL_VALIDATION_DAY) {
            return true;
        }
        long h = displayId * 0x9E3779B97F4A7C15L + seed;
        h = (h ^ (h >>> 31)) * 0xBF58476D1CE4E5B9L;
        h ^= h >>> 29;
        double u = (h >>> 11) * 0x1.0p-53;
        return u < VALIDATION_SHARE;
    }
}
