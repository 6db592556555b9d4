package dev.wnd.features.state;

import dev.wnd.schemas.avro.DocumentMeta;
import dev.wnd.schemas.avro.PromotedContent;

/**
 * A read-only view of the feature state as of the record being processed. The features topology and the scorer
 * both assemble vectors through this interface, over the same stores filled by the same processors.
 */
public interface FeatureState {

    /** The ad's promoted-content row, or null when unknown. */
    PromotedContent ad(long adId);

    /** A document's metadata, or null when unknown. */
    DocumentMeta document(long documentId);

    /** The user's state; {@link UserState#EMPTY} for an unknown user. */
    UserState user(String uuid);

    /** Counts of a CTR key (see {@link CtrKeys}); {@link CtrCounts#ZERO} when never seen. */
    CtrCounts ctr(String key);
}
