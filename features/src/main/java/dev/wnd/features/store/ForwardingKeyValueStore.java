package dev.wnd.features.store;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * A key-value store that forwards every call to the store it wraps; layers override what they change. Its builder
 * forwards the caching and logging choices to the wrapped store's builder, so Streams creates the same changelog.
 *
 * <p>It forwards the record-cache hooks too ({@link CachedStateStore}): Streams flushes the record cache of every
 * registered store that has them while it prepares a commit, before the producer is flushed and the transaction
 * committed. This layer is the store Streams registers, so without them the record cache beneath would be flushed
 * only after the commit, into the next transaction, and a crash in between would leave the changelog behind the
 * committed offsets.
 *
 * @param <K> key type
 * @param <V> value type
 */
abstract class ForwardingKeyValueStore<K, V> implements KeyValueStore<K, V>, CachedStateStore<K, V> {

    /** The wrapped store. */
    protected final KeyValueStore<K, V> store;

    protected ForwardingKeyValueStore(KeyValueStore<K, V> store) {
        this.store = store;
    }

    /**
     * Called before the store beneath answers a read in full (iterators, counts, queries) and before it is flushed or
     * committed: a layer that holds writes back writes them to the store beneath here. Does nothing by default.
     */
    protected void writeHeldWrites() {
    }

    @Override
    public V get(K key) {
        return store.get(key);
    }

    @Override
    public void put(K key, V value) {
        store.put(key, value);
    }

    @Override
    public V putIfAbsent(K key, V value) {
        return store.putIfAbsent(key, value);
    }

    @Override
    public void putAll(List<KeyValue<K, V>> entries) {
        for (KeyValue<K, V> e : entries) {
            put(e.key, e.value);
        }
    }

    @Override
    public V delete(K key) {
        return store.delete(key);
    }

    @Override
    public KeyValueIterator<K, V> range(K from, K to) {
        writeHeldWrites();
        return store.range(from, to);
    }

    @Override
    public KeyValueIterator<K, V> reverseRange(K from, K to) {
        writeHeldWrites();
        return store.reverseRange(from, to);
    }

    @Override
    public KeyValueIterator<K, V> all() {
        writeHeldWrites();
        return store.all();
    }

    @Override
    public KeyValueIterator<K, V> reverseAll() {
        writeHeldWrites();
        return store.reverseAll();
    }

    @Override
    public long approximateNumEntries() {
        writeHeldWrites();
        return store.approximateNumEntries();
    }

    @Override
    public String name() {
        return store.name();
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        store.init(context, root);
    }

    @Override
    @SuppressWarnings("deprecation")
    public void flush() {
        writeHeldWrites();
        store.flush();
    }

    @Override
    public void commit(Map<TopicPartition, Long> changelogOffsets) {
        writeHeldWrites();
        store.commit(changelogOffsets);
    }

    @Override
    public Long committedOffset(TopicPartition partition) {
        return store.committedOffset(partition);
    }

    @Override
    public boolean managesOffsets() {
        return store.managesOffsets();
    }

    @Override
    public void close() {
        store.close();
    }

    @Override
    public boolean persistent() {
        return store.persistent();
    }

    @Override
    public boolean isOpen() {
        return store.isOpen();
    }

    @Override
    public <R> QueryResult<R> query(Query<R> query, PositionBound bound, QueryConfig config) {
        writeHeldWrites();
        return store.query(query, bound, config);
    }

    @Override
    public long approximateNumUncommittedBytes() {
        return store.approximateNumUncommittedBytes();
    }

    @Override
    public Position getPosition() {
        return store.getPosition();
    }

    @Override
    @SuppressWarnings("unchecked")
    public boolean setFlushListener(CacheFlushListener<K, V> listener, boolean sendOldValues) {
        return store instanceof CachedStateStore<?, ?> cached
                && ((CachedStateStore<K, V>) cached).setFlushListener(listener, sendOldValues);
    }

    @Override
    public void flushCache() {
        if (store instanceof CachedStateStore<?, ?> cached) {
            cached.flushCache();
        }
    }

    @Override
    public void clearCache() {
        if (store instanceof CachedStateStore<?, ?> cached) {
            cached.clearCache();
        }
    }

    /** A builder of {@code layer} over the store {@code inner} builds. */
    static <K, V> StoreBuilder<KeyValueStore<K, V>> builder(StoreBuilder<KeyValueStore<K, V>> inner,
            java.util.function.Function<KeyValueStore<K, V>, KeyValueStore<K, V>> layer) {
        return new Builder<>(inner, layer);
    }

    private static final class Builder<K, V> implements StoreBuilder<KeyValueStore<K, V>> {
        private final StoreBuilder<KeyValueStore<K, V>> inner;
        private final java.util.function.Function<KeyValueStore<K, V>, KeyValueStore<K, V>> layer;

        Builder(StoreBuilder<KeyValueStore<K, V>> inner,
                java.util.function.Function<KeyValueStore<K, V>, KeyValueStore<K, V>> layer) {
            this.inner = inner;
            this.layer = layer;
        }

        @Override
        public StoreBuilder<KeyValueStore<K, V>> withCachingEnabled() {
            inner.withCachingEnabled();
            return this;
        }

        @Override
        public StoreBuilder<KeyValueStore<K, V>> withCachingDisabled() {
            inner.withCachingDisabled();
            return this;
        }

        @Override
        public StoreBuilder<KeyValueStore<K, V>> withLoggingEnabled(Map<String, String> config) {
            inner.withLoggingEnabled(config);
            return this;
        }

        @Override
        public StoreBuilder<KeyValueStore<K, V>> withLoggingDisabled() {
            inner.withLoggingDisabled();
            return this;
        }

        @Override
        public KeyValueStore<K, V> build() {
            return layer.apply(inner.build());
        }

        @Override
        public Map<String, String> logConfig() {
            return inner.logConfig();
        }

        @Override
        public boolean loggingEnabled() {
            return inner.loggingEnabled();
        }

        @Override
        public String name() {
            return inner.name();
        }
    }
}
