package dev.wnd.features.state;

import dev.wnd.features.fn.FeatureFunctions;
import dev.wnd.schemas.avro.PageView;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the system knows about a user from their page views before now, as the seed's user profile
 * ({@code preproc2.py}): the views that count, the documents viewed and tf-idf-ready aspect profiles. Immutable.
 *
 * <p>As in the seed, a view counts (in {@link #views()}, the profiles and {@link #hasViewed(long)}) only when its
 * document has metadata and at least one topic, entity or category. Every view, counted or not, is remembered in
 * {@link #documents()} for the traffic source of a later display on that page.
 *
 * <p>Bounded: the {@link #MAX_DOCUMENTS} most recently viewed distinct documents and at most
 * {@link AspectKind#profileCapacity()} aspects per kind. Serialized by {@link StateSerdes#userState()}.
 *
 * @param views page views that counted
 * @param documents the most recent view of each remembered document, least recently viewed first
 * @param profiles the aspect profile of each kind
 */
public record UserState(long views, List<ViewedDocument> documents, Map<AspectKind, AspectProfile> profiles) {

    /** Distinct documents remembered per user; the least recently viewed is forgotten first. */
    public static final int MAX_DOCUMENTS = 256;

    /** A user never seen before. */
    public static final UserState EMPTY = new UserState(0, List.of(), Map.of());

    public UserState {
        documents = List.copyOf(documents);
        EnumMap<AspectKind, AspectProfile> copy = new EnumMap<>(AspectKind.class);
        for (AspectKind kind : AspectKind.values()) {
            copy.put(kind, profiles.getOrDefault(kind, AspectProfile.EMPTY));
        }
        profiles = java.util.Collections.unmodifiableMap(copy);
    }

    /** The profile of one aspect kind (possibly empty). */
    public AspectProfile profile(AspectKind kind) {
        return profiles.get(kind);
    }

    /**
     * This state after one more page view.
     *
     * @param view the page view
     * @param known whether the viewed document has metadata (the seed drops views of documents without)
     * @param aspects the viewed document's aspects of each kind
     */
    public UserState withView(PageView view, boolean known, Map<AspectKind, DocAspects> aspects) {
        boolean profiled = known && aspects.values().stream().anyMatch(a -> !a.isEmpty());
        ViewedDocument seen = new ViewedDocument(view.getDocumentId(), FeatureFunctions.day(view.getTimestamp()),
                FeatureFunctions.platformIndex(view.getPlatform()) + 1, FeatureFunctions.geoHash(view.getGeoLocation()),
                FeatureFunctions.trafficSourceIndex(view.getTrafficSource()) + 1, profiled);
        List<ViewedDocument> docs = new ArrayList<>(documents.size() + 1);
        for (ViewedDocument d : documents) {
            if (d.documentId() != seen.documentId()) {
                docs.add(d);
            }
        }
        docs.add(seen);
        while (docs.size() > MAX_DOCUMENTS) {
            docs.remove(0);
        }
        if (!profiled) {
            return new UserState(views, docs, profiles);
        }
        EnumMap<AspectKind, AspectProfile> next = new EnumMap<>(AspectKind.class);
        for (AspectKind kind : AspectKind.values()) {
            next.put(kind, profile(kind).plus(aspects.getOrDefault(kind, DocAspects.EMPTY), kind.profileCapacity()));
        }
        return new UserState(views + 1, docs, next);
    }

    /** Whether a counted view of this document is remembered (the seed's {@code document_id in doc_ids}). */
    public boolean hasViewed(long documentId) {
        for (ViewedDocument d : documents) {
            if (d.documentId() == documentId && d.profiled()) {
                return true;
            }
        }
        return false;
    }

    /** The most recent view of this document, or null when none is remembered. */
    public ViewedDocument lastView(long documentId) {
        for (int i = documents.size() - 1; i >= 0; i--) {
            if (documents.get(i).documentId() == documentId) {
                return documents.get(i);
            }
        }
        return null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UserState u && u.views == views && u.documents.equals(documents)
                && u.profiles.equals(profiles);
    }

    @Override
    public int hashCode() {
        return Objects.hash(views, documents, profiles);
    }
}
