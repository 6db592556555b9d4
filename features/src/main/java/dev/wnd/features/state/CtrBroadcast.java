package dev.wnd.features.state;

/**
 * One record of a features application's CTR updates topic, sent by task {@code source} to every partition:
 * a label's CTR update, or only news of the sender's progress. With several partitions each task counts the CTRs
 * of every label, its own and the other tasks', and holds its events until every task's watermark has passed them
 * (see {@code dev.wnd.features.topology.EventSequencer}).
 *
 * @param source the sending task's partition
 * @param sequence the sender's running number of the record, for a deterministic order of equal times
 * @param watermark the sender will send no update ordered before this event time (ms)
 * @param streamTime the latest event time (ms) of the sender's own inputs, or {@link Long#MIN_VALUE} before its
 *     first record
 * @param orderTime the event time (ms) the update is ordered at: the label's, or the sender's watermark when the
 *     label came late; meaningless without an update
 * @param update the label's update, or null for a watermark only
 */
public record CtrBroadcast(int source, long sequence, long watermark, long streamTime, long orderTime,
        CtrUpdate update) {

    public CtrBroadcast {
        if (source < 0) {
            throw new IllegalArgumentException("source must be a partition >= 0, got " + source);
        }
    }
}
