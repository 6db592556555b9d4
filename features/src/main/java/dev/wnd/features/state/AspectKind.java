package dev.wnd.features.state;

/**
 * The three kinds of document aspects Outbrain publishes ({@code documents_topics.csv},
 * {@code documents_entities.csv}, {@code documents_categories.csv}), each a list of (aspect id, confidence) per
 * document. Aspects are handled by a 64-bit key: the topic or category id itself, or
 * {@link dev.wnd.features.fn.FeatureFunctions#entityKey(String)} of an entity id.
 */
public enum AspectKind {
    /** LDA topics, about 300 ids. */
    TOPIC(64),
    /** Named entities, about 1.3 million 32-hex-character ids. */
    ENTITY(64),
    /** Outbrain's category taxonomy, about 100 ids. */
    CATEGORY(48);

    private final int profileCapacity;

    AspectKind(int profileCapacity) {
        this.profileCapacity = profileCapacity;
    }

    /**
     * At most this many aspects of this kind are kept in a user's profile (see {@link AspectProfile}); the seed
     * keeps all of them, which a long-running stream cannot afford for heavy readers.
     */
    public int profileCapacity() {
        return profileCapacity;
    }
}
