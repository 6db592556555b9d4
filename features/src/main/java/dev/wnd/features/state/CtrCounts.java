package dev.wnd.features.state;

/**
 * Labelled impressions and clicks of one CTR key (an ad, a campaign, a topic, ...), counted from released labels
 * only, with what the seed's confidence needs.
 *
 * @param views labelled impressions of ads with this key (the seed's {@code count(*)})
 * @param clicks of those, the ones clicked
 * @param distinctAds distinct ads among those impressions (the seed's {@code countDistinct(ad_id)})
 * @param confidenceSum for aspect keys, the sum over the impressions of the ad document's confidence in the aspect
 *     (the seed's weight is its mean, {@code confidenceSum / views}); 0 for other keys
 */
public record CtrCounts(long views, long clicks, long distinctAds, double confidenceSum) {

    /** A key never seen in a released label. */
    public static final CtrCounts ZERO = new CtrCounts(0, 0, 0, 0.0);

    public CtrCounts {
        if (views < 0 || clicks < 0 || clicks > views) {
            throw new IllegalArgumentException("need 0 <= clicks <= views, got " + clicks + "/" + views);
        }
        if (distinctAds < 0 || distinctAds > views) {
            throw new IllegalArgumentException("need 0 <= distinctAds <= views, got " + distinctAds + "/" + views);
        }
    }

    /**
     * These counts after one more labelled impression.
     *
     * @param clicked whether it was clicked
     * @param newAd whether its ad is counted under this key for the first time
     * @param documentConfidence the ad document's confidence in the aspect, 0 for keys that are not aspects
     */
    public CtrCounts plus(boolean clicked, boolean newAd, double documentConfidence) {
        return new CtrCounts(views + 1, clicks + (clicked ? 1 : 0), distinctAds + (newAd ? 1 : 0),
                confidenceSum + documentConfidence);
    }

    /** The seed's mean document confidence of an aspect key, 1 when there were no impressions. */
    public double meanConfidence() {
        return views == 0 ? 1.0 : confidenceSum / views;
    }
}
