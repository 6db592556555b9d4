package dev.wnd.features.topology;

import dev.wnd.features.state.AspectKind;
import dev.wnd.features.state.CtrCounts;
import dev.wnd.features.state.DocAspects;
import dev.wnd.features.state.FeatureState;
import dev.wnd.features.state.UserState;
import dev.wnd.features.util.LongObjectMap;
import dev.wnd.schemas.avro.DocumentMeta;
import dev.wnd.schemas.avro.PromotedContent;
import java.util.EnumMap;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;

/** {@link FeatureState} over the state stores of a processor's task. Confined to the task's thread. */
final class StoreFeatureState implements FeatureState {

    private static final Object UNKNOWN_AD = new Object();

    private final KeyValueStore<Long, PromotedContent> ads;
    private final WriteCountingKeyValueStore<?, ?> adsCounting;
    private final LongObjectMap<Object> keptAds = new LongObjectMap<>();
    private long adsKeptAtWrites = -1;
    private final DimensionStore documents;
    private final Map<AspectKind, DimensionStore> aspects = new EnumMap<>(AspectKind.class);
    private final KeyValueStore<String, UserState> users;
    private final KeyValueStore<Long, CtrCounts> ctr;

    /** Over every store: the processor must be connected to {@link FeatureStateTopology#READ_STORES}. */
    StoreFeatureState(ProcessorContext<?, ?> context) {
        this(context, true);
    }

    /** Over the global stores, and over the task stores only if {@code taskStores}. */
    StoreFeatureState(ProcessorContext<?, ?> context, boolean taskStores) {
        this.ads = context.getStateStore(StoreNames.ADS);
        this.adsCounting = WriteCountingKeyValueStore.under(ads);
        this.documents = new DimensionStore(context.<KeyValueStore<Bytes, byte[]>>getStateStore(StoreNames.DOCUMENTS));
        for (AspectKind kind : AspectKind.values()) {
            aspects.put(kind, new DimensionStore(
                    context.<KeyValueStore<Bytes, byte[]>>getStateStore(StoreNames.aspects(kind))));
        }
        this.users = taskStores ? context.getStateStore(StoreNames.USERS) : null;
        this.ctr = taskStores ? context.getStateStore(StoreNames.CTR) : null;
    }

    @Override
    public PromotedContent ad(long adId) {
        if (adsCounting == null) {
            return ads.get(adId);
        }
        // Kept as the documents are (see DimensionStore): forgotten once the global store was written since.
        long writes = adsCounting.writes();
        if (writes != adsKeptAtWrites || keptAds.size() > DimensionStore.MAX_KEPT) {
            keptAds.clear();
            adsKeptAtWrites = writes;
        }
        Object kept = keptAds.get(adId);
        if (kept == null) {
            PromotedContent read = ads.get(adId);
            kept = read == null ? UNKNOWN_AD : read;
            keptAds.put(adId, kept);
        }
        return kept == UNKNOWN_AD ? null : (PromotedContent) kept;
    }

    @Override
    public DocumentMeta document(long documentId) {
        return documents.meta(documentId);
    }

    @Override
    public long documentCount() {
        return documents.total();
    }

    @Override
    public DocAspects aspects(AspectKind kind, long documentId) {
        return aspects.get(kind).aspects(documentId);
    }

    @Override
    public long documentFrequency(AspectKind kind, long aspectKey) {
        return aspects.get(kind).frequency(aspectKey);
    }

    @Override
    public long aspectVocabulary(AspectKind kind) {
        return aspects.get(kind).total();
    }

    @Override
    public UserState user(String uuid) {
        if (users == null) {
            throw new IllegalStateException("this view was built without the task stores");
        }
        UserState u = users.get(uuid);
        return u == null ? UserState.EMPTY : u;
    }

    @Override
    public CtrCounts ctr(long key) {
        if (ctr == null) {
            throw new IllegalStateException("this view was built without the task stores");
        }
        CtrCounts c = ctr.get(key);
        return c == null ? CtrCounts.ZERO : c;
    }
}
