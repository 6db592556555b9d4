package dev.wnd.features.topology;

import dev.wnd.features.state.CtrCounts;
import dev.wnd.features.state.FeatureState;
import dev.wnd.features.state.UserState;
import dev.wnd.schemas.avro.DocumentMeta;
import dev.wnd.schemas.avro.PromotedContent;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;

/** {@link FeatureState} over the state stores of a processor's task. Confined to the task's thread. */
final class StoreFeatureState implements FeatureState {

    private final KeyValueStore<Long, PromotedContent> ads;
    private final KeyValueStore<Long, DocumentMeta> documents;
    private final KeyValueStore<String, UserState> users;
    private final KeyValueStore<String, CtrCounts> ctr;

    StoreFeatureState(ProcessorContext<?, ?> context) {
        this.ads = context.getStateStore(StoreNames.ADS);
        this.documents = context.getStateStore(StoreNames.DOCUMENTS);
        this.users = context.getStateStore(StoreNames.USERS);
        this.ctr = context.getStateStore(StoreNames.CTR);
    }

    @Override
    public PromotedContent ad(long adId) {
        return ads.get(adId);
    }

    @Override
    public DocumentMeta document(long documentId) {
        return documents.get(documentId);
    }

    @Override
    public UserState user(String uuid) {
        UserState u = users.get(uuid);
        return u == null ? UserState.EMPTY : u;
    }

    @Override
    public CtrCounts ctr(String key) {
        CtrCounts c = ctr.get(key);
        return c == null ? CtrCounts.ZERO : c;
    }
}
