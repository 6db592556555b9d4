package dev.wnd.features.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LongObjectMapTest {

    @Test
    void shouldAgreeWithHashMapOverRandomPutsAndRemovesOnCollidingKeys() {
        LongObjectMap<Long> map = new LongObjectMap<>();
        Map<Long, Long> expected = new HashMap<>();
        Random random = new Random(42);
        for (int step = 0; step < 200_000; step++) {
            // Few distinct keys, multiples of a power of two among them: long probe runs, many backward shifts.
            long key = random.nextInt(3) == 0 ? random.nextInt(64) * 1024L : random.nextInt(2_000) - 100;
            switch (random.nextInt(3)) {
                case 0, 1 -> assertThat(map.put(key, (long) step)).isEqualTo(expected.put(key, (long) step));
                default -> assertThat(map.remove(key)).isEqualTo(expected.remove(key));
            }
            assertThat(map.size()).isEqualTo(expected.size());
        }
        for (long key = -200; key < 70_000; key++) {
            assertThat(map.get(key)).isEqualTo(expected.get(key));
        }
    }

    @Test
    void shouldKeepKeyZeroLikeAnyOther() {
        LongObjectMap<String> map = new LongObjectMap<>();
        assertThat(map.get(0)).isNull();
        assertThat(map.put(0, "zero")).isNull();
        assertThat(map.put(0, "nought")).isEqualTo("zero");
        assertThat(map.get(0)).isEqualTo("nought");
        assertThat(map.size()).isEqualTo(1);
        assertThat(map.remove(0)).isEqualTo("nought");
        assertThat(map.isEmpty()).isTrue();
    }

    @Test
    void shouldRemoveKeyWhenPutWithNull() {
        LongObjectMap<String> map = new LongObjectMap<>();
        map.put(7, "seven");
        assertThat(map.put(7, null)).isEqualTo("seven");
        assertThat(map.get(7)).isNull();
        assertThat(map.size()).isZero();
    }

    @Test
    void shouldGrowPastItsExpectedSizeAndForgetEverythingOnClear() {
        LongObjectMap<Integer> map = new LongObjectMap<>(4);
        for (int i = 1; i <= 10_000; i++) {
            map.put(i * 31L, i);
        }
        assertThat(map.size()).isEqualTo(10_000);
        assertThat(map.get(31L * 5_000)).isEqualTo(5_000);
        map.clear();
        assertThat(map.size()).isZero();
        assertThat(map.get(31L * 5_000)).isNull();
    }

    @Test
    void shouldRejectNegativeExpectedSize() {
        assertThatThrownBy(() -> new LongObjectMap<>(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
    }
}
