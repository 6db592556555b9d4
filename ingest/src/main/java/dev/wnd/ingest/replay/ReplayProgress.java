package dev.wnd.ingest.replay;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A snapshot of a running replay, told to {@link ProgressListener#onProgress} a few times a second.
 *
 * @param position records of the stream handled so far, skipped ones included (the committed position lags a little)
 * @param skipping whether the replay is still skipping records committed by an earlier run
 * @param sent records produced by this run
 * @param sentPerTopic records produced by this run per topic name
 * @param deadLetters dead letters produced by this run
 * @param late records sent out of event-time order (later than the reorder bound)
 * @param recordsPerSecond records produced per second of this run
 * @param bytesRead bytes of the input read
 * @param bytesTotal bytes of the input in all
 * @param elapsed wall time since the replay started
 * @param eta estimated wall time left, from the bytes still to read; null until it can be estimated
 * @param streamTimeMs absolute event time (epoch ms) of the last record sent in order; 0 before the first
 */
public record ReplayProgress(long position, boolean skipping, long sent, Map<String, Long> sentPerTopic,
        long deadLetters, long late, double recordsPerSecond, long bytesRead, long bytesTotal, Duration elapsed,
        Duration eta, long streamTimeMs) {

    public ReplayProgress {
        sentPerTopic = Collections.unmodifiableMap(new LinkedHashMap<>(sentPerTopic));
    }

    /** Share of the input read, in [0, 1]. */
    public double fraction() {
        return bytesTotal <= 0 ? 1 : Math.min(1, (double) bytesRead / bytesTotal);
    }
}
