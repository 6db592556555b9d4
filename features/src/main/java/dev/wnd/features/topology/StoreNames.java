package dev.wnd.features.topology;

import dev.wnd.features.state.AspectKind;

/** Names of the feature state stores, shared by the features topology and the scorer. */
public final class StoreNames {

    /** Global: promoted content by ad id. */
    public static final String ADS = "ads";
    /** Global: document metadata by document id, and the number of documents (see {@link DimensionStore}). */
    public static final String DOCUMENTS = "documents";
    /** Global: topics by document id, with document frequencies. */
    public static final String DOCUMENT_TOPICS = "document-topics";
    /** Global: entities by document id, with document frequencies. */
    public static final String DOCUMENT_ENTITIES = "document-entities";
    /** Global: categories by document id, with document frequencies. */
    public static final String DOCUMENT_CATEGORIES = "document-categories";
    /** Per partition: user state by uuid. */
    public static final String USERS = "users";
    /** Per partition: CTR counts by key. */
    public static final String CTR = "ctr";
    /** Per partition: which ads the CTR counts have already met (for distinct-ad counts), by marker key. */
    public static final String CTR_ADS = "ctr-ads";
    /** Per partition: page and country of displays waiting for their labels, by display id. */
    public static final String DISPLAY_FACTS = "display-facts";
    /** One partition only: labels that came before their display, by display id ({@link LabelGate}). */
    public static final String EARLY_LABELS = "early-labels";
    /** Several partitions only: events and CTR updates held until every task has passed them, in event-time order. */
    public static final String SEQUENCER_HELD = "sequencer-held";
    /** Several partitions only: every task's watermark and stream time, and this task's own counters. */
    public static final String SEQUENCER_MARKS = "sequencer-marks";
    /** Features only: displays waiting for their labels, by display id. */
    public static final String PENDING = "pending";

    private StoreNames() {
    }

    /** The global store of one aspect kind. */
    public static String aspects(AspectKind kind) {
        return switch (kind) {
            case TOPIC -> DOCUMENT_TOPICS;
            case ENTITY -> DOCUMENT_ENTITIES;
            case CATEGORY -> DOCUMENT_CATEGORIES;
        };
    }
}
