package dev.wnd.features.state;

import dev.wnd.schemas.avro.PromotedContent;
import java.util.ArrayList;
import java.util.List;

/** The CTR key families and how an ad maps onto them. Pure. */
public final class CtrKeys {

    private CtrKeys() {
    }

    public static String ad(long adId) {
        return "ad:" + adId;
    }

    public static String adDocument(long documentId) {
        return "adoc:" + documentId;
    }

    public static String campaign(long campaignId) {
        return "camp:" + campaignId;
    }

    public static String advertiser(long advertiserId) {
        return "adv:" + advertiserId;
    }

    /** Every CTR key one labelled impression of this ad updates; {@code promoted} may be null (ad unknown). */
    public static List<String> keysOf(long adId, PromotedContent promoted) {
        List<String> keys = new ArrayList<>(4);
        keys.add(ad(adId));
        if (promoted != null) {
            keys.add(adDocument(promoted.getDocumentId()));
            keys.add(campaign(promoted.getCampaignId()));
            keys.add(advertiser(promoted.getAdvertiserId()));
        }
        return keys;
    }
}
