package dev.wnd.model;

import java.util.Arrays;

/**
 * Numbers the distinct rows of one batch in order of first appearance: {@link #intern} gives a row's position
 * among the distinct rows seen since the last {@link #clear}. An open-addressing table sized to the batch, not to
 * the table the rows index: a scorer's batch of a few rows then stays in the CPU cache, where a per-table array of
 * millions of entries (what this replaces) cost a cache miss per slot and 13% of the scorer's stream thread.
 *
 * <p>Scratch state: not thread-safe, one per encoder.
 */
final class RowInterner {

    private static final int EMPTY = -1;

    private int[] keys = new int[0];
    private int[] positions = new int[0];
    private int mask;
    private int[] rows = new int[64];
    private int size;

    /** Makes room for up to {@code distinct} rows without resizing; call before a batch, after {@link #clear}. */
    void reserve(int distinct) {
        int capacity = Integer.highestOneBit(Math.max(16, distinct * 2 - 1)) << 1;
        if (keys.length < capacity) {
            keys = new int[capacity];
            positions = new int[capacity];
            Arrays.fill(keys, EMPTY);
            mask = capacity - 1;
        }
        if (rows.length < distinct) {
            rows = new int[distinct];
        }
    }

    /** The position of {@code row} (≥ 0) among the distinct rows interned since the last clear, adding it if new. */
    int intern(int row) {
        int slot = (row * 0x9E3779B9) >>> 7 & mask;
        while (true) {
            int key = keys[slot];
            if (key == row) {
                return positions[slot];
            }
            if (key == EMPTY) {
                keys[slot] = row;
                positions[slot] = size;
                if (size == rows.length) {
                    rows = Arrays.copyOf(rows, size * 2);
                }
                rows[size] = row;
                return size++;
            }
            slot = (slot + 1) & mask;
        }
    }

    int size() {
        return size;
    }

    /** The distinct rows in order of first appearance. */
    int[] rows() {
        return Arrays.copyOf(rows, size);
    }

    /** Forgets every row: touches only the slots this batch used. */
    void clear() {
        if (size * 8 > keys.length) {
            Arrays.fill(keys, EMPTY);
        } else {
            for (int i = 0; i < size; i++) {
                int slot = (rows[i] * 0x9E3779B9) >>> 7 & mask;
                while (keys[slot] != rows[i]) {
                    slot = (slot + 1) & mask;
                }
                keys[slot] = EMPTY;
            }
        }
        size = 0;
    }
}
