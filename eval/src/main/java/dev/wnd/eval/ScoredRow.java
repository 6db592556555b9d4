package dev.wnd.eval;

/**
 * One validation (display, ad) pair with the model's click probability and the true label.
 *
 * @param displayId the display
 * @param adId the ad shown in it
 * @param timestamp the display's time, ms after the Outbrain base time (1465876799998)
 * @param probability the model's P(click), in [0, 1]
 * @param label 1 if the ad was clicked, else 0
 */
public record ScoredRow(long displayId, long adId, long timestamp, double probability, int label) {

    /** Milliseconds in a day: {@link #day()} is {@code timestamp / DAY_MS}. */
    public static final long DAY_MS = 86_400_000L;

    public ScoredRow {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("probability must be in [0, 1], got " + probability + " (display "
                    + displayId + ", ad " + adId + ")");
        }
        if (label != 0 && label != 1) {
            throw new IllegalArgumentException("label must be 0 or 1, got " + label);
        }
    }

    /** The day of the display, counted from the first day of the data (day 0), as the seed counts days. */
    public int day() {
        return (int) Math.floorDiv(timestamp, DAY_MS);
    }
}
