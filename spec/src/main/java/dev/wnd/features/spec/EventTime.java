package dev.wnd.features.spec;

/** The time base of Outbrain's data: its CSVs give milliseconds after {@link #EPOCH_BASE_MS}. */
public final class EventTime {

    /**
     * Outbrain's time origin: relative timestamp 0 is this epoch millisecond (2016-06-14 04:00 UTC, less 2 ms). Kafka
     * record timestamps of the replayed events are this plus the CSV's milliseconds.
     */
    public static final long EPOCH_BASE_MS = 1_465_876_799_998L;

    private EventTime() {
    }
}
