package dev.wnd.features.topology;

import dev.wnd.features.store.WriteCountingKeyValueStore;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wnd.features.state.AspectKind;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * The dimension readers a stream thread's processors share: one set per thread and per application instance, so a
 * document row is deserialized and kept once per thread, not once per processor.
 */
class DimensionViewsTest {

    @Test
    void shouldGiveEveryProcessorOfAThreadTheSameReaders() {
        DimensionViews views = new DimensionViews();
        MockProcessorContext<Void, Void> pageViews = contextOverGlobalStores();
        MockProcessorContext<Void, Void> displays = withSameStores(pageViews);

        assertThat(views.on(displays)).isSameAs(views.on(pageViews));
    }

    @Test
    void shouldGiveAnotherThreadItsOwnReaders() throws Exception {
        DimensionViews views = new DimensionViews();
        MockProcessorContext<Void, Void> context = contextOverGlobalStores();
        DimensionViews.View mine = views.on(context);
        AtomicReference<DimensionViews.View> theirs = new AtomicReference<>();

        Thread other = new Thread(() -> theirs.set(views.on(context)));
        other.start();
        other.join();

        assertThat(theirs.get()).isNotNull().isNotSameAs(mine);
    }

    @Test
    void shouldGiveNewReadersOverTheStoresOfAnotherApplicationInstance() {
        DimensionViews views = new DimensionViews();
        DimensionViews.View first = views.on(contextOverGlobalStores());

        DimensionViews.View second = views.on(contextOverGlobalStores()); // a new KafkaStreams, new global stores

        assertThat(second).isNotSameAs(first);
    }

    private static MockProcessorContext<Void, Void> contextOverGlobalStores() {
        MockProcessorContext<Void, Void> context = new MockProcessorContext<>();
        context.addStateStore(counted(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(StoreNames.ADS),
                Serdes.Long(), Serdes.ByteArray())).build());
        context.addStateStore(counted(dimension(StoreNames.DOCUMENTS)).build());
        for (AspectKind kind : AspectKind.values()) {
            context.addStateStore(counted(dimension(StoreNames.aspects(kind))).build());
        }
        return context;
    }

    private static MockProcessorContext<Void, Void> withSameStores(MockProcessorContext<Void, Void> original) {
        MockProcessorContext<Void, Void> context = new MockProcessorContext<>();
        context.addStateStore(original.getStateStore(StoreNames.ADS));
        context.addStateStore(original.getStateStore(StoreNames.DOCUMENTS));
        for (AspectKind kind : AspectKind.values()) {
            context.addStateStore(original.getStateStore(StoreNames.aspects(kind)));
        }
        return context;
    }

    private static StoreBuilder<KeyValueStore<org.apache.kafka.common.utils.Bytes, byte[]>> dimension(String name) {
        return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.Bytes(), Serdes.ByteArray());
    }

    private static <K, V> StoreBuilder<KeyValueStore<K, V>> counted(StoreBuilder<KeyValueStore<K, V>> inner) {
        return WriteCountingKeyValueStore.builder(inner.withLoggingDisabled());
    }
}
