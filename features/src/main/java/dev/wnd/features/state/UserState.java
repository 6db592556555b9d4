package dev.wnd.features.state;

import java.util.Arrays;

/**
 * What the system knows about a user from page views before now: how many pages they viewed and which documents
 * (the most recent {@link #MAX_DOCS}, for {@code user_has_already_viewed_doc}). Immutable.
 *
 * @param views page views seen
 * @param recentDocs viewed document ids, oldest first, at most {@link #MAX_DOCS}
 */
public record UserState(long views, long[] recentDocs) {

    /** Documents remembered per user; older ones are forgotten first. */
    public static final int MAX_DOCS = 256;

    /** A user never seen before. */
    public static final UserState EMPTY = new UserState(0, new long[0]);

    /** This state after one more page view of {@code documentId}. */
    public UserState withView(long documentId) {
        long[] docs;
        if (recentDocs.length < MAX_DOCS) {
            docs = Arrays.copyOf(recentDocs, recentDocs.length + 1);
        } else {
            docs = new long[MAX_DOCS];
            System.arraycopy(recentDocs, 1, docs, 0, MAX_DOCS - 1);
        }
        docs[docs.length - 1] = documentId;
        return new UserState(views + 1, docs);
    }

    /** Whether the user viewed this document (among the remembered ones). */
    public boolean viewed(long documentId) {
        for (long d : recentDocs) {
            if (d == documentId) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UserState u && u.views == views && Arrays.equals(u.recentDocs, recentDocs);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(views) * 31 + Arrays.hashCode(recentDocs);
    }

    @Override
    public String toString() {
        return "UserState[views=" + views + ", docs=" + Arrays.toString(recentDocs) + "]";
    }
}
