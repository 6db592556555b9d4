package dev.wnd.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GcPausesTest {

    @Test
    void shouldPlaceACollectionInTheWallClockIntervalItRanIn() throws InterruptedException {
        GcPauses pauses = new GcPauses();
        long before = System.currentTimeMillis();
        System.gc();
        // The notification comes from the JVM's own thread, shortly after the collection.
        for (int i = 0; i < 100 && pauses.count() == 0; i++) {
            Thread.sleep(50);
        }
        long after = System.currentTimeMillis();
        pauses.close();

        assertThat(pauses.count()).isPositive();
        assertThat(pauses.overlaps(before, after)).isTrue();
        assertThat(pauses.overlaps(after + 60_000, after + 120_000)).isFalse();
        assertThat(pauses.overlaps(before - 120_000, before - 60_000)).isFalse();
        // The bench closes it to read it, then try-with-resources closes it again.
        pauses.close();
        assertThat(pauses.overlaps(before, after)).isTrue();
    }
}
