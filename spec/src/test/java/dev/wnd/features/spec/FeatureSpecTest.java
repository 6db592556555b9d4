package dev.wnd.features.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class FeatureSpecTest {

    @Test
    void shouldMatchTheSeedsFeatureCountsAndDeepWidth() {
        FeatureSpec seed = FeatureSpec.seed();
        assertThat(seed.categorical()).hasSize(22);
        assertThat(seed.categorical().stream().filter(CategoricalFeature::indicator)).hasSize(5);
        assertThat(seed.numeric()).hasSize(32);
        assertThat(seed.categorical().stream().filter(f -> f.group() == FeatureGroup.REQUEST)).hasSize(15);
        assertThat(seed.numeric().stream().filter(f -> f.group() == FeatureGroup.REQUEST)).hasSize(16);
        assertThat(seed.deepInputWidth()).isEqualTo(1328);
        assertThat(seed.categoricalSlots()).isEqualTo(16 + 2 * (6 + 3 + 3));
    }

    @Test
    void shouldLayOutSlotsInSpecOrder() {
        FeatureSpec seed = FeatureSpec.seed();
        int entity = seed.categoricalIndex("doc_event_entity_id");
        int topic = seed.categoricalIndex("doc_event_topic_id");
        assertThat(seed.slotOffset(topic) - seed.slotOffset(entity)).isEqualTo(6);
        assertThat(seed.slotOffset(0)).isZero();
    }

    @Test
    void shouldKeepTheSameHashForAnEqualSpecAndChangeItForAnyDifference() {
        FeatureSpec a = FeatureSpec.seed();
        assertThat(FeatureSpec.seed().hash()).isEqualTo(a.hash()).hasSize(16);
        FeatureSpec other = new FeatureSpec(a.version(), a.categorical().subList(1, 22), a.numeric());
        assertThat(other.hash()).isNotEqualTo(a.hash());
    }

    @Test
    void shouldRejectDuplicateFeatureNames() {
        CategoricalFeature f = new CategoricalFeature("x", FeatureGroup.ITEM, 10, 4, 1);
        assertThatThrownBy(() -> new FeatureSpec("v", List.of(f, f), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duplicate");
    }
}
