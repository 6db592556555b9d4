package dev.wnd.ingest.inspect;

import java.util.BitSet;
import java.util.HashSet;
import java.util.Set;

/**
 * A set of ids: a bit set for the dense range {@code [0, 2^28)} where Outbrain ids live (32 MiB at most), a hash set
 * for anything else. Not thread-safe.
 */
final class IdSet {

    static final long DENSE_LIMIT = 1L << 28;

    private final BitSet dense = new BitSet();
    private final Set<Long> sparse = new HashSet<>();

    void add(long id) {
        if (id >= 0 && id < DENSE_LIMIT) {
            dense.set((int) id);
        } else {
            sparse.add(id);
        }
    }

    boolean contains(long id) {
        return id >= 0 && id < DENSE_LIMIT ? dense.get((int) id) : sparse.contains(id);
    }

    long size() {
        return dense.cardinality() + (long) sparse.size();
    }

    /** How many ids of this set are not in {@code other}. */
    long countNotIn(IdSet other) {
        BitSet missing = (BitSet) dense.clone();
        missing.andNot(other.dense);
        long n = missing.cardinality();
        for (Long id : sparse) {
            if (!other.sparse.contains(id)) {
                n++;
            }
        }
        return n;
    }

    /** How many ids of this set are in neither {@code a} nor {@code b}. */
    long countNotInEither(IdSet a, IdSet b) {
        BitSet missing = (BitSet) dense.clone();
        missing.andNot(a.dense);
        missing.andNot(b.dense);
        long n = missing.cardinality();
        for (Long id : sparse) {
            if (!a.sparse.contains(id) && !b.sparse.contains(id)) {
                n++;
            }
        }
        return n;
    }

    /** How many ids are in both sets. */
    long countIn(IdSet other) {
        BitSet both = (BitSet) dense.clone();
        both.and(other.dense);
        long n = both.cardinality();
        for (Long id : sparse) {
            if (other.sparse.contains(id)) {
                n++;
            }
        }
        return n;
    }
}
