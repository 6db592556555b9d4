package dev.wnd.ingest.generate;

import java.io.IOException;
import java.util.Arrays;

/**
 * Page views waiting to be written in timestamp order: a binary min-heap of {@code timestamp << 32 | slot} over
 * primitive slot arrays, so that holding millions of pending views allocates nothing per view. Ties go by slot
 * number, which is deterministic.
 *
 * <p>What is pending is every view of the 6 hours before the display being drawn: at 100 views per display, about
 * 2.5 views per display of the data set (25 million for 10 million displays, 22 bytes each). Timestamps are below
 * 2<sup>31</sup> ms (24 days), so 32 bits are left for the slot, where 24 bits capped the pending views at 16
 * million.
 */
final class PageViewQueue {

    private static final int SLOT_BITS = 32;
    private static final long SLOT_MASK = (1L << SLOT_BITS) - 1;
    private static final long MAX_TIMESTAMP = (1L << (63 - SLOT_BITS)) - 1;
    /** The largest array a JVM allocates safely. */
    private static final int MAX_SLOTS = Integer.MAX_VALUE - 8;

    private long[] heap = new long[1024];
    private int size;
    private int[] user = new int[1024];
    private int[] doc = new int[1024];
    private byte[] platform = new byte[1024];
    private byte[] traffic = new byte[1024];
    private int[] free = new int[1024];
    private int freeCount;
    private int slots;

    void add(long timestamp, int userIndex, int docIndex, int platformValue, int trafficSource) {
        if (timestamp < 0 || timestamp > MAX_TIMESTAMP) {
            throw new IllegalArgumentException("page view timestamp must be in [0, " + MAX_TIMESTAMP + "], was "
                    + timestamp);
        }
        int slot;
        if (freeCount > 0) {
            slot = free[--freeCount];
        } else {
            if (slots == MAX_SLOTS) {
                throw new IllegalStateException("more than " + MAX_SLOTS + " page views pending");
            }
            slot = slots++;
            if (slot == user.length) {
                int n = (int) Math.min(2L * user.length, MAX_SLOTS);
                user = Arrays.copyOf(user, n);
                doc = Arrays.copyOf(doc, n);
                platform = Arrays.copyOf(platform, n);
                traffic = Arrays.copyOf(traffic, n);
                free = Arrays.copyOf(free, n);
            }
        }
        user[slot] = userIndex;
        doc[slot] = docIndex;
        platform[slot] = (byte) platformValue;
        traffic[slot] = (byte) trafficSource;
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, (int) Math.min(2L * size, MAX_SLOTS));
        }
        long key = timestamp << SLOT_BITS | slot;
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (heap[parent] <= key) {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = key;
    }

    /** Writes, in order, every pending view with timestamp below {@code limit} ({@link Long#MAX_VALUE}: all). */
    void writeBefore(long limit, World world, AsciiWriter out) throws IOException {
        while (size > 0 && (heap[0] >>> SLOT_BITS) < limit) {
            long key = heap[0];
            removeTop();
            int slot = (int) (key & SLOT_MASK);
            int u = user[slot];
            out.hex(world.userUuid[u], 14).comma().num(world.docId[doc[slot]]).comma().num(key >>> SLOT_BITS).comma()
                    .num(platform[slot]).comma().text(world.geos[world.userGeo[u]]).comma().num(traffic[slot])
                    .endRow();
            free[freeCount++] = slot;
        }
    }

    private void removeTop() {
        long last = heap[--size];
        int i = 0;
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            if (child + 1 < size && heap[child + 1] < heap[child]) {
                child++;
            }
            if (last <= heap[child]) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        if (size > 0) {
            heap[i] = last;
        }
    }
}
