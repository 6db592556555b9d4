package dev.wnd.schemas.topic;

import dev.wnd.schemas.avro.DeadLetter;
import dev.wnd.schemas.avro.Display;
import dev.wnd.schemas.avro.DocumentCategory;
import dev.wnd.schemas.avro.DocumentEntity;
import dev.wnd.schemas.avro.DocumentMeta;
import dev.wnd.schemas.avro.DocumentTopic;
import dev.wnd.schemas.avro.Example;
import dev.wnd.schemas.avro.Label;
import dev.wnd.schemas.avro.ModelVersion;
import dev.wnd.schemas.avro.PageView;
import dev.wnd.schemas.avro.PromotedContent;
import dev.wnd.schemas.avro.Score;
import dev.wnd.schemas.avro.ScoreRequest;
import dev.wnd.schemas.registry.SchemaRegistryClient;
import dev.wnd.schemas.serde.AvroSerde;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Every topic of the system, in one place, with its serdes. Build one per application instance (the serdes hold
 * the registry client); nothing here is static or shared between applications.
 *
 * <p>Keys are chosen for co-partitioning: everything about a user (page views, displays, labels, score requests)
 * is keyed by uuid; dimension tables by their id; examples and scores by display id.
 */
public final class AppTopics {

    public final Topic<Long, PromotedContent> promotedContent;
    public final Topic<Long, DocumentMeta> documentsMeta;
    public final Topic<Long, DocumentTopic> documentsTopics;
    public final Topic<Long, DocumentEntity> documentsEntities;
    public final Topic<Long, DocumentCategory> documentsCategories;
    public final Topic<String, PageView> pageViews;
    public final Topic<String, Display> displays;
    public final Topic<String, Label> labels;
    public final Topic<String, ScoreRequest> scoreRequests;
    public final Topic<Long, Example> examples;
    public final Topic<Long, Score> scores;
    public final Topic<String, ModelVersion> modelVersions;
    public final Topic<String, DeadLetter> deadLetters;
    public final Topic<String, String> scoreRequestsJson;
    public final Topic<String, String> scoresJson;

    private final SchemaRegistryClient registry;

    public AppTopics(SchemaRegistryClient registry) {
        this.registry = registry;
        Serde<Long> id = Serdes.Long();
        Serde<String> text = Serdes.String();
        promotedContent = new Topic<>("promoted-content", id, avro(PromotedContent.class));
        documentsMeta = new Topic<>("documents-meta", id, avro(DocumentMeta.class));
        documentsTopics = new Topic<>("documents-topics", id, avro(DocumentTopic.class));
        documentsEntities = new Topic<>("documents-entities", id, avro(DocumentEntity.class));
        documentsCategories = new Topic<>("documents-categories", id, avro(DocumentCategory.class));
        pageViews = new Topic<>("page-views", text, avro(PageView.class));
        displays = new Topic<>("displays", text, avro(Display.class));
        labels = new Topic<>("labels", text, avro(Label.class));
        scoreRequests = new Topic<>("score-requests", text, avro(ScoreRequest.class));
        examples = new Topic<>("examples", id, avro(Example.class));
        scores = new Topic<>("scores", id, avro(Score.class));
        modelVersions = new Topic<>("model-versions", text, avro(ModelVersion.class));
        deadLetters = new Topic<>("dead-letters", text, avro(DeadLetter.class));
        scoreRequestsJson = new Topic<>("score-requests.json", text, Serdes.String());
        scoresJson = new Topic<>("scores.json", text, Serdes.String());
    }

    private <T extends SpecificRecord> AvroSerde<T> avro(Class<T> type) {
        return AvroSerde.forValues(type, registry);
    }

    /** The registry client behind the Avro serdes. */
    public SchemaRegistryClient registry() {
        return registry;
    }

    /** The raw topics the ingest writes, in the order a replay fills them (dimensions first). */
    public List<Topic<?, ?>> ingestTopics() {
        return List.of(promotedContent, documentsMeta, documentsTopics, documentsEntities, documentsCategories,
                pageViews, displays, labels, scoreRequests);
    }

    /** Every topic of the system. */
    public List<Topic<?, ?>> all() {
        return List.of(promotedContent, documentsMeta, documentsTopics, documentsEntities, documentsCategories,
                pageViews, displays, labels, scoreRequests, examples, scores, modelVersions, deadLetters,
                scoreRequestsJson, scoresJson);
    }
}
