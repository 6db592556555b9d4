package dev.wnd.features.state;

import dev.wnd.features.fn.FeatureVector;
import java.util.List;

/**
 * A display whose features were computed at display time and that waits for its labels.
 *
 * @param timestamp display time, ms after the Outbrain epoch base
 * @param validation whether the display belongs to the validation split
 * @param ads the ads with their feature vectors, in display order
 */
public record PendingDisplay(long timestamp, boolean validation, List<PendingAd> ads) {

    public PendingDisplay {
        ads = List.copyOf(ads);
    }

    /** One ad of a pending display. */
    public record PendingAd(long adId, FeatureVector vector) {
    }
}
