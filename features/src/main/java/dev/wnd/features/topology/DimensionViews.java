package dev.wnd.features.topology;

import dev.wnd.features.store.KeepRule;

import dev.wnd.features.store.WriteCountingKeyValueStore;
import dev.wnd.features.state.AspectKind;
import dev.wnd.features.state.DocAspects;
import dev.wnd.features.util.LongObjectMap;
import dev.wnd.schemas.avro.DocumentMeta;
import dev.wnd.schemas.avro.PromotedContent;
import java.util.EnumMap;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Readers of the global dimension stores (promoted content, document metadata, aspects), one set per stream thread,
 * shared by every processor and task that thread runs. Each reader keeps the values it deserialized (see
 * {@link DimensionStore}); a page view, a label and a display of the same document used to read and keep it three
 * times, once per processor, and such first reads (a RocksDB read each) were 15% of the features stream thread over a
 * 100,000-display replay, whose 25,000 documents keep being met for the first time.
 *
 * <p>One instance per topology build, handed to the processors that read dimensions. Thread-safe by confinement:
 * each stream thread gets its own readers, built from the first context it asks with; a thread asking with the
 * stores of another application instance (a new {@code KafkaStreams} over the same topology, as tests do) gets new
 * readers.
 */
public final class DimensionViews {

    private final ThreadLocal<View> perThread = new ThreadLocal<>();

    /** The calling thread's readers, over the global stores {@code context} hands out. */
    View on(ProcessorContext<?, ?> context) {
        KeyValueStore<Long, PromotedContent> ads = context.getStateStore(StoreNames.ADS);
        WriteCountingKeyValueStore<?, ?> identity = WriteCountingKeyValueStore.under(ads);
        View view = perThread.get();
        if (view == null || identity == null || view.adsCounting != identity) {
            view = new View(context, ads, identity);
            if (identity != null) {
                perThread.set(view);
            }
        }
        return view;
    }

    /** One thread's readers. */
    static final class View {

        private static final Object UNKNOWN_AD = new Object();

        private final KeyValueStore<Long, PromotedContent> ads;
        private final WriteCountingKeyValueStore<?, ?> adsCounting;
        private final KeepRule adsKeepRule;
        private final LongObjectMap<Object> keptAds = new LongObjectMap<>();
        private final DimensionStore documents;
        private final Map<AspectKind, DimensionStore> aspects = new EnumMap<>(AspectKind.class);

        private View(ProcessorContext<?, ?> context, KeyValueStore<Long, PromotedContent> ads,
                WriteCountingKeyValueStore<?, ?> adsCounting) {
            this.ads = ads;
            this.adsCounting = adsCounting;
            this.adsKeepRule = new KeepRule(adsCounting);
            this.documents = new DimensionStore(
                    context.<KeyValueStore<Bytes, byte[]>>getStateStore(StoreNames.DOCUMENTS));
            for (AspectKind kind : AspectKind.values()) {
                aspects.put(kind, new DimensionStore(
                        context.<KeyValueStore<Bytes, byte[]>>getStateStore(StoreNames.aspects(kind))));
            }
        }

        PromotedContent ad(long adId) {
            if (!adsKeepRule.enabled()) {
                return ads.get(adId);
            }
            if (adsKeepRule.mustForget(keptAds.size())) {
                keptAds.clear();
            }
            Object kept = keptAds.get(adId);
            if (kept == null) {
                PromotedContent read = ads.get(adId);
                kept = read == null ? UNKNOWN_AD : read;
                keptAds.put(adId, kept);
            }
            return kept == UNKNOWN_AD ? null : (PromotedContent) kept;
        }

        DocumentMeta document(long documentId) {
            return documents.meta(documentId);
        }

        long documentCount() {
            return documents.total();
        }

        DocAspects aspects(AspectKind kind, long documentId) {
            return aspects.get(kind).aspects(documentId);
        }

        long documentFrequency(AspectKind kind, long aspectKey) {
            return aspects.get(kind).frequency(aspectKey);
        }

        long aspectVocabulary(AspectKind kind) {
            return aspects.get(kind).total();
        }
    }
}
