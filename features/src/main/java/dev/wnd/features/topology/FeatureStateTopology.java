package dev.wnd.features.topology;

import dev.wnd.features.state.CtrCounts;
import dev.wnd.features.state.CtrKeys;
import dev.wnd.features.state.FeatureState;
import dev.wnd.features.state.StateSerdes;
import dev.wnd.features.state.UserState;
import dev.wnd.schemas.avro.DocumentMeta;
import dev.wnd.schemas.avro.Label;
import dev.wnd.schemas.avro.PageView;
import dev.wnd.schemas.avro.PromotedContent;
import dev.wnd.schemas.topic.AppTopics;
import dev.wnd.schemas.topic.Topic;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The part of the topology that builds feature state, shared by the features topology and the scorer so that
 * both see the same state built by the same code: global stores of promoted content and document metadata,
 * user state from page views, CTR counts from released labels (never from a display's own label, which is released
 * after the display's features were computed).
 */
public final class FeatureStateTopology {

    /** Source node of the labels topic; processors that also need labels attach to it. */
    public static final String LABELS_SOURCE = "labels-source";
    /** Processors that read the feature state must be connected to these stores. */
    public static final String[] READ_STORES = {StoreNames.USERS, StoreNames.CTR};

    private FeatureStateTopology() {
    }

    /** Adds the state builders to {@code topology}; returns the topology for chaining. */
    public static Topology addTo(Topology topology, AppTopics topics) {
        addGlobal(topology, StoreNames.ADS, topics.promotedContent,
                (Record<Long, PromotedContent> r, KeyValueStore<Long, PromotedContent> s) -> s.put(r.key(), r.value()));
        addGlobal(topology, StoreNames.DOCUMENTS, topics.documentsMeta,
                (Record<Long, DocumentMeta> r, KeyValueStore<Long, DocumentMeta> s) -> s.put(r.key(), r.value()));

        topology.addSource("page-views-source", topics.pageViews.keySerde().deserializer(),
                topics.pageViews.valueSerde().deserializer(), topics.pageViews.name());
        topology.addProcessor("user-state", UserStateProcessor::new, "page-views-source");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.USERS),
                Serdes.String(), StateSerdes.userState()), "user-state");

        topology.addSource(LABELS_SOURCE, topics.labels.keySerde().deserializer(),
                topics.labels.valueSerde().deserializer(), topics.labels.name());
        topology.addProcessor("ctr-state", CtrStateProcessor::new, LABELS_SOURCE);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.CTR),
                Serdes.String(), StateSerdes.ctrCounts()), "ctr-state");
        return topology;
    }

    /** A read-only feature view for a processor connected to {@link #READ_STORES}. */
    public static FeatureState stateOf(ProcessorContext<?, ?> context) {
        return new StoreFeatureState(context);
    }

    private interface GlobalUpdate<K, V> {
        void apply(Record<K, V> record, KeyValueStore<K, V> store);
    }

    private static <K, V> void addGlobal(Topology topology, String store, Topic<K, V> topic,
            GlobalUpdate<K, V> update) {
        StoreBuilder<KeyValueStore<K, V>> builder = Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(store), topic.keySerde(), topic.valueSerde()).withLoggingDisabled();
        topology.addGlobalStore(builder, store + "-source", topic.keySerde().deserializer(),
                topic.valueSerde().deserializer(), topic.name(), store + "-loader",
                () -> new Processor<K, V, Void, Void>() {
                    private KeyValueStore<K, V> kv;

                    @Override
                    public void init(ProcessorContext<Void, Void> context) {
                        kv = context.getStateStore(store);
                    }

                    @Override
                    public void process(Record<K, V> record) {
                        if (record.key() != null && record.value() != null) {
                            update.apply(record, kv);
                        }
                    }
                });
    }

    /** Page view → the user's state. */
    static final class UserStateProcessor implements Processor<String, PageView, Void, Void> {
        private KeyValueStore<String, UserState> users;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            users = context.getStateStore(StoreNames.USERS);
        }

        @Override
        public void process(Record<String, PageView> record) {
            PageView view = record.value();
            if (view == null) {
                return;
            }
            UserState current = users.get(view.getUuid());
            users.put(view.getUuid(), (current == null ? UserState.EMPTY : current).withView(view.getDocumentId()));
        }
    }

    /** Released label → CTR counts of every key of every ad of the display. */
    static final class CtrStateProcessor implements Processor<String, Label, Void, Void> {
        private KeyValueStore<String, CtrCounts> ctr;
        private KeyValueStore<Long, PromotedContent> ads;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            ctr = context.getStateStore(StoreNames.CTR);
            ads = context.getStateStore(StoreNames.ADS);
        }

        @Override
        public void process(Record<String, Label> record) {
            Label label = record.value();
            if (label == null) {
                return;
            }
            Set<Long> clicked = new HashSet<>(label.getClickedAdIds());
            for (Long ad : new HashSet<>(label.getAdIds())) {
                List<String> keys = CtrKeys.keysOf(ad, ads.get(ad));
                for (String key : keys) {
                    CtrCounts c = ctr.get(key);
                    ctr.put(key, (c == null ? CtrCounts.ZERO : c).plus(clicked.contains(ad)));
                }
            }
        }
    }
}
