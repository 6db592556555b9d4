package dev.wnd.features.store;

/**
 * When a reader of a global store may use the values it deserialized earlier: only over a
 * {@link WriteCountingKeyValueStore}, and only until that store has been written since they were read (dimension
 * rows mostly come before the events that read them, so kept values usually live for the whole run). A reader that
 * keeps more than {@link #MAX_KEPT} values also starts over. The one rule for {@link DimensionStore}'s documents and
 * {@link DimensionViews}' ads. Confined to the reader's thread.
 */
public final class KeepRule {

    /** Values a reader keeps at most before starting over. */
    public static final int MAX_KEPT = 200_000;

    private final WriteCountingKeyValueStore<?, ?> counting;
    private long keptAtWrites = -1;

    /** @param counting the counting layer under the store read, or null (then nothing is kept) */
    public KeepRule(WriteCountingKeyValueStore<?, ?> counting) {
        this.counting = counting;
    }

    /** Whether the reader may keep values at all. */
    public boolean enabled() {
        return counting != null;
    }

    /**
     * Whether the reader must forget every value it kept, {@code kept} of them: the store was written since they were
     * read, or they are too many. What it keeps from then on counts as read now. Call only when {@link #enabled()}.
     */
    public boolean mustForget(int kept) {
        long writes = counting.writes();
        if (writes != keptAtWrites || kept > MAX_KEPT) {
            keptAtWrites = writes;
            return true;
        }
        return false;
    }
}
