package dev.wnd.features.store;

import dev.wnd.features.util.LongObjectMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * A task store with a bounded cache of deserialized values in front of it, written back at commit: the store
 * beneath (metered, change-logged RocksDB, as {@link org.apache.kafka.streams.state.Stores#keyValueStoreBuilder}
 * builds it) receives each changed key once per commit instead of once per update. A CTR key that forty labels
 * touch between two commits is serialized and written once, not forty times. This layer replaces Streams' record
 * cache for its store: build the store beneath without one, or every write-back pays for it twice (a sorted insert
 * into the byte-keyed cache, then its flush).
 *
 * <p>Write-back and exactly-once: Streams calls {@link #flushCache()} on every registered store while it prepares a
 * commit, before it flushes the producer and commits the transaction with the input offsets. This layer is the
 * registered store, so it writes every changed key to the store beneath there, then flushes that store's record
 * cache: the changelog records of all updates are in the transaction that commits the offsets of the records
 * that caused them. A key that leaves the cache (least recently used, beyond {@code capacity}) while changed is
 * written back first. On a dirty close or {@link #clearCache()} (a task aborted or revived) the unwritten changes
 * are dropped with the transaction that would have carried them, and the store is restored from its changelog.
 * Each write-back runs under the record context of the update it carries, as Streams' own record cache does when
 * it flushes, so the changelog record keeps that update's timestamp and headers (through Streams' internal context
 * when the store is given one; other contexts, as in unit tests, have no record context to keep).
 *
 * <p>Reads are served from the cache, absent keys included; iterating queries ({@code range}, {@code all}, ...)
 * write back first and then read the store beneath. While the cache holds every key of the store beneath (that
 * store was empty when the cache started, and no key has been evicted since), a key it does not hold is absent,
 * and reading it needs no lookup beneath: a fresh application creates most of its keys this way (on a replay, a
 * RocksDB lookup per new CTR key was 15% of the features' stream thread; docs/benchmarks-history.md#absent-keys-without-a-rocksdb-lookup). The cache is emptied
 * when the store is (re)initialized or closed, so a task that restores or revives its state starts cold.
 * Eviction is CLOCK (second chance): a read sets a key's bit, and the hand, looking for a key to replace, clears
 * set bits and replaces the first key without one. An approximate LRU whose hits write one boolean, where an
 * access-ordered map relinks its entries.
 *
 * <p>A store with {@code Long} keys can index its slots by the primitive key ({@link #longKeyedBuilder}), in an
 * open-addressing table instead of a {@code HashMap} of boxed keys: fewer cache misses per lookup, which is what a
 * CTR lookup costs.
 *
 * <p>Confined to the stream thread of its task, like every task store (no interactive queries on these stores).
 * Values must be immutable: callers get the cached instance.
 *
 * @param <K> key type (with value equality)
 * @param <V> value type, immutable
 */
public final class ObjectCachingKeyValueStore<K, V> extends ForwardingKeyValueStore<K, V> {

    private static final Object ABSENT = new Object();
    /** The record context of an update made where there is none to keep. */
    private static final Object NO_CONTEXT = new Object();

    /** One cached key. */
    private static final class Slot<K> {
        final K key;
        /** The value, or {@link #ABSENT}. */
        Object value;
        /** Read since the hand last passed. */
        boolean referenced;
        /** The record context of the last update not yet written back; null when clean. */
        Object dirtyContext;

        Slot(K key, Object value) {
            this.key = key;
            this.value = value;
        }
    }

    private final int capacity;
    /** The slots by key; null when {@link #longSlots} indexes them. */
    private final Map<K, Slot<K>> slots;
    /** The slots by primitive key, for {@code Long} keys; null when {@link #slots} indexes them. */
    private final LongObjectMap<Slot<K>> longSlots;
    /** The clock: every cached slot once, grown up to {@code capacity}. */
    private Object[] ring;
    private int used;
    private int hand;
    /**
     * The slot last found or inserted: a read-modify-write ({@code get}, then {@code put} of the same key, as every
     * CTR count and marker update does) finds it without a second table lookup.
     */
    private Slot<K> last;
    /** Slots changed since the last write-back; an evicted one is written back at once and left here clean. */
    private final List<Slot<K>> dirty = new ArrayList<>();
    private InternalProcessorContext<?, ?> internal;

    /** What the cache knows of the keys beneath. */
    private enum Coverage {
        /** Not looked yet since the cache started; it looks at its first access, after any restore. */
        UNKNOWN,
        /** Every key of the store beneath is cached: the store was empty and nothing has been evicted since. */
        ALL_KEYS,
        /** Keys beneath may be missing from the cache. */
        SOME_KEYS
    }

    private Coverage coverage = Coverage.UNKNOWN;

    ObjectCachingKeyValueStore(KeyValueStore<K, V> store, int capacity) {
        this(store, capacity, false);
    }

    private ObjectCachingKeyValueStore(KeyValueStore<K, V> store, int capacity, boolean longKeys) {
        super(store);
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
        }
        this.capacity = capacity;
        this.slots = longKeys ? null : new HashMap<>(Math.min(capacity, 1 << 16));
        this.longSlots = longKeys ? new LongObjectMap<>(Math.min(capacity, 1 << 10)) : null;
        this.ring = new Object[Math.min(capacity, 1 << 10)];
    }

    /**
     * A builder of this layer over the store {@code inner} builds, keeping at most {@code capacity} values. Build
     * {@code inner} without Streams' record cache: this layer is the cache.
     */
    public static <K, V> StoreBuilder<KeyValueStore<K, V>> builder(StoreBuilder<KeyValueStore<K, V>> inner, int capacity) {
        return ForwardingKeyValueStore.builder(inner, store -> new ObjectCachingKeyValueStore<>(store, capacity));
    }

    /** As {@link #builder}, for a store with {@code Long} keys: the cache indexes them unboxed. */
    public static <V> StoreBuilder<KeyValueStore<Long, V>> longKeyedBuilder(
            StoreBuilder<KeyValueStore<Long, V>> inner, int capacity) {
        return ForwardingKeyValueStore.builder(inner, store -> new ObjectCachingKeyValueStore<>(store, capacity, true));
    }

    @Override
    @SuppressWarnings("unchecked")
    public V get(K key) {
        Slot<K> slot = slot(key);
        if (slot != null) {
            slot.referenced = true;
            return slot.value == ABSENT ? null : (V) slot.value;
        }
        V value = coversAllKeys() ? null : store.get(key);
        insert(key, value == null ? ABSENT : value);
        return value;
    }

    @Override
    public void put(K key, V value) {
        Object cached = value == null ? ABSENT : value;
        Slot<K> slot = slot(key);
        if (slot == null) {
            slot = insert(key, cached);
        } else {
            slot.value = cached;
        }
        if (slot.dirtyContext == null) {
            dirty.add(slot);
        }
        slot.dirtyContext = currentContext();
    }

    @Override
    public V putIfAbsent(K key, V value) {
        V current = get(key);
        if (current == null) {
            put(key, value);
        }
        return current;
    }

    @Override
    public V delete(K key) {
        V old = get(key);
        put(key, null);
        return old;
    }

    @Override
    public void flushCache() {
        writeBackAll();
        super.flushCache();
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        forget();
        internal = context instanceof InternalProcessorContext<?, ?> c ? c : null;
        super.init(context, root);
    }

    @Override
    public void clearCache() {
        forget();
        super.clearCache();
    }

    @Override
    public void close() {
        forget();
        super.close();
    }

    private void forget() {
        coverage = Coverage.UNKNOWN;
        last = null;
        if (slots != null) {
            slots.clear();
        } else {
            longSlots.clear();
        }
        Arrays.fill(ring, null);
        used = 0;
        hand = 0;
        dirty.clear();
    }

    /** Caches a key not cached yet, replacing the first slot the hand finds unread if the cache is full. */
    @SuppressWarnings("unchecked")
    private Slot<K> insert(K key, Object cached) {
        coversAllKeys(); // decided before this cache's first write-back can fill the store beneath
        Slot<K> slot = new Slot<>(key, cached);
        if (used < capacity) {
            if (used == ring.length) {
                ring = Arrays.copyOf(ring, (int) Math.min(capacity, 2L * ring.length));
            }
            ring[used++] = slot;
        } else {
            Slot<K> victim = (Slot<K>) ring[hand];
            while (victim.referenced) {
                victim.referenced = false;
                hand = (hand + 1) % capacity;
                victim = (Slot<K>) ring[hand];
            }
            coverage = Coverage.SOME_KEYS;
            if (slots != null) {
                slots.remove(victim.key);
            } else {
                longSlots.remove((Long) victim.key);
            }
            if (victim.dirtyContext != null) {
                Object context = victim.dirtyContext;
                victim.dirtyContext = null;
                writeBack(victim.key, victim.value, context);
            }
            ring[hand] = slot;
            hand = (hand + 1) % capacity;
        }
        if (slots != null) {
            slots.put(key, slot);
        } else {
            longSlots.put((Long) key, slot);
        }
        last = slot;
        return slot;
    }

    /**
     * Whether every key beneath is cached. Decided at the first access after the cache started: Streams restores a
     * store after initializing it and before any processor can reach it, so the store is looked at as restored.
     */
    private boolean coversAllKeys() {
        if (coverage == Coverage.UNKNOWN) {
            try (KeyValueIterator<K, V> any = store.all()) {
                coverage = any.hasNext() ? Coverage.SOME_KEYS : Coverage.ALL_KEYS;
            }
        }
        return coverage == Coverage.ALL_KEYS;
    }

    private Slot<K> slot(K key) {
        Slot<K> memo = last;
        if (memo != null && memo.key.equals(key)) {
            return memo;
        }
        Slot<K> found = slots != null ? slots.get(key) : longSlots.get((Long) key);
        if (found != null) {
            last = found;
        }
        return found;
    }

    private Object currentContext() {
        Object context = internal == null ? null : internal.recordContext();
        return context == null ? NO_CONTEXT : context;
    }

    /** Writes every changed key back (before iterating reads, flushes and commits; see the superclass). */
    @Override
    protected void writeHeldWrites() {
        writeBackAll();
    }

    private void writeBackAll() {
        if (dirty.isEmpty()) {
            return;
        }
        for (Slot<K> slot : dirty) { // writing to the store beneath never comes back to this layer
            if (slot.dirtyContext != null) {
                Object context = slot.dirtyContext;
                slot.dirtyContext = null;
                writeBack(slot.key, slot.value, context);
            }
        }
        dirty.clear();
    }

    /** Writes {@code cached} (a value or {@link #ABSENT}) to the store beneath under the update's record context. */
    @SuppressWarnings("unchecked")
    private void writeBack(K key, Object cached, Object context) {
        V value = cached == ABSENT ? null : (V) cached;
        if (internal == null || context == NO_CONTEXT) {
            store.put(key, value);
            return;
        }
        ProcessorRecordContext current = internal.recordContext();
        internal.setRecordContext((ProcessorRecordContext) context);
        try {
            store.put(key, value);
        } finally {
            internal.setRecordContext(current);
        }
    }
}
