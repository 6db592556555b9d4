package dev.wnd.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wnd.schemas.avro.Example;
import dev.wnd.schemas.avro.Split;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchTest {

    private static Example example(long ad, int label, List<Integer> cat, List<Float> num) {
        return new Example(1L, ad, 0L, label, Split.TRAIN, "h", cat, num);
    }

    @Test
    void shouldLayOutExamplesRowMajorWithTheirLabels() {
        Batch b = Batch.fromExamples(List.of(example(1, 0, List.of(3, -1), List.of(0.5f)),
                example(2, 1, List.of(4, 7), List.of(0.25f))));
        assertThat(b.size()).isEqualTo(2);
        assertThat(b.categorical()).containsExactly(3, -1, 4, 7);
        assertThat(b.numeric()).containsExactly(0.5f, 0.25f);
        assertThat(b.labels()).containsExactly(0f, 1f);
    }

    @Test
    void shouldRejectExamplesOfDifferentLayoutsNamingTheOddOne() {
        assertThatThrownBy(() -> Batch.fromExamples(List.of(example(1, 0, List.of(3, -1), List.of(0.5f)),
                example(2, 1, List.of(4), List.of(0.25f)))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ad 2");
        assertThatThrownBy(() -> Batch.fromExamples(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
