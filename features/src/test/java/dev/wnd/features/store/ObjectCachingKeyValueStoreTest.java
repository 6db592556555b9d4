package dev.wnd.features.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The object cache in front of a task store: changes are written back when Streams flushes the caches before a
 * commit (or when a changed key leaves the cache), dropped when an aborted task's cache is cleared; reads are served
 * from memory, and what the store beneath learns behind the cache's back (a restore) is seen after the next
 * initialization.
 */
class ObjectCachingKeyValueStoreTest {

    private final MockProcessorContext<Void, Void> context = new MockProcessorContext<>();
    private KeyValueStore<String, Long> beneath;
    private ObjectCachingKeyValueStore<String, Long> cached;

    @BeforeEach
    void open() {
        beneath = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("counts"), Serdes.String(), Serdes.Long())
                .withLoggingDisabled().build();
        cached = new ObjectCachingKeyValueStore<>(beneath, 2);
        cached.init(context.getStateStoreContext(), cached);
    }

    @Test
    void shouldWriteEachChangedKeyOnceWhenStreamsFlushesTheCacheBeforeACommit() {
        CountingStore counting = new CountingStore(beneath);
        ObjectCachingKeyValueStore<String, Long> layered = initialized(counting, 10);
        layered.put("ad:1", 5L);
        layered.put("ad:2", 7L);
        layered.put("ad:1", 6L);
        layered.delete("ad:2");
        assertThat(layered.putIfAbsent("ad:3", 1L)).isNull();
        assertThat(layered.putIfAbsent("ad:3", 2L)).isEqualTo(1L);

        assertThat(contents(beneath)).as("nothing written before the commit").isEmpty();
        assertThat(layered.get("ad:1")).isEqualTo(6L);
        assertThat(layered.get("ad:2")).isNull();
        assertThat(layered.get("ad:3")).isEqualTo(1L);

        layered.flushCache();

        assertThat(contents(beneath)).containsExactly(KeyValue.pair("ad:1", 6L), KeyValue.pair("ad:3", 1L));
        assertThat(counting.puts).as("one write per changed key, the delete as a tombstone")
                .containsExactlyInAnyOrder("ad:1=6", "ad:2=null", "ad:3=1");
        layered.flushCache();
        assertThat(counting.puts).as("nothing left to write").hasSize(3);
    }

    @Test
    void shouldWriteBackAChangedKeyBeforeItLeavesTheCache() {
        cached.put("ad:1", 1L);
        cached.put("ad:2", 2L);
        cached.put("ad:3", 3L);                      // capacity 2: "ad:1" leaves, written back first

        assertThat(contents(beneath)).containsExactly(KeyValue.pair("ad:1", 1L));
        assertThat(cached.get("ad:1")).isEqualTo(1L);
    }

    @Test
    void shouldIndexLongKeysUnboxedWithTheSameWriteBackAndEviction() {
        KeyValueStore<Long, Long> longKeyed = ObjectCachingKeyValueStore.longKeyedBuilder(Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore("ctr"), Serdes.Long(), Serdes.Long()).withLoggingDisabled(), 2).build();
        longKeyed.init(context.getStateStoreContext(), longKeyed);
        longKeyed.put(0L, 10L);
        longKeyed.put(-5L, 11L);
        longKeyed.put(Long.MIN_VALUE, 12L);          // capacity 2: key 0 leaves, written back first
        longKeyed.put(-5L, 13L);

        assertThat(contents(longKeyed)).as("iterating writes back the rest")
                .containsExactlyInAnyOrder(KeyValue.pair(Long.MIN_VALUE, 12L), KeyValue.pair(-5L, 13L),
                        KeyValue.pair(0L, 10L));
        assertThat(longKeyed.get(0L)).isEqualTo(10L);
        assertThat(longKeyed.get(7L)).isNull();
        assertThat(longKeyed.delete(-5L)).isEqualTo(13L);
        assertThat(longKeyed.get(-5L)).isNull();
    }

    @Test
    void shouldUpdateAKeyReadJustBeforeWithoutLosingItWhenItWasEvictedInBetween() {
        ObjectCachingKeyValueStore<String, Long> one = initialized(beneath, 1);
        one.put("ad:1", one.get("ad:1") == null ? 1L : 0L); // read, then update the same key: the last slot found
        assertThat(one.get("ad:2")).isNull();               // capacity 1: "ad:1" leaves, written back
        one.put("ad:1", 2L);                                // must not reuse the slot that left

        one.flushCache();
        assertThat(contents(beneath)).containsExactly(KeyValue.pair("ad:1", 2L));
        assertThat(one.get("ad:1")).isEqualTo(2L);
    }

    @Test
    void shouldDropUnwrittenChangesWhenTheTransactionIsAbortedAndTheCacheCleared() {
        cached.put("ad:1", 1L);
        cached.flushCache();
        cached.put("ad:1", 2L);
        cached.put("ad:2", 5L);

        cached.clearCache();                         // Streams: task corrupted, its transaction aborted

        assertThat(contents(beneath)).containsExactly(KeyValue.pair("ad:1", 1L));
        assertThat(cached.get("ad:1")).isEqualTo(1L);
        assertThat(cached.get("ad:2")).isNull();
    }

    @Test
    void shouldShowUnwrittenChangesToIteratingReads() {
        cached.put("ad:1", 1L);

        assertThat(contents(cached)).containsExactly(KeyValue.pair("ad:1", 1L));
        assertThat(cached.approximateNumEntries()).isEqualTo(1);
    }

    @Test
    void shouldServeCachedValuesUntilReinitializedAsAfterARestore() {
        // The cache reads "ad:1" once: absent.
        assertThat(cached.get("ad:1")).isNull();
        beneath.put("ad:1", 9L);
        assertThat(cached.get("ad:1")).as("still the cached answer").isNull();

        // Streams closes and initializes a store again to restore or revive it; the restore writes the store
        // beneath directly (after init has registered it), not through the cache.
        cached.close();
        cached.init(context.getStateStoreContext(), cached);
        beneath.put("ad:1", 9L);
        assertThat(cached.get("ad:1")).isEqualTo(9L);
    }

    @Test
    void shouldForgetAKeyNotReadSinceTheClockHandPassedBeyondItsCapacity() {
        cached.put("ad:1", 1L);
        cached.put("ad:2", 2L);
        cached.get("ad:1");
        cached.put("ad:3", 3L);                      // capacity 2: "ad:1" was read, gets a second chance; "ad:2" leaves

        beneath.put("ad:1", 10L);
        beneath.put("ad:2", 20L);
        assertThat(cached.get("ad:1")).as("kept").isEqualTo(1L);
        assertThat(cached.get("ad:2")).as("forgotten, read again").isEqualTo(20L);
    }

    @Test
    void shouldKeepKeysThatAreReadAgainWhileOthersComeAndGo() {
        ObjectCachingKeyValueStore<String, Long> three = initialized(beneath, 3);
        beneath.put("hot", 1L);
        for (int i = 0; i < 20; i++) {
            assertThat(three.get("hot")).isEqualTo(1L);
            three.get("cold:" + i);                  // absent keys, cached as absent, one after the other
        }
        beneath.put("hot", 2L);
        assertThat(three.get("hot")).as("never evicted, so still the cached value").isEqualTo(1L);
    }

    @Test
    void shouldNotLookBeneathForAKeyItNeverHeldWhileItHoldsEveryKeyOfAStoreThatStartedEmpty() {
        CountingStore counting = new CountingStore(beneath);
        ObjectCachingKeyValueStore<String, Long> layered = initialized(counting, 10);

        layered.put("ad:1", 1L);
        assertThat(layered.get("ad:2")).isNull();
        layered.flushCache();                        // "ad:1" is beneath now, and cached
        assertThat(layered.get("ad:3")).isNull();
        assertThat(layered.get("ad:1")).isEqualTo(1L);

        assertThat(counting.gets).as("every key beneath is cached, so a key not cached is absent").isZero();
    }

    @Test
    void shouldLookBeneathOnceItHasEvictedAKey() {
        CountingStore counting = new CountingStore(beneath);
        ObjectCachingKeyValueStore<String, Long> two = initialized(counting, 2);
        two.put("ad:1", 1L);
        two.put("ad:2", 2L);
        two.put("ad:3", 3L);                         // capacity 2: "ad:1" leaves, written back first

        assertThat(two.get("ad:1")).isEqualTo(1L);
        assertThat(counting.gets).isEqualTo(1);
    }

    @Test
    void shouldLookBeneathWhenTheStoreHeldKeysAtItsFirstAccess() {
        beneath.put("ad:1", 5L);                     // as a restore leaves it, before the first access
        CountingStore counting = new CountingStore(beneath);
        ObjectCachingKeyValueStore<String, Long> layered = initialized(counting, 10);

        assertThat(layered.get("ad:2")).isNull();
        assertThat(layered.get("ad:1")).isEqualTo(5L);
        assertThat(counting.gets).isEqualTo(2);
    }

    @Test
    void shouldLookAgainAtWhatIsBeneathAfterTheCacheIsCleared() {
        assertThat(cached.get("ad:1")).isNull();     // started empty: every key is cached
        cached.clearCache();                         // a revived task: the store is restored again
        beneath.put("ad:1", 7L);

        assertThat(cached.get("ad:1")).isEqualTo(7L);
    }

    @Test
    void shouldPassTheRecordCacheHooksToTheStoreBeneathSoItsCacheIsFlushedBeforeTheTransactionCommits() {
        RecordingHooks hooks = new RecordingHooks(beneath);
        ObjectCachingKeyValueStore<String, Long> layered = new ObjectCachingKeyValueStore<>(hooks, 2);
        layered.put("ad:1", 1L);

        // Streams calls these on the registered (outermost) store while preparing a commit, or on corruption.
        layered.flushCache();
        layered.clearCache();

        assertThat(hooks.calls).containsExactly("flushCache", "clearCache");
        beneath.put("ad:1", 2L);
        assertThat(layered.get("ad:1")).as("a cleared cache reads the store again").isEqualTo(2L);
    }

    /** A cache of {@code capacity} values over {@code store}, initialized as Streams does before a task runs. */
    private ObjectCachingKeyValueStore<String, Long> initialized(KeyValueStore<String, Long> store, int capacity) {
        ObjectCachingKeyValueStore<String, Long> layered = new ObjectCachingKeyValueStore<>(store, capacity);
        layered.init(context.getStateStoreContext(), layered);
        return layered;
    }

    /** A store beneath that records every put it receives and counts its point reads. */
    private static final class CountingStore extends ForwardingKeyValueStore<String, Long> {
        final List<String> puts = new ArrayList<>();
        int gets;

        CountingStore(KeyValueStore<String, Long> store) {
            super(store);
        }

        @Override
        public Long get(String key) {
            gets++;
            return super.get(key);
        }

        @Override
        public void put(String key, Long value) {
            puts.add(key + "=" + value);
            super.put(key, value);
        }
    }

    /** A store beneath that records the record-cache hooks it receives. */
    private static final class RecordingHooks extends ForwardingKeyValueStore<String, Long> {
        final List<String> calls = new ArrayList<>();

        RecordingHooks(KeyValueStore<String, Long> store) {
            super(store);
        }

        @Override
        public void flushCache() {
            calls.add("flushCache");
        }

        @Override
        public void clearCache() {
            calls.add("clearCache");
        }
    }

    private static <K> List<KeyValue<K, Long>> contents(KeyValueStore<K, Long> store) {
        List<KeyValue<K, Long>> out = new ArrayList<>();
        try (KeyValueIterator<K, Long> it = store.all()) {
            it.forEachRemaining(out::add);
        }
        return out;
    }
}
