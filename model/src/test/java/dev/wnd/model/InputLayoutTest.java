package dev.wnd.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wnd.features.spec.FeatureSpec;
import org.junit.jupiter.api.Test;

class InputLayoutTest {

    @Test
    void shouldLayOutTheSeedSpecInOneFusedEmbeddingTable() {
        InputLayout layout = new InputLayout(FeatureSpec.seed());
        assertThat(layout.unit).isEqualTo(64);
        // 3 features of width 128 (2 sub-rows each) and 14 of width 64
        assertThat(layout.chunks).isEqualTo(3 * 2 + 14);
        assertThat(layout.embeddingRows).isEqualTo(2 * (300_000 + 100_000 + 250_000)
                + 4_000 + 2_500 + 2_000 + 1_000 + 300 + 10_000 + 350 + 100 + 4_000 + 2_500 + 1_000 + 350 + 10_000
                + 100);
        assertThat(layout.indicatorWidth).isEqualTo(16);
        assertThat(layout.chunks * layout.unit + layout.denseWidth).isEqualTo(1328);
        // [7 embeddings (2 x 128 + 5 x 64) | 5 indicators | 10 embeddings | 32 numerics]
        assertThat(layout.deepSegments).containsExactly(new int[] {0, 0, 576}, new int[] {1, 0, 16},
                new int[] {0, 576, 1280}, new int[] {1, 16, 48});
    }

    @Test
    void shouldPutEachCrossAfterTheFeaturesInTheWideTableWithOneRowPerPairOfBuckets() {
        // tiny: a (10), b (7), m (5), ind (3); crosses a × ind and b × a
        InputLayout layout = new InputLayout(TestSpecs.tiny());
        assertThat(layout.wideTables).extracting(InputLayout.WideTable::name)
                .containsExactly("a", "b", "m", "ind", "a_x_ind", "b_x_a");
        assertThat(layout.wideTables.get(4)).isEqualTo(new InputLayout.WideTable("a_x_ind", 25, 30));
        assertThat(layout.wideTables.get(5)).isEqualTo(new InputLayout.WideTable("b_x_a", 55, 70));
        assertThat(layout.wideRows).isEqualTo(125);
        assertThat(layout.wideSlots).as("slots plus one per cross").isEqualTo(6 + 2);

        int[] cat = {4, 6, 1, -1, 0, 2};    // a=4, b=6, m={1,-,0}, ind=2
        assertThat(layout.crossRow(0, cat, 0)).isEqualTo(25 + 4 * 3 + 2);
        assertThat(layout.crossRow(1, cat, 0)).isEqualTo(55 + 6 * 10 + 4);
        int[] noInd = {4, 6, 1, -1, 0, -1};
        assertThat(layout.crossRow(0, noInd, 0)).as("an empty feature, no cross").isEqualTo(-1);
        assertThat(layout.crossRow(1, noInd, 0)).isEqualTo(55 + 6 * 10 + 4);
    }

    @Test
    void shouldUseTheEmbeddingsAsTheWholeDeepInputWhenThereIsNothingElse() {
        FeatureSpec spec = new FeatureSpec("plain", java.util.List.of(
                new dev.wnd.features.spec.CategoricalFeature("a", dev.wnd.features.spec.FeatureGroup.REQUEST, 5, 4, 1),
                new dev.wnd.features.spec.CategoricalFeature("b", dev.wnd.features.spec.FeatureGroup.ITEM, 5, 6, 1)),
                java.util.List.of());
        InputLayout layout = new InputLayout(spec);
        assertThat(layout.unit).isEqualTo(2);
        assertThat(layout.deepSegments).containsExactly(new int[] {0, 0, 10});
        assertThat(layout.embeddingRows).isEqualTo(5 * 2 + 5 * 3);
    }
}
