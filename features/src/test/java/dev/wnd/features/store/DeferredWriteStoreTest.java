package dev.wnd.features.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The layer that holds a task store's writes for RocksDB: the latest value per key waits in memory and reaches the
 * store beneath in one batch when enough waits, when Streams flushes or commits the store, or before an iterating
 * read; reads see what waits; a close without a flush drops it (the changelog has it).
 */
class DeferredWriteStoreTest {

    private final MockProcessorContext<Void, Void> context = new MockProcessorContext<>();
    private Recording beneath;
    private DeferredWriteStore deferred;

    @BeforeEach
    void open() {
        beneath = new Recording(Stores.inMemoryKeyValueStore("ctr").get());
        deferred = new DeferredWriteStore(beneath, 1L << 20);
        deferred.init(context.getStateStoreContext(), deferred);
    }

    @Test
    void shouldWriteTheLatestValueOfEachKeyInOneBatchWhenFlushed() {
        deferred.put(key("ad:1"), value("5"));
        deferred.put(key("ad:2"), value("7"));
        deferred.put(key("ad:1"), value("6"));
        deferred.delete(key("ad:2"));
        assertThat(deferred.putIfAbsent(key("ad:3"), value("1"))).isNull();
        assertThat(deferred.putIfAbsent(key("ad:3"), value("2"))).isEqualTo(value("1"));

        assertThat(beneath.calls).as("nothing written yet").isEmpty();
        assertThat(deferred.get(key("ad:1"))).isEqualTo(value("6"));
        assertThat(deferred.get(key("ad:2"))).isNull();

        deferred.flush();

        assertThat(beneath.calls).containsExactly("putAll 3", "flush");
        assertThat(contents(beneath)).containsExactly("ad:1=6", "ad:3=1");
        deferred.flush();
        assertThat(beneath.calls).as("nothing left to write").containsExactly("putAll 3", "flush", "flush");
    }

    @Test
    void shouldWriteWhatWaitsBeforeTheStoreBeneathRecordsItsChangelogOffsets() {
        deferred.put(key("ad:1"), value("5"));

        deferred.commit(Map.of(new TopicPartition("features-ctr-changelog", 0), 41L));

        assertThat(beneath.calls).containsExactly("putAll 1", "commit {features-ctr-changelog-0=41}");
    }

    @Test
    void shouldWriteOnceTheWaitingBytesReachTheLimit() {
        DeferredWriteStore small = new DeferredWriteStore(beneath, 200);
        small.init(context.getStateStoreContext(), small);
        small.put(key("ad:1"), new byte[50]);
        small.put(key("ad:1"), new byte[60]);                // the same key: replaced, not added
        assertThat(beneath.calls).isEmpty();

        small.put(key("ad:2"), new byte[60]);                // 2 × (4 + 60 + 64 per entry) ≥ 200

        assertThat(beneath.calls).containsExactly("putAll 2");
        small.put(key("ad:3"), new byte[1]);
        assertThat(beneath.calls).as("counting starts again").containsExactly("putAll 2");
    }

    @Test
    void shouldLetIteratingReadsSeeWhatWaits() {
        beneath.put(key("ad:0"), value("1"));
        deferred.put(key("ad:1"), value("2"));
        deferred.delete(key("ad:0"));

        assertThat(contents(deferred)).containsExactly("ad:1=2");
        assertThat(deferred.approximateNumEntries()).isEqualTo(1);
    }

    @Test
    void shouldReadThroughToTheStoreBeneathForKeysThatDoNotWait() {
        beneath.put(key("ad:0"), value("1"));

        assertThat(deferred.get(key("ad:0"))).isEqualTo(value("1"));
        deferred.put(key("ad:0"), value("2"));
        assertThat(deferred.get(key("ad:0"))).isEqualTo(value("2"));
        assertThat(beneath.get(key("ad:0"))).isEqualTo(value("1"));
    }

    @Test
    void shouldDropWhatWaitsWhenClosedWithoutAFlushAsAfterACrash() {
        deferred.put(key("ad:1"), value("5"));

        deferred.close();

        assertThat(beneath.calls).containsExactly("close");
    }

    @Test
    void shouldWorkOverRocksDbUnderStreamsOwnLayers(@TempDir File stateDir) {
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "wnd-features");
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
        MockProcessorContext<Void, Void> onDisk = new MockProcessorContext<>(config, new TaskId(0, 0), stateDir);
        KeyValueStore<String, Long> store = Stores.keyValueStoreBuilder(
                DeferredWriteStore.persistent("users", 1L << 20), Serdes.String(), Serdes.Long())
                .withLoggingDisabled().build();
        store.init(onDisk.getStateStoreContext(), store);
        try {
            store.put("u1", 3L);
            store.put("u2", 4L);
            store.delete("u1");
            assertThat(store.get("u2")).isEqualTo(4L);
            store.put("u3", 5L);
            try (KeyValueIterator<String, Long> all = store.all()) {  // writes what waits, then iterates RocksDB
                List<KeyValue<String, Long>> entries = new ArrayList<>();
                all.forEachRemaining(entries::add);
                assertThat(entries).containsExactly(KeyValue.pair("u2", 4L), KeyValue.pair("u3", 5L));
            }
            store.put("u3", 6L);
            store.flush();
            assertThat(store.get("u1")).isNull();
            assertThat(store.get("u3")).isEqualTo(6L);
        } finally {
            store.close();
        }
    }

    private static Bytes key(String key) {
        return Bytes.wrap(key.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] value(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> contents(KeyValueStore<Bytes, byte[]> store) {
        List<String> out = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
            it.forEachRemaining(e -> out.add(new String(e.key.get(), StandardCharsets.UTF_8) + "="
                    + new String(e.value, StandardCharsets.UTF_8)));
        }
        return out;
    }

    /** A store beneath that records the batches, flushes, commits and closes it receives. */
    private static final class Recording extends ForwardingKeyValueStore<Bytes, byte[]> {
        final List<String> calls = new ArrayList<>();

        Recording(KeyValueStore<Bytes, byte[]> store) {
            super(store);
        }

        @Override
        public void putAll(List<KeyValue<Bytes, byte[]>> entries) {
            calls.add("putAll " + entries.size());
            store.putAll(entries);
        }

        @Override
        @SuppressWarnings("deprecation")
        public void flush() {
            calls.add("flush");
            super.flush();
        }

        @Override
        public void commit(Map<TopicPartition, Long> changelogOffsets) {
            calls.add("commit " + changelogOffsets);
            super.commit(changelogOffsets);
        }

        @Override
        public void close() {
            calls.add("close");
            super.close();
        }
    }
}
