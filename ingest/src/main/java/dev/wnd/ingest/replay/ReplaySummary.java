package dev.wnd.ingest.replay;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one run of {@link Replayer#run} did.
 *
 * @param replayId the replay's id
 * @param position records of the stream committed in all (earlier runs included)
 * @param skipped records skipped because an earlier run had committed them
 * @param sent records produced and committed by this run
 * @param sentPerTopic records produced by this run per topic name, dead letters included
 * @param rejectedPerFile rows that did not parse, per file name (each is also a dead letter); this and the next two
 *     count over the stream this run read, the part skipped on resume included
 * @param deadLettersByCause dead letters by cause: {@code rejected_row}, {@code click_without_event},
 *     {@code event_without_ads}, {@code test_click_of_train_display}, {@code out_of_order}
 * @param lateRecords records sent out of event-time order because they came later than the reorder bound allowed
 * @param eventRuns time-ordered runs found in events.csv
 * @param unusedFiles files present but not read (displays need events.csv and a clicks file)
 * @param complete whether the whole stream is now committed; false when stopped by {@code stopAfter} or an interrupt
 * @param elapsed wall time of this run
 */
public record ReplaySummary(String replayId, long position, long skipped, long sent, Map<String, Long> sentPerTopic,
        Map<String, Long> rejectedPerFile, Map<String, Long> deadLettersByCause, long lateRecords, int eventRuns,
        List<String> unusedFiles, boolean complete, Duration elapsed) {

    public ReplaySummary {
        sentPerTopic = Collections.unmodifiableMap(new LinkedHashMap<>(sentPerTopic));
        rejectedPerFile = Collections.unmodifiableMap(new LinkedHashMap<>(rejectedPerFile));
        deadLettersByCause = Collections.unmodifiableMap(new LinkedHashMap<>(deadLettersByCause));
        unusedFiles = List.copyOf(unusedFiles);
    }

    /** Records per second of this run. */
    public double recordsPerSecond() {
        double seconds = elapsed.toNanos() / 1e9;
        return seconds <= 0 ? 0 : sent / seconds;
    }

    /** The summary for people: what was sent per topic, what was rejected and why. */
    public String toText() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Replay '%s' %s: %,d records sent in %.1f s (%,.0f records/s)%s%n",
                replayId, complete ? "complete" : "stopped", sent, elapsed.toNanos() / 1e9, recordsPerSecond(),
                skipped > 0 ? String.format(Locale.ROOT, ", %,d skipped (already sent)", skipped) : ""));
        sentPerTopic.forEach((topic, n) -> out.append(String.format(Locale.ROOT, "  %-24s %,14d%n", topic, n)));
        if (!deadLettersByCause.isEmpty()) {
            out.append("Dead letters by cause:").append(System.lineSeparator());
            deadLettersByCause.forEach((cause, n) -> out.append(String.format(Locale.ROOT, "  %-28s %,10d%n",
                    cause, n)));
        }
        if (!rejectedPerFile.isEmpty()) {
            out.append("Rejected rows:").append(System.lineSeparator());
            rejectedPerFile.forEach((file, n) -> out.append(String.format(Locale.ROOT, "  %-28s %,10d%n", file,
                    n)));
        }
        if (lateRecords > 0) {
            out.append(String.format(Locale.ROOT, "Late records (sent out of order): %,d%n", lateRecords));
        }
        if (!unusedFiles.isEmpty()) {
            out.append("Not read (displays need events.csv and a clicks file): ").append(String.join(", ",
                    unusedFiles)).append(System.lineSeparator());
        }
        out.append(String.format(Locale.ROOT, "Position: %,d records committed%n", position));
        return out.toString();
    }
}
