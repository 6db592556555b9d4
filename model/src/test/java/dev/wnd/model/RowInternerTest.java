package dev.wnd.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RowInternerTest {

    @Test
    void shouldNumberDistinctRowsInOrderOfFirstAppearance() {
        RowInterner interner = new RowInterner();
        interner.reserve(4);

        assertThat(interner.intern(700_000)).isEqualTo(0);
        assertThat(interner.intern(3)).isEqualTo(1);
        assertThat(interner.intern(700_000)).isEqualTo(0);
        assertThat(interner.intern(0)).isEqualTo(2);

        assertThat(interner.rows()).containsExactly(700_000, 3, 0);
    }

    @Test
    void shouldStartEmptyAfterClearAndAgreeWithAMapOverManyBatches() {
        RowInterner interner = new RowInterner();
        Random random = new Random(5);
        for (int batch = 0; batch < 200; batch++) {
            int draws = 1 + random.nextInt(batch % 2 == 0 ? 50 : 5_000);
            interner.reserve(draws);
            Map<Integer, Integer> expected = new LinkedHashMap<>();
            for (int i = 0; i < draws; i++) {
                int row = random.nextInt(batch % 3 == 0 ? 100 : 2_000_000);
                int position = interner.intern(row);
                assertThat(position).isEqualTo(expected.computeIfAbsent(row, r -> expected.size()));
            }
            assertThat(interner.rows()).containsExactly(expected.keySet().stream().mapToInt(Integer::intValue).toArray());
            interner.clear();
            assertThat(interner.size()).isZero();
        }
    }
}
