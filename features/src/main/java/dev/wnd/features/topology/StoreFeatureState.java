package dev.wnd.features.topology;

import dev.wnd.features.state.AspectKind;
import dev.wnd.features.state.CtrCounts;
import dev.wnd.features.state.DocAspects;
import dev.wnd.features.state.FeatureState;
import dev.wnd.features.state.UserState;
import dev.wnd.schemas.avro.DocumentMeta;
import dev.wnd.schemas.avro.PromotedContent;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * {@link FeatureState} over the state stores of a processor's task, and over its thread's dimension readers
 * ({@link DimensionViews}). Confined to the task's thread.
 */
final class StoreFeatureState implements FeatureState {

    private final DimensionViews.View dimensions;
    private final KeyValueStore<String, UserState> users;
    private final KeyValueStore<Long, CtrCounts> ctr;

    /**
     * Over the global stores through {@code views}, and over the task stores only if {@code taskStores} (then the
     * processor must be connected to {@link FeatureStateTopology#READ_STORES}).
     */
    StoreFeatureState(ProcessorContext<?, ?> context, boolean taskStores, DimensionViews views) {
        this.dimensions = views.on(context);
        this.users = taskStores ? context.getStateStore(StoreNames.USERS) : null;
        this.ctr = taskStores ? context.getStateStore(StoreNames.CTR) : null;
    }

    @Override
    public PromotedContent ad(long adId) {
        return dimensions.ad(adId);
    }

    @Override
    public DocumentMeta document(long documentId) {
        return dimensions.document(documentId);
    }

    @Override
    public long documentCount() {
        return dimensions.documentCount();
    }

    @Override
    public DocAspects aspects(AspectKind kind, long documentId) {
        return dimensions.aspects(kind, documentId);
    }

    @Override
    public long documentFrequency(AspectKind kind, long aspectKey) {
        return dimensions.documentFrequency(kind, aspectKey);
    }

    @Override
    public long aspectVocabulary(AspectKind kind) {
        return dimensions.aspectVocabulary(kind);
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
