package dev.wnd.ingest.csv;

import dev.wnd.schemas.avro.ClickTest;
import dev.wnd.schemas.avro.ClickTrain;
import dev.wnd.schemas.avro.DocumentCategory;
import dev.wnd.schemas.avro.DocumentEntity;
import dev.wnd.schemas.avro.DocumentMeta;
import dev.wnd.schemas.avro.DocumentTopic;
import dev.wnd.schemas.avro.Event;
import dev.wnd.schemas.avro.PageView;
import dev.wnd.schemas.avro.PromotedContent;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One of the nine files of the Kaggle "Outbrain Click Prediction" data: its name, its exact header and the Avro
 * record each data line becomes. The nine descriptors are constants; there are no others.
 *
 * <p>A file is recognised by its base name followed by {@code .csv}, {@code .csv.gz} or {@code .csv.zip}
 * (e.g. {@code events.csv.zip}). Page views may come as {@code page_views} or as Kaggle's
 * {@code page_views_sample}; both have the same header.
 *
 * <p>Parsing rules common to all files: fields are split on every comma (the files have no quoting); integers are
 * plain decimal; a required field that is empty rejects the line ("missing"); nullable integer columns read both
 * an empty field and MySQL's {@code \N} as null; an empty geo_location is null; timestamps stay as in the file
 * (milliseconds after {@link EventTime#EPOCH_BASE_MS}).
 *
 * @param <T> the Avro record of one data line
 */
public final class OutbrainFile<T> {

    /** {@code clicks_train}: display_id, ad_id, clicked (0 or 1). */
    public static final OutbrainFile<ClickTrain> CLICKS_TRAIN = new OutbrainFile<>("clicks_train", List.of(),
            ClickTrain.class, List.of("display_id", "ad_id", "clicked"), f -> {
                long displayId = f.requiredLong(0, "display_id");
                long adId = f.requiredLong(1, "ad_id");
                int clicked = f.requiredInt(2, "clicked");
                if (clicked != 0 && clicked != 1) {
                    throw new RowRejection("clicked: must be 0 or 1, was '" + f.shown(2) + "'");
                }
                return new ClickTrain(displayId, adId, clicked);
            });

    /** {@code clicks_test}: display_id, ad_id. */
    public static final OutbrainFile<ClickTest> CLICKS_TEST = new OutbrainFile<>("clicks_test", List.of(),
            ClickTest.class, List.of("display_id", "ad_id"),
            f -> new ClickTest(f.requiredLong(0, "display_id"), f.requiredLong(1, "ad_id")));

    /** {@code events}: one row per display; platform may be {@code \N}, geo_location may be empty. */
    public static final OutbrainFile<Event> EVENTS = new OutbrainFile<>("events", List.of(), Event.class,
            List.of("display_id", "uuid", "document_id", "timestamp", "platform", "geo_location"),
            f -> new Event(f.requiredLong(0, "display_id"), f.requiredString(1, "uuid"),
                    f.requiredLong(2, "document_id"), f.requiredLong(3, "timestamp"), f.optionalInt(4, "platform"),
                    f.optionalCachedString(5)));

    /** {@code page_views} (or {@code page_views_sample}). */
    public static final OutbrainFile<PageView> PAGE_VIEWS = new OutbrainFile<>("page_views",
            List.of("page_views_sample"), PageView.class,
            List.of("uuid", "document_id", "timestamp", "platform", "geo_location", "traffic_source"),
            f -> new PageView(f.requiredString(0, "uuid"), f.requiredLong(1, "document_id"),
                    f.requiredLong(2, "timestamp"), f.optionalInt(3, "platform"), f.optionalCachedString(4),
                    f.optionalInt(5, "traffic_source")));

    /** {@code promoted_content}: ad_id, its landing document, campaign and advertiser. */
    public static final OutbrainFile<PromotedContent> PROMOTED_CONTENT = new OutbrainFile<>("promoted_content",
            List.of(), PromotedContent.class, List.of("ad_id", "document_id", "campaign_id", "advertiser_id"),
            f -> new PromotedContent(f.requiredLong(0, "ad_id"), f.requiredLong(1, "document_id"),
                    f.requiredLong(2, "campaign_id"), f.requiredLong(3, "advertiser_id")));

    /**
     * {@code documents_meta}: source_id, publisher_id and publish_time may be empty (null); publish_time
     * {@code yyyy-MM-dd HH:mm:ss} becomes epoch ms UTC, and a value that is not such a date reads as null.
     */
    public static final OutbrainFile<DocumentMeta> DOCUMENTS_META = new OutbrainFile<>("documents_meta", List.of(),
            DocumentMeta.class, List.of("document_id", "source_id", "publisher_id", "publish_time"),
            f -> new DocumentMeta(f.requiredLong(0, "document_id"), f.optionalLong(1, "source_id"),
                    f.optionalLong(2, "publisher_id"), f.optionalDateTime(3)));

    /** {@code documents_topics}: document_id, topic_id, confidence_level. */
    public static final OutbrainFile<DocumentTopic> DOCUMENTS_TOPICS = new OutbrainFile<>("documents_topics",
            List.of(), DocumentTopic.class, List.of("document_id", "topic_id", "confidence_level"),
            f -> new DocumentTopic(f.requiredLong(0, "document_id"), f.requiredInt(1, "topic_id"),
                    f.requiredDouble(2, "confidence_level")));

    /** {@code documents_entities}: document_id, entity_id (32 hex characters in Kaggle's file), confidence_level. */
    public static final OutbrainFile<DocumentEntity> DOCUMENTS_ENTITIES = new OutbrainFile<>("documents_entities",
            List.of(), DocumentEntity.class, List.of("document_id", "entity_id", "confidence_level"),
            f -> new DocumentEntity(f.requiredLong(0, "document_id"), f.requiredString(1, "entity_id"),
                    f.requiredDouble(2, "confidence_level")));

    /** {@code documents_categories}: document_id, category_id, confidence_level. */
    public static final OutbrainFile<DocumentCategory> DOCUMENTS_CATEGORIES = new OutbrainFile<>(
            "documents_categories", List.of(), DocumentCategory.class,
            List.of("document_id", "category_id", "confidence_level"),
            f -> new DocumentCategory(f.requiredLong(0, "document_id"), f.requiredInt(1, "category_id"),
                    f.requiredDouble(2, "confidence_level")));

    private static final List<OutbrainFile<?>> ALL = List.of(PROMOTED_CONTENT, DOCUMENTS_META, DOCUMENTS_TOPICS,
            DOCUMENTS_ENTITIES, DOCUMENTS_CATEGORIES, PAGE_VIEWS, EVENTS, CLICKS_TRAIN, CLICKS_TEST);

    private static final List<String> SUFFIXES = List.of(".csv", ".csv.gz", ".csv.zip");

    /** Turns the fields of one line into a record or throws a {@link RowRejection}. */
    interface RowParser<T> {
        T parse(Fields fields);
    }

    private final String name;
    private final List<String> aliases;
    private final Class<T> type;
    private final List<String> columns;
    private final String header;
    private final RowParser<T> parser;

    private OutbrainFile(String name, List<String> aliases, Class<T> type, List<String> columns,
            RowParser<T> parser) {
        this.name = name;
        this.aliases = aliases;
        this.type = type;
        this.columns = columns;
        this.header = String.join(",", columns);
        this.parser = parser;
    }

    /** All nine, dimension files first: promoted_content, documents_*, page_views, events, clicks_train, clicks_test. */
    public static List<OutbrainFile<?>> all() {
        return ALL;
    }

    /**
     * The file a name denotes, e.g. {@code events.csv.gz} → {@link #EVENTS}; empty when the name is not one of the
     * nine base names followed by {@code .csv}, {@code .csv.gz} or {@code .csv.zip}.
     */
    public static Optional<OutbrainFile<?>> forFileName(String fileName) {
        Objects.requireNonNull(fileName, "fileName");
        for (String suffix : SUFFIXES) {
            if (fileName.endsWith(suffix)) {
                String base = fileName.substring(0, fileName.length() - suffix.length());
                for (OutbrainFile<?> file : ALL) {
                    if (file.name.equals(base) || file.aliases.contains(base)) {
                        return Optional.of(file);
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** Kaggle's base name, e.g. {@code events}. */
    public String name() {
        return name;
    }

    /** Other base names accepted for this file ({@code page_views_sample} for page views). */
    public List<String> aliases() {
        return aliases;
    }

    /** The Avro record class of a data line. */
    public Class<T> type() {
        return type;
    }

    /** The column names, in order. */
    public List<String> columns() {
        return columns;
    }

    /** The exact header line, e.g. {@code display_id,ad_id,clicked}. */
    public String header() {
        return header;
    }

    RowParser<T> parser() {
        return parser;
    }

    @Override
    public String toString() {
        return name;
    }
}
