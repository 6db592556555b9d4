package dev.wnd.features.util;

import java.util.Arrays;

/**
 * A map from primitive {@code long} keys to objects, by open addressing with linear probing: the keys sit in one
 * {@code long[]} and the values beside them in one {@code Object[]}, so a lookup reads a key slot and its value,
 * where a {@code HashMap<Long, V>} follows a bucket, a node and a boxed key, each a cache miss on large maps. The
 * hot per-key state of the features (CTR counts, dimension rows kept by readers) is looked up tens of times per
 * display, so this is where the stream thread spent a third of its time (docs/benchmarks-history.md#64-bit-ctr-keys-generated-avro-coders-caches-sized-to-the-data, "Primitive CTR keys").
 *
 * <p>Null values are not stored ({@link #put} with null removes). Not thread-safe: confined to one thread, as
 * the task stores and readers that use it are.
 *
 * @param <V> value type
 */
public final class LongObjectMap<V> {

    private static final int MIN_CAPACITY = 16;

    private long[] keys;
    private Object[] values;
    private int mask;
    private int size;
    /** Key 0 marks a free slot in {@link #keys}, so its value lives here. */
    private Object zeroValue;

    public LongObjectMap() {
        this(MIN_CAPACITY);
    }

    /** @param expected entries it should hold without growing */
    public LongObjectMap(int expected) {
        if (expected < 0) {
            throw new IllegalArgumentException("expected must be >= 0, got " + expected);
        }
        allocate(tableSizeFor(expected));
    }

    /** The value of {@code key}, or null. */
    @SuppressWarnings("unchecked")
    public V get(long key) {
        if (key == 0) {
            return (V) zeroValue;
        }
        int i = index(key);
        while (true) {
            long k = keys[i];
            if (k == key) {
                return (V) values[i];
            }
            if (k == 0) {
                return null;
            }
            i = (i + 1) & mask;
        }
    }

    /** Maps {@code key} to {@code value}, or removes it when {@code value} is null; returns the previous value. */
    @SuppressWarnings("unchecked")
    public V put(long key, V value) {
        if (value == null) {
            return remove(key);
        }
        if (key == 0) {
            Object old = zeroValue;
            if (old == null) {
                size++;
            }
            zeroValue = value;
            return (V) old;
        }
        int i = index(key);
        while (true) {
            long k = keys[i];
            if (k == key) {
                Object old = values[i];
                values[i] = value;
                return (V) old;
            }
            if (k == 0) {
                keys[i] = key;
                values[i] = value;
                if (++size > (mask + 1) / 2) {
                    grow();
                }
                return null;
            }
            i = (i + 1) & mask;
        }
    }

    /** Removes {@code key}; returns its value, or null when it had none. */
    @SuppressWarnings("unchecked")
    public V remove(long key) {
        if (key == 0) {
            Object old = zeroValue;
            if (old != null) {
                size--;
            }
            zeroValue = null;
            return (V) old;
        }
        int i = index(key);
        while (true) {
            long k = keys[i];
            if (k == 0) {
                return null;
            }
            if (k == key) {
                Object old = values[i];
                size--;
                closeGap(i);
                return (V) old;
            }
            i = (i + 1) & mask;
        }
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** Removes every entry, keeping the table's size. */
    public void clear() {
        Arrays.fill(keys, 0L);
        Arrays.fill(values, null);
        zeroValue = null;
        size = 0;
    }

    /** Backward-shift deletion: moves later keys of the probe run into the freed slot, so no tombstones pile up. */
    private void closeGap(int free) {
        int gap = free;
        int i = (gap + 1) & mask;
        while (keys[i] != 0) {
            int home = index(keys[i]);
            // Move the key at i into the gap unless its home lies cyclically in (gap, i].
            boolean homeBetween = gap <= i ? gap < home && home <= i : gap < home || home <= i;
            if (!homeBetween) {
                keys[gap] = keys[i];
                values[gap] = values[i];
                gap = i;
            }
            i = (i + 1) & mask;
        }
        keys[gap] = 0;
        values[gap] = null;
    }

    private void grow() {
        long[] oldKeys = keys;
        Object[] oldValues = values;
        allocate(keys.length * 2);
        for (int j = 0; j < oldKeys.length; j++) {
            long k = oldKeys[j];
            if (k != 0) {
                int i = index(k);
                while (keys[i] != 0) {
                    i = (i + 1) & mask;
                }
                keys[i] = k;
                values[i] = oldValues[j];
            }
        }
    }

    private void allocate(int capacity) {
        keys = new long[capacity];
        values = new Object[capacity];
        mask = capacity - 1;
    }

    private int index(long key) {
        long h = key * 0x9E3779B97F4A7C15L; // Fibonacci hashing: sequential ids spread over the table
        return (int) (h ^ (h >>> 32)) & mask;
    }

    private static int tableSizeFor(int expected) {
        long wanted = Math.max(MIN_CAPACITY, 2L * expected);
        if (wanted > 1 << 30) {
            throw new IllegalArgumentException("too many entries: " + expected);
        }
        return Integer.highestOneBit((int) wanted - 1) << 1;
    }
}
