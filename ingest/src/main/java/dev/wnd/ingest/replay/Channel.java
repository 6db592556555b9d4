package dev.wnd.ingest.replay;

import dev.wnd.schemas.topic.AppTopics;
import dev.wnd.schemas.topic.Topic;

/** Where a replayed record goes: one constant per topic of {@link AppTopics} that the replay writes. */
public enum Channel {
    /** promoted_content rows, keyed by ad_id. */
    PROMOTED_CONTENT,
    /** documents_meta rows, keyed by document_id. */
    DOCUMENTS_META,
    /** documents_topics rows, keyed by document_id. */
    DOCUMENTS_TOPICS,
    /** documents_entities rows, keyed by document_id. */
    DOCUMENTS_ENTITIES,
    /** documents_categories rows, keyed by document_id. */
    DOCUMENTS_CATEGORIES,
    /** page_views rows, keyed by uuid. */
    PAGE_VIEWS,
    /** training displays (events joined with clicks_train), keyed by uuid. */
    DISPLAYS,
    /** label releases of training displays, keyed by uuid. */
    LABELS,
    /** test displays (events joined with clicks_test), keyed by uuid. */
    SCORE_REQUESTS,
    /** rows and displays that could not be replayed, keyed by the source file name. */
    DEAD_LETTERS;

    /** The topic of this channel in {@code topics}. */
    public Topic<?, ?> topic(AppTopics topics) {
        return switch (this) {
            case PROMOTED_CONTENT -> topics.promotedContent;
            case DOCUMENTS_META -> topics.documentsMeta;
            case DOCUMENTS_TOPICS -> topics.documentsTopics;
            case DOCUMENTS_ENTITIES -> topics.documentsEntities;
            case DOCUMENTS_CATEGORIES -> topics.documentsCategories;
            case PAGE_VIEWS -> topics.pageViews;
            case DISPLAYS -> topics.displays;
            case LABELS -> topics.labels;
            case SCORE_REQUESTS -> topics.scoreRequests;
            case DEAD_LETTERS -> topics.deadLetters;
        };
    }
}
