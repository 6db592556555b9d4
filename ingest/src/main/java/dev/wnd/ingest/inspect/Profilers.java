package dev.wnd.ingest.inspect;

import dev.wnd.ingest.inspect.Accumulators.Column;
import dev.wnd.ingest.inspect.Accumulators.DoubleColumn;
import dev.wnd.ingest.inspect.Accumulators.IntCounter;
import dev.wnd.ingest.inspect.Accumulators.LongColumn;
import dev.wnd.ingest.inspect.Accumulators.NamedCounter;
import dev.wnd.ingest.inspect.Accumulators.Reference;
import dev.wnd.ingest.inspect.Accumulators.StringColumn;
import dev.wnd.schemas.avro.ClickTest;
import dev.wnd.schemas.avro.ClickTrain;
import dev.wnd.schemas.avro.DocumentCategory;
import dev.wnd.schemas.avro.DocumentEntity;
import dev.wnd.schemas.avro.DocumentMeta;
import dev.wnd.schemas.avro.DocumentTopic;
import dev.wnd.schemas.avro.Event;
import dev.wnd.schemas.avro.PageView;
import dev.wnd.schemas.avro.PromotedContent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** One profiler per Outbrain file: column ranges, value counts and the reference checks of its rows. */
final class Profilers {

    private Profilers() {
    }

    /** The id sets that other files refer to, filled as the files that own them are read. */
    static final class Keys {
        IdSet metaDocuments;
        IdSet promotedAds;
        IdSet eventDisplays;
        IdSet trainDisplays;
        IdSet testDisplays;
    }

    /** Accumulates what one file's accepted rows show. */
    abstract static class Profiler<T> {
        final String fileName;
        final Map<String, Column> columns = new LinkedHashMap<>();
        final Map<String, Supplier<Map<String, Long>>> counts = new LinkedHashMap<>();
        final List<Reference> references = new ArrayList<>();

        Profiler(String fileName) {
            this.fileName = fileName;
        }

        abstract void accept(T value);

        void finish() {
        }

        <C extends Column> C column(String name, C column) {
            columns.put(name, column);
            return column;
        }

        IntCounter intCounts(String name) {
            IntCounter counter = new IntCounter();
            counts.put(name, counter::counts);
            return counter;
        }

        NamedCounter namedCounts(String name, String... classes) {
            NamedCounter counter = new NamedCounter(classes);
            counts.put(name, counter::counts);
            return counter;
        }

        /** A check against {@code target}, or null when the target file is absent. */
        Reference reference(String column, IdSet target, String to, String description) {
            if (target == null) {
                return null;
            }
            Reference reference = new Reference(fileName, column, to, description, target);
            references.add(reference);
            return reference;
        }

        Map<String, ColumnStats> columnStats() {
            Map<String, ColumnStats> out = new LinkedHashMap<>();
            columns.forEach((name, column) -> out.put(name, column.stats()));
            return out;
        }

        Map<String, Map<String, Long>> countStats() {
            Map<String, Map<String, Long>> out = new LinkedHashMap<>();
            counts.forEach((name, counter) -> out.put(name, counter.get()));
            return out;
        }
    }

    static void check(Reference reference, long id) {
        if (reference != null) {
            reference.check(id);
        }
    }

    static String geoForm(String geo) {
        if (geo == null) {
            return "empty";
        }
        if (geo.equals("--")) {
            return "--";
        }
        int separators = 0;
        for (int i = 0; i < geo.length(); i++) {
            if (geo.charAt(i) == '>') {
                separators++;
            }
        }
        return switch (separators) {
            case 0 -> "country";
            case 1 -> "country>state";
            case 2 -> "country>state>dma";
            default -> "other";
        };
    }

    static boolean isHex(String s, int length) {
        if (s.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
                return false;
            }
        }
        return true;
    }

    /** Groups consecutive rows of a clicks file by display: ads and clicks per display, order breaks. */
    static final class DisplayGroups {
        private final IntCounter adsPerDisplay;
        private final IntCounter clicksPerDisplay;
        private final NamedCounter order;
        private long current;
        private boolean open;
        private int ads;
        private int clicks;

        DisplayGroups(Profiler<?> profiler, boolean withClicks) {
            adsPerDisplay = profiler.intCounts("ads_per_display");
            clicksPerDisplay = withClicks ? profiler.intCounts("clicks_per_display") : null;
            order = profiler.namedCounts("display_id_order", "descending_steps");
        }

        void add(long display, int clicked) {
            if (!open || display != current) {
                flush();
                if (open && display < current) {
                    order.add("descending_steps");
                }
                open = true;
                current = display;
                ads = 0;
                clicks = 0;
            }
            ads++;
            clicks += clicked;
        }

        void flush() {
            if (open && ads > 0) {
                adsPerDisplay.add(ads);
                if (clicksPerDisplay != null) {
                    clicksPerDisplay.add(clicks);
                }
                ads = 0;
            }
        }
    }

    static final class ClicksTrain extends Profiler<ClickTrain> {
        final LongColumn display = column("display_id", new LongColumn(true));
        final LongColumn ad = column("ad_id", new LongColumn(true));
        final IntCounter clicked = intCounts("clicked");
        final DisplayGroups groups = new DisplayGroups(this, true);
        final Reference toEvents;
        final Reference toAds;

        ClicksTrain(String fileName, Keys keys, Map<String, String> names) {
            super(fileName);
            toEvents = reference("display_id", keys.eventDisplays, names.get("events"),
                    "clicks whose display has no event row");
            toAds = reference("ad_id", keys.promotedAds, names.get("promoted_content"),
                    "ads without promoted_content");
        }

        @Override
        void accept(ClickTrain c) {
            display.add(c.getDisplayId());
            ad.add(c.getAdId());
            clicked.add(c.getClicked());
            groups.add(c.getDisplayId(), c.getClicked());
            check(toEvents, c.getDisplayId());
            check(toAds, c.getAdId());
        }

        @Override
        void finish() {
            groups.flush();
        }
    }

    static final class ClicksTest extends Profiler<ClickTest> {
        final LongColumn display = column("display_id", new LongColumn(true));
        final LongColumn ad = column("ad_id", new LongColumn(true));
        final DisplayGroups groups = new DisplayGroups(this, false);
        final Reference toEvents;
        final Reference toAds;

        ClicksTest(String fileName, Keys keys, Map<String, String> names) {
            super(fileName);
            toEvents = reference("display_id", keys.eventDisplays, names.get("events"),
                    "test clicks whose display has no event row");
            toAds = reference("ad_id", keys.promotedAds, names.get("promoted_content"),
                    "ads without promoted_content");
        }

        @Override
        void accept(ClickTest c) {
            display.add(c.getDisplayId());
            ad.add(c.getAdId());
            groups.add(c.getDisplayId(), 0);
            check(toEvents, c.getDisplayId());
            check(toAds, c.getAdId());
        }

        @Override
        void finish() {
            groups.flush();
        }
    }

    static final class Events extends Profiler<Event> {
        final LongColumn display = column("display_id", new LongColumn(true));
        final StringColumn uuid = column("uuid", new StringColumn());
        final LongColumn document = column("document_id", new LongColumn(true));
        final LongColumn timestamp = column("timestamp", new LongColumn(false));
        final IntCounter platform = intCounts("platform");
        final StringColumn geo = column("geo_location", new StringColumn());
        final NamedCounter geoForms = namedCounts("geo_form", "country>state>dma", "country>state", "country", "--",
                "empty");
        final NamedCounter uuidForms = namedCounts("uuid_form", "14_hex", "other");
        final Reference toMeta;

        Events(String fileName, Keys keys, Map<String, String> names) {
            super(fileName);
            toMeta = reference("document_id", keys.metaDocuments, names.get("documents_meta"),
                    "displays on documents without metadata");
        }

        @Override
        void accept(Event e) {
            display.add(e.getDisplayId());
            uuid.add(e.getUuid());
            uuidForms.add(isHex(e.getUuid(), 14) ? "14_hex" : "other");
            document.add(e.getDocumentId());
            timestamp.add(e.getTimestamp());
            platform.add(e.getPlatform());
            geo.add(e.getGeoLocation());
            geoForms.add(geoForm(e.getGeoLocation()));
            check(toMeta, e.getDocumentId());
        }
    }

    static final class PageViews extends Profiler<PageView> {
        final StringColumn uuid = column("uuid", new StringColumn());
        final LongColumn document = column("document_id", new LongColumn(true));
        final LongColumn timestamp = column("timestamp", new LongColumn(false));
        final IntCounter platform = intCounts("platform");
        final StringColumn geo = column("geo_location", new StringColumn());
        final IntCounter trafficSource = intCounts("traffic_source");
        final NamedCounter geoForms = namedCounts("geo_form", "country>state>dma", "country>state", "country", "--",
                "empty");
        final NamedCounter uuidForms = namedCounts("uuid_form", "14_hex", "other");
        final Reference toMeta;

        PageViews(String fileName, Keys keys, Map<String, String> names) {
            super(fileName);
            toMeta = reference("document_id", keys.metaDocuments, names.get("documents_meta"),
                    "page views of documents without metadata");
        }

        @Override
        void accept(PageView v) {
            uuid.add(v.getUuid());
            uuidForms.add(isHex(v.getUuid(), 14) ? "14_hex" : "other");
            document.add(v.getDocumentId());
            timestamp.add(v.getTimestamp());
            platform.add(v.getPlatform());
            geo.add(v.getGeoLocation());
            geoForms.add(geoForm(v.getGeoLocation()));
            trafficSource.add(v.getTrafficSource());
            check(toMeta, v.getDocumentId());
        }
    }

    static final class Promoted extends Profiler<PromotedContent> {
        final LongColumn ad = column("ad_id", new LongColumn(true));
        final LongColumn document = column("document_id", new LongColumn(true));
        final LongColumn campaign = column("campaign_id", new LongColumn(true));
        final LongColumn advertiser = column("advertiser_id", new LongColumn(true));
        final Reference toMeta;

        Promoted(String fileName, Keys keys, Map<String, String> names) {
            super(fileName);
            toMeta = reference("document_id", keys.metaDocuments, names.get("documents_meta"),
                    "ads landing on documents without metadata");
        }

        @Override
        void accept(PromotedContent p) {
            ad.add(p.getAdId());
            document.add(p.getDocumentId());
            campaign.add(p.getCampaignId());
            advertiser.add(p.getAdvertiserId());
            check(toMeta, p.getDocumentId());
        }
    }

    static final class Meta extends Profiler<DocumentMeta> {
        final LongColumn document = column("document_id", new LongColumn(true));
        final LongColumn source = column("source_id", new LongColumn(true));
        final LongColumn publisher = column("publisher_id", new LongColumn(true));
        final LongColumn publishTime = column("publish_time", new LongColumn(false));

        Meta(String fileName) {
            super(fileName);
        }

        @Override
        void accept(DocumentMeta m) {
            document.add(m.getDocumentId());
            source.add(m.getSourceId());
            publisher.add(m.getPublisherId());
            publishTime.add(m.getPublishTime());
        }
    }

    /** documents_topics, documents_categories: an int aspect id with a confidence. */
    static final class Aspect<T> extends Profiler<T> {
        private final java.util.function.ToLongFunction<T> documentOf;
        private final java.util.function.ToIntFunction<T> aspectOf;
        private final java.util.function.ToDoubleFunction<T> confidenceOf;
        final LongColumn document = column("document_id", new LongColumn(true));
        final LongColumn aspect;
        final DoubleColumn confidence;
        final Reference toMeta;

        Aspect(String fileName, String aspectColumn, Keys keys, Map<String, String> names,
                java.util.function.ToLongFunction<T> documentOf, java.util.function.ToIntFunction<T> aspectOf,
                java.util.function.ToDoubleFunction<T> confidenceOf) {
            super(fileName);
            this.documentOf = documentOf;
            this.aspectOf = aspectOf;
            this.confidenceOf = confidenceOf;
            aspect = column(aspectColumn, new LongColumn(true));
            confidence = column("confidence_level", new DoubleColumn());
            toMeta = reference("document_id", keys.metaDocuments, names.get("documents_meta"),
                    "documents without metadata");
        }

        @Override
        void accept(T value) {
            long doc = documentOf.applyAsLong(value);
            document.add(doc);
            aspect.add(aspectOf.applyAsInt(value));
            confidence.add(confidenceOf.applyAsDouble(value));
            check(toMeta, doc);
        }
    }

    static Aspect<DocumentTopic> topics(String fileName, Keys keys, Map<String, String> names) {
        return new Aspect<>(fileName, "topic_id", keys, names, DocumentTopic::getDocumentId,
                DocumentTopic::getTopicId, DocumentTopic::getConfidenceLevel);
    }

    static Aspect<DocumentCategory> categories(String fileName, Keys keys, Map<String, String> names) {
        return new Aspect<>(fileName, "category_id", keys, names, DocumentCategory::getDocumentId,
                DocumentCategory::getCategoryId, DocumentCategory::getConfidenceLevel);
    }

    static final class Entities extends Profiler<DocumentEntity> {
        final LongColumn document = column("document_id", new LongColumn(true));
        final StringColumn entity = column("entity_id", new StringColumn());
        final DoubleColumn confidence = column("confidence_level", new DoubleColumn());
        final NamedCounter entityForms = namedCounts("entity_id_form", "32_hex", "other");
        final Reference toMeta;

        Entities(String fileName, Keys keys, Map<String, String> names) {
            super(fileName);
            toMeta = reference("document_id", keys.metaDocuments, names.get("documents_meta"),
                    "documents without metadata");
        }

        @Override
        void accept(DocumentEntity e) {
            document.add(e.getDocumentId());
            entity.add(e.getEntityId());
            entityForms.add(isHex(e.getEntityId(), 32) ? "32_hex" : "other");
            confidence.add(e.getConfidenceLevel());
            check(toMeta, e.getDocumentId());
        }
    }
}
