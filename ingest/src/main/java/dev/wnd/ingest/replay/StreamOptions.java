package dev.wnd.ingest.replay;

import java.time.Duration;
import java.util.Objects;

/**
 * What shapes the replay stream (and so its fingerprint: a replay resumes only with the same options).
 *
 * @param labelDelay how long after a display its labels are released, at least 1 ms;
 *     {@link #DEFAULT_LABEL_DELAY} by default.
 *     Clicks carry no time in the Outbrain data; one hour is longer than almost every session, so a display's
 *     features never see its own click, and short enough for the CTR state to stay fresh.
 * @param reorderBound how far back in time a record of a time-ordered file may be and still be put in order:
 *     {@link #DEFAULT_REORDER_BOUND} by default. The merge holds about this much event time of every source in memory
 *     (plus {@code labelDelay} of pending labels); records later than that are counted as late and still sent.
 * @param maxEventRuns how many time-ordered runs events.csv may be split into ({@link #DEFAULT_MAX_EVENT_RUNS}).
 *     Kaggle's events.csv is sorted by display_id, which numbers training displays first and test displays after
 *     them, so it holds two runs that each cover the period; each run is read by its own cursor.
 */
public record StreamOptions(Duration labelDelay, Duration reorderBound, int maxEventRuns) {

    /** One hour. */
    public static final Duration DEFAULT_LABEL_DELAY = Duration.ofHours(1);
    /** One minute. */
    public static final Duration DEFAULT_REORDER_BOUND = Duration.ofMinutes(1);
    /** Sixteen. */
    public static final int DEFAULT_MAX_EVENT_RUNS = 16;

    public StreamOptions {
        Objects.requireNonNull(labelDelay, "labelDelay");
        Objects.requireNonNull(reorderBound, "reorderBound");
        if (labelDelay.toMillis() < 1) {
            throw new IllegalArgumentException("labelDelay must be at least 1 ms (a label released at its display's"
                    + " own time would sort before the display), was " + labelDelay);
        }
        if (reorderBound.isNegative()) {
            throw new IllegalArgumentException("reorderBound must not be negative, was " + reorderBound);
        }
        if (maxEventRuns < 1 || maxEventRuns > 1024) {
            throw new IllegalArgumentException("maxEventRuns must be in [1, 1024], was " + maxEventRuns);
        }
    }

    /** The defaults: labels one hour after their display, one minute of reordering, up to 16 event runs. */
    public static StreamOptions defaults() {
        return new StreamOptions(DEFAULT_LABEL_DELAY, DEFAULT_REORDER_BOUND, DEFAULT_MAX_EVENT_RUNS);
    }

    /** These options with another label delay. */
    public StreamOptions withLabelDelay(Duration delay) {
        return new StreamOptions(delay, reorderBound, maxEventRuns);
    }

    /** These options with another reorder bound. */
    public StreamOptions withReorderBound(Duration bound) {
        return new StreamOptions(labelDelay, bound, maxEventRuns);
    }
}
