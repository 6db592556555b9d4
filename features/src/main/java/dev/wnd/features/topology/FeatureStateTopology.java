package dev.wnd.features.topology;

import dev.wnd.features.streams.StatePartitioning;
import dev.wnd.features.store.WriteCountingKeyValueStore;
import dev.wnd.features.store.ObjectCachingKeyValueStore;
import dev.wnd.features.store.DeferredWriteStore;
import dev.wnd.features.fn.FeatureFunctions;
import dev.wnd.features.state.AspectKind;
import dev.wnd.features.state.CtrCounts;
import dev.wnd.features.state.CtrKeys;
import dev.wnd.features.state.CtrBroadcast;
import dev.wnd.features.state.CtrUpdate;
import dev.wnd.features.state.DisplayFacts;
import dev.wnd.features.state.DocAspects;
import dev.wnd.features.state.FeatureState;
import dev.wnd.features.state.StateSerdes;
import dev.wnd.features.state.UserState;
import dev.wnd.schemas.avro.Display;
import dev.wnd.schemas.avro.DocumentCategory;
import dev.wnd.schemas.avro.DocumentEntity;
import dev.wnd.schemas.avro.DocumentMeta;
import dev.wnd.schemas.avro.DocumentTopic;
import dev.wnd.schemas.avro.Label;
import dev.wnd.schemas.avro.PageView;
import dev.wnd.schemas.avro.PromotedContent;
import dev.wnd.schemas.topic.AppTopics;
import dev.wnd.schemas.topic.Topic;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The part of the topology that builds feature state, shared by the features topology and the scorer so that
 * both see the same state built by the same code:
 * <ul>
 *   <li>global stores: promoted content ({@link StoreNames#ADS}); document metadata with the document count N
 *       ({@link StoreNames#DOCUMENTS}); each document's topics, entities and categories with every aspect's
 *       document frequency and the number of distinct aspects ({@link StoreNames#aspects(AspectKind)});</li>
 *   <li>user state from page views ({@link StoreNames#USERS}): views, viewed documents, aspect profiles;</li>
 *   <li>CTR counts from released labels ({@link StoreNames#CTR}) for every {@link dev.wnd.features.state.CtrFamily},
 *       never from a display's own label, which is released after the display's features were computed. The
 *       labels need the display's page and country, remembered from the displays topic until the label comes
 *       ({@link StoreNames#DISPLAY_FACTS}).</li>
 * </ul>
 * Dimension rows are expected before the events that use them (the replay writes them first); a global store
 * follows its topic as rows arrive. User state is per task (per uuid partition); CTR state is per task too, but with
 * several partitions every task counts every task's labels ({@link StatePartitioning}, {@link EventSequencer}).
 */
public final class FeatureStateTopology {

    /**
     * The node labels come from, in processing order; processors that also need labels attach to it. A label comes
     * out of it only after its display has been processed ({@link LabelGate}, or the {@link EventSequencer} with
     * several partitions).
     */
    public static final String LABELS_SOURCE = "labels-source";
    /** The node displays come from, in processing order; processors that also need displays attach to it. */
    public static final String DISPLAYS_SOURCE = "displays-source";
    /** Processors that read the feature state must be connected to these stores. */
    public static final String[] READ_STORES = {StoreNames.USERS, StoreNames.CTR};
    private static final String CTR_STATE = "ctr-state";
    private static final String SEQUENCER = "event-sequencer";

    /**
     * Deserialized values kept per task in front of the user store ({@link ObjectCachingKeyValueStore}, which is
     * its write-back cache, so the store beneath has no Streams record cache of its own): a user state is ~0.5 KB
     * serialized on average (bench features) and a few KB at most, so typically ~50 MB when full. 20,000 was too
     * few for the 40,000 users of a 100,000-display replay: every page view of an evicted user read RocksDB.
     */
    static final int USER_OBJECTS = 50_000;
    /**
     * Deserialized values kept per task in front of the CTR store and, again, its distinct-ad markers (small values,
     * ~100 bytes each with their slot: ~100 MB per store when full). A 100,000-display replay has 407,000 CTR keys;
     * at 200,000, reading evicted keys back from RocksDB took 8% of the stream thread (JFR, docs/benchmarks-history.md#64-bit-ctr-keys-generated-avro-coders-caches-sized-to-the-data).
     */
    static final int CTR_OBJECTS = 1_000_000;
    /**
     * Bytes of writes each task store holds for RocksDB before it writes them in one batch
     * ({@link DeferredWriteStore}); about a RocksDB memtable's worth (Streams sizes those at 16 MB).
     */
    static final long PENDING_WRITE_BYTES = 32L * 1024 * 1024;

    private FeatureStateTopology() {
    }

    /** The supplier of task store {@code name}: RocksDB, its writes batched ({@link DeferredWriteStore}). */
    static KeyValueBytesStoreSupplier taskStore(String name) {
        return DeferredWriteStore.persistent(name, PENDING_WRITE_BYTES);
    }

    /**
     * Adds the state builders to {@code topology}; returns the topology for chaining. With several partitions the
     * events pass an {@link EventSequencer} first, which exchanges CTR updates with the other tasks through
     * {@link StatePartitioning#updatesTopic()} and releases the events in event-time order; the nodes
     * {@link #DISPLAYS_SOURCE} and {@link #LABELS_SOURCE} then pass on what it releases. Its processors read
     * dimensions through {@code views}: give the same instance to {@link #stateOf} for the processors added after,
     * so that a stream thread keeps each dimension row once.
     */
    public static Topology addTo(Topology topology, AppTopics topics, StatePartitioning partitioning,
            DimensionViews views) {
        addGlobal(topology, StoreNames.ADS, topics.promotedContent,
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.ADS),
                        topics.promotedContent.keySerde(), topics.promotedContent.valueSerde()),
                (KeyValueStore<Long, PromotedContent> s) -> ad -> s.put(ad.getAdId(), ad));
        addDimension(topology, StoreNames.DOCUMENTS, topics.documentsMeta,
                (DimensionStore s, DocumentMeta m) -> s.putMeta(m));
        addDimension(topology, StoreNames.DOCUMENT_TOPICS, topics.documentsTopics,
                (DimensionStore s, DocumentTopic t) -> s.putAspect(t.getDocumentId(), t.getTopicId(),
                        t.getConfidenceLevel()));
        addDimension(topology, StoreNames.DOCUMENT_ENTITIES, topics.documentsEntities,
                (DimensionStore s, DocumentEntity e) -> s.putAspect(e.getDocumentId(),
                        FeatureFunctions.entityKey(e.getEntityId()), e.getConfidenceLevel()));
        addDimension(topology, StoreNames.DOCUMENT_CATEGORIES, topics.documentsCategories,
                (DimensionStore s, DocumentCategory c) -> s.putAspect(c.getDocumentId(), c.getCategoryId(),
                        c.getConfidenceLevel()));

        topology.addSource("page-views-source", topics.pageViews.keySerde().deserializer(),
                topics.pageViews.valueSerde().deserializer(), topics.pageViews.name());
        String[] factsUsers;
        if (partitioning.broadcasts()) {
            addSequencer(topology, topics, partitioning);
            topology.addProcessor("user-state", () -> new UserStateProcessor(views), SEQUENCER);
            topology.addProcessor(CTR_STATE, () -> new CtrStateProcessor(views), SEQUENCER);
            factsUsers = new String[] {SEQUENCER};
        } else {
            topology.addProcessor("user-state", () -> new UserStateProcessor(views), "page-views-source");
            topology.addSource(DISPLAYS_SOURCE, topics.displays.keySerde().deserializer(),
                    topics.displays.valueSerde().deserializer(), topics.displays.name());
            topology.addProcessor("display-facts", DisplayFactsProcessor::new, DISPLAYS_SOURCE);
            topology.addSource("labels-input", topics.labels.keySerde().deserializer(),
                    topics.labels.valueSerde().deserializer(), topics.labels.name());
            topology.addProcessor(LABELS_SOURCE, LabelGate::new, "labels-input");
            topology.addStateStore(Stores.keyValueStoreBuilder(taskStore(StoreNames.EARLY_LABELS), Serdes.Long(),
                    LabelGate.Held.serde(topics.labels.valueSerde())), LABELS_SOURCE);
            topology.addProcessor("label-facts", LabelFactsProcessor::new, LABELS_SOURCE);
            topology.addProcessor(CTR_STATE, () -> new CtrStateProcessor(views), "label-facts");
            factsUsers = new String[] {"display-facts", "label-facts", LABELS_SOURCE};
        }
        topology.addStateStore(ObjectCachingKeyValueStore.builder(Stores.keyValueStoreBuilder(
                taskStore(StoreNames.USERS), Serdes.String(), StateSerdes.userState()),
                USER_OBJECTS), "user-state");
        topology.addStateStore(ObjectCachingKeyValueStore.longKeyedBuilder(Stores.keyValueStoreBuilder(
                taskStore(StoreNames.CTR), Serdes.Long(), StateSerdes.ctrCounts()),
                CTR_OBJECTS), CTR_STATE);
        topology.addStateStore(ObjectCachingKeyValueStore.longKeyedBuilder(Stores.keyValueStoreBuilder(
                taskStore(StoreNames.CTR_ADS), Serdes.Long(), Serdes.Long()),
                CTR_OBJECTS), CTR_STATE);
        topology.addStateStore(Stores.keyValueStoreBuilder(taskStore(StoreNames.DISPLAY_FACTS),
                Serdes.Long(), StateSerdes.displayFacts()).withCachingEnabled(), factsUsers);
        return topology;
    }

    /**
     * The sequencer in front of the state: the event sources and this application's partition of the CTR updates
     * topic feed it; it feeds the user and CTR state, and {@link #DISPLAYS_SOURCE} and {@link #LABELS_SOURCE} pass on
     * the displays and labels it releases.
     */
    private static void addSequencer(Topology topology, AppTopics topics, StatePartitioning partitioning) {
        topology.addSource("displays-input", topics.displays.keySerde().deserializer(),
                topics.displays.valueSerde().deserializer(), topics.displays.name());
        topology.addSource("labels-input", topics.labels.keySerde().deserializer(),
                topics.labels.valueSerde().deserializer(), topics.labels.name());
        topology.addSource("ctr-updates-source", Serdes.Integer().deserializer(),
                StateSerdes.ctrBroadcast().deserializer(), partitioning.updatesTopic());
        EventSequencer.Routes routes = new EventSequencer.Routes("user-state", DISPLAYS_SOURCE, LABELS_SOURCE,
                CTR_STATE, "ctr-updates-sink", "sequencer-dead-letters", topics.pageViews.name(),
                topics.displays.name(), topics.labels.name(), partitioning.updatesTopic());
        topology.addProcessor(SEQUENCER, () -> new EventSequencer(partitioning, routes), "page-views-source",
                "displays-input", "labels-input", "ctr-updates-source");
        topology.addProcessor(DISPLAYS_SOURCE, PassOn::new, SEQUENCER);
        topology.addProcessor(LABELS_SOURCE, PassOn::new, SEQUENCER);
        // Every partition gets every update: each task keeps the CTR counts of all labels.
        topology.addSink(routes.updatesSink(), partitioning.updatesTopic(), Serdes.Integer().serializer(),
                StateSerdes.ctrBroadcast().serializer(), new EveryPartition(), SEQUENCER);
        topology.addSink(routes.deadLettersSink(), topics.deadLetters.name(), topics.deadLetters.keySerde().serializer(),
                topics.deadLetters.valueSerde().serializer(), SEQUENCER);
        topology.addStateStore(Stores.keyValueStoreBuilder(taskStore(StoreNames.SEQUENCER_HELD),
                Serdes.Bytes(), Serdes.ByteArray()).withCachingEnabled(), SEQUENCER);
        topology.addStateStore(Stores.keyValueStoreBuilder(taskStore(StoreNames.SEQUENCER_MARKS),
                Serdes.Integer(), Serdes.Long()).withCachingEnabled(), SEQUENCER);
    }

    /** Sends a record to every partition of its topic. */
    private static final class EveryPartition implements StreamPartitioner<Integer, CtrBroadcast> {

        @Override
        public Optional<Set<Integer>> partitions(String topic, Integer key, CtrBroadcast value, Headers headers,
                int partitions) {
            return Optional.of(IntStream.range(0, partitions).boxed().collect(Collectors.toSet()));
        }

        @Override
        @SuppressWarnings("removal")
        public Optional<Set<Integer>> partitions(String topic, Integer key, CtrBroadcast value, int partitions) {
            return partitions(topic, key, value, null, partitions);
        }
    }

    /** Passes every record on to its children: the named node that displays or labels come from. */
    private static final class PassOn implements Processor<Object, Object, Object, Object> {
        private ProcessorContext<Object, Object> context;

        @Override
        public void init(ProcessorContext<Object, Object> context) {
            this.context = context;
        }

        @Override
        public void process(Record<Object, Object> record) {
            context.forward(record);
        }
    }

    /** Remembers a display's facts until its labels come. */
    static void rememberFacts(KeyValueStore<Long, DisplayFacts> facts, Display display) {
        facts.put(display.getDisplayId(),
                new DisplayFacts(display.getDocumentId(), FeatureFunctions.country(display.getGeoLocation())));
    }

    /** A label's CTR update, with its display's facts (then forgotten: a display is labelled once). */
    static CtrUpdate joinFacts(KeyValueStore<Long, DisplayFacts> facts, Label label) {
        DisplayFacts display = facts.get(label.getDisplayId());
        if (display != null) {
            facts.put(label.getDisplayId(), null); // a tombstone; delete() would decode the old value
        }
        return new CtrUpdate(label.getDisplayId(), label.getAdIds(), label.getClickedAdIds(), display);
    }

    /**
     * A read-only feature view for a processor connected to {@link #READ_STORES}, reading dimensions through the
     * thread's readers in {@code views} (the instance given to {@link #addTo}).
     */
    public static FeatureState stateOf(ProcessorContext<?, ?> context, DimensionViews views) {
        return new StoreFeatureState(context, true, views);
    }

    /** @param updater given the store once, at the loader's init, returns what applies one row to it */
    private static <K, V, SK, SV> void addGlobal(Topology topology, String store, Topic<K, V> topic,
            StoreBuilder<KeyValueStore<SK, SV>> builder, Function<KeyValueStore<SK, SV>, Consumer<V>> updater) {
        topology.addGlobalStore(WriteCountingKeyValueStore.builder(builder.withLoggingDisabled().withCachingEnabled()),
                store + "-source", topic.keySerde().deserializer(),
                topic.valueSerde().deserializer(), topic.name(), store + "-loader",
                () -> new Processor<K, V, Void, Void>() {
                    private Consumer<V> update;

                    @Override
                    public void init(ProcessorContext<Void, Void> context) {
                        update = updater.apply(context.getStateStore(store));
                    }

                    @Override
                    public void process(Record<K, V> record) {
                        if (record.value() != null) {
                            update.accept(record.value());
                        }
                    }
                });
    }

    private static <V> void addDimension(Topology topology, String store, Topic<Long, V> topic,
            BiConsumer<DimensionStore, V> update) {
        addGlobal(topology, store, topic,
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(store), Serdes.Bytes(), Serdes.ByteArray()),
                (KeyValueStore<Bytes, byte[]> kv) -> {
                    DimensionStore dimension = new DimensionStore(kv); // one per loader, not one per row
                    return value -> update.accept(dimension, value);
                });
    }

    /** The aspects of a document of every kind, from the global stores. */
    static Map<AspectKind, DocAspects> aspectsOf(FeatureState state, long documentId) {
        Map<AspectKind, DocAspects> aspects = new EnumMap<>(AspectKind.class);
        for (AspectKind kind : AspectKind.values()) {
            aspects.put(kind, state.aspects(kind, documentId));
        }
        return aspects;
    }

    /** Page view → the user's state. */
    static final class UserStateProcessor implements Processor<String, PageView, Void, Void> {
        private final DimensionViews views;
        private KeyValueStore<String, UserState> users;
        private FeatureState state;

        UserStateProcessor(DimensionViews views) {
            this.views = views;
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            users = context.getStateStore(StoreNames.USERS);
            state = new StoreFeatureState(context, false, views);
        }

        @Override
        public void process(Record<String, PageView> record) {
            PageView view = record.value();
            if (view == null) {
                return;
            }
            UserState current = users.get(view.getUuid());
            long doc = view.getDocumentId();
            UserState next = (current == null ? UserState.EMPTY : current)
                    .withView(view, state.document(doc) != null, aspectsOf(state, doc));
            users.put(view.getUuid(), next);
        }
    }

    /** Display → its page and country, kept until its labels arrive. */
    static final class DisplayFactsProcessor implements Processor<String, Display, Void, Void> {
        private KeyValueStore<Long, DisplayFacts> facts;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            facts = context.getStateStore(StoreNames.DISPLAY_FACTS);
        }

        @Override
        public void process(Record<String, Display> record) {
            Display display = record.value();
            if (display != null) {
                rememberFacts(facts, display);
            }
        }
    }

    /** Label → its CTR update, joined with its display's facts. */
    static final class LabelFactsProcessor implements Processor<String, Label, String, CtrUpdate> {
        private ProcessorContext<String, CtrUpdate> context;
        private KeyValueStore<Long, DisplayFacts> facts;

        @Override
        public void init(ProcessorContext<String, CtrUpdate> context) {
            this.context = context;
            facts = context.getStateStore(StoreNames.DISPLAY_FACTS);
        }

        @Override
        public void process(Record<String, Label> record) {
            if (record.value() != null) {
                context.forward(record.withValue(joinFacts(facts, record.value())));
            }
        }
    }

    /**
     * A released label's CTR update → CTR counts of every key of every ad of the display. Distinct-ad counts use markers in
     * {@link StoreNames#CTR_ADS}: the keys an ad maps to are fixed by dimension data, so an ad is new to all its
     * ad-side keys at once ({@link CtrKeys#adMarker}), to its per-country keys per country
     * ({@link CtrKeys#adInCountryMarker}) and to its (page, ad document) key per page ({@link CtrKeys#adOnPageMarker});
     * one marker replaces one per (key, ad).
     * This relies on an ad's promoted content, document metadata and aspects being complete before its first label
     * (the replay writes dimension rows first); an ad whose document rows came later would not be counted as a
     * distinct ad of the keys they add. The markers grow with distinct (ad, country) and (ad, page) pairs.
     */
    static final class CtrStateProcessor implements Processor<Object, CtrUpdate, Void, Void> {
        private final DimensionViews views;
        private KeyValueStore<Long, CtrCounts> ctr;
        private KeyValueStore<Long, Long> seen;
        private FeatureState state;

        CtrStateProcessor(DimensionViews views) {
            this.views = views;
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            ctr = context.getStateStore(StoreNames.CTR);
            seen = context.getStateStore(StoreNames.CTR_ADS);
            state = new StoreFeatureState(context, false, views);
        }

        @Override
        public void process(Record<Object, CtrUpdate> record) {
            CtrUpdate label = record.value();
            if (label == null) {
                return;
            }
            DisplayFacts display = label.facts();
            String countryCode = display == null ? null : display.country();
            boolean hasCountry = countryCode != null && !countryCode.isEmpty();
            long country = hasCountry ? CtrKeys.country(countryCode) : 0;
            Set<Long> clicked = new HashSet<>(label.clickedAdIds());
            Set<Long> ads = new LinkedHashSet<>(label.adIds());
            ads.addAll(label.clickedAdIds());
            for (long ad : ads) {
                boolean click = clicked.contains(ad);
                long adKey = CtrKeys.ad(ad);
                CtrCounts adCounts = counts(adKey);
                ctr.put(adKey, adCounts.plus(click, adCounts.views() == 0, 0.0));
                PromotedContent promoted = state.ad(ad);
                if (promoted == null) {
                    continue;
                }
                long adDoc = promoted.getDocumentId();
                DocumentMeta meta = state.document(adDoc);
                Map<AspectKind, DocAspects> aspects = aspectsOf(state, adDoc);

                boolean newAd = firstTime(CtrKeys.adMarker(ad), record.timestamp());
                count(CtrKeys.adDocument(adDoc), click, newAd, 0.0);
                count(CtrKeys.campaign(promoted.getCampaignId()), click, newAd, 0.0);
                count(CtrKeys.advertiser(promoted.getAdvertiserId()), click, newAd, 0.0);
                if (meta != null) {
                    count(CtrKeys.source(meta.getSourceId()), click, newAd, 0.0);
                    count(CtrKeys.publisher(FeatureFunctions.publisherKey(meta.getPublisherId(), meta.getSourceId())),
                            click, newAd, 0.0);
                }
                for (AspectKind kind : AspectKind.values()) {
                    DocAspects a = aspects.get(kind);
                    for (int i = 0; i < a.size(); i++) {
                        count(CtrKeys.aspect(kind, a.keys()[i]), click, newAd, a.confidences()[i]);
                    }
                }
                if (hasCountry) {
                    boolean newInCountry = firstTime(CtrKeys.adInCountryMarker(ad, country), record.timestamp());
                    if (meta != null) {
                        count(CtrKeys.sourceInCountry(country, meta.getSourceId()), click, newInCountry, 0.0);
                    }
                    for (AspectKind kind : AspectKind.values()) {
                        DocAspects a = aspects.get(kind);
                        for (int i = 0; i < a.size(); i++) {
                            count(CtrKeys.aspectInCountry(kind, country, a.keys()[i]), click, newInCountry,
                                    a.confidences()[i]);
                        }
                    }
                }
                if (display != null) {
                    long page = display.pageDocumentId();
                    boolean newOnPage = firstTime(CtrKeys.adOnPageMarker(ad, page), record.timestamp());
                    count(CtrKeys.pageAdDocument(page, adDoc), click, newOnPage, 0.0);
                }
            }
        }

        private CtrCounts counts(long key) {
            CtrCounts c = ctr.get(key);
            return c == null ? CtrCounts.ZERO : c;
        }

        private void count(long key, boolean clicked, boolean newAd, double documentConfidence) {
            ctr.put(key, counts(key).plus(clicked, newAd, documentConfidence));
        }

        private boolean firstTime(long marker, long timestamp) {
            return seen.putIfAbsent(marker, timestamp) == null;
        }
    }
}
