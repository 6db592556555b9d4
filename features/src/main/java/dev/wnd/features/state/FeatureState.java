package dev.wnd.features.state;

import dev.wnd.schemas.avro.DocumentMeta;
import dev.wnd.schemas.avro.PromotedContent;

/**
 * A read-only view of the feature state as of the record being processed. The features topology and the scorer
 * both assemble vectors through this interface, over the same stores filled by the same processors; the batch
 * reference ({@code BatchReference}, in the test jar) checks them without it.
 */
public interface FeatureState {

    /** The ad's promoted-content row, or null when unknown. */
    PromotedContent ad(long adId);

    /**
     * A document's metadata, or null when unknown. As in the seed, documents without a source are unknown (the
     * seed drops those rows of {@code documents_meta.csv}).
     */
    DocumentMeta document(long documentId);

    /** The number of known documents: the seed's N in every idf. */
    long documentCount();

    /** A document's aspects of one kind, {@link DocAspects#EMPTY} when it has none. */
    DocAspects aspects(AspectKind kind, long documentId);

    /** The number of documents carrying an aspect (its df), 0 when unknown. */
    long documentFrequency(AspectKind kind, long aspectKey);

    /** The number of distinct aspect ids of a kind seen in any document: the seed's |V| in similarity confidences. */
    long aspectVocabulary(AspectKind kind);

    /** The user's state; {@link UserState#EMPTY} for an unknown user. */
    UserState user(String uuid);

    /** Counts of a CTR key (see {@link CtrKeys}); {@link CtrCounts#ZERO} when never seen. */
    CtrCounts ctr(long key);
}
