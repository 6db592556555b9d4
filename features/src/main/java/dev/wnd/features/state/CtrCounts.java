package dev.wnd.features.state;

/**
 * Labelled impressions and clicks of one CTR key (an ad, a campaign, ...), counted from released labels only.
 *
 * @param views labelled displays that showed the key
 * @param clicks of those, the ones clicked
 */
public record CtrCounts(long views, long clicks) {

    /** A key never seen in a released label. */
    public static final CtrCounts ZERO = new CtrCounts(0, 0);

    public CtrCounts {
        if (views < 0 || clicks < 0 || clicks > views) {
            throw new IllegalArgumentException("need 0 <= clicks <= views, got " + clicks + "/" + views);
        }
    }

    /** These counts after one more labelled impression. */
    public CtrCounts plus(boolean clicked) {
        return new CtrCounts(views + 1, clicks + (clicked ? 1 : 0));
    }
}
