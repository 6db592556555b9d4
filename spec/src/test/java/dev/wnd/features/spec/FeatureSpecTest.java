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
    void shouldAddTheCampaignAsAnItemOneHotToTheSeedsFeaturesInTheStandardSpec() {
        FeatureSpec seed = FeatureSpec.seed();
        FeatureSpec standard = FeatureSpec.standard();

        assertThat(standard.categorical()).hasSize(23);
        assertThat(standard.numeric()).isEqualTo(seed.numeric());
        CategoricalFeature campaign = standard.categorical().get(standard.categoricalIndex(FeatureSpec.CAMPAIGN));
        assertThat(campaign).isEqualTo(new CategoricalFeature("ad_campaign_id", FeatureGroup.ITEM, 5_000, 128, 1));
        assertThat(standard.categorical().stream().filter(f -> !f.name().equals(FeatureSpec.CAMPAIGN)).toList())
                .isEqualTo(seed.categorical());
        // Request features stay first: the scorer shares a request's columns between its ads.
        assertThat(standard.categorical().stream().map(CategoricalFeature::group).toList())
                .isSortedAccordingTo(java.util.Comparator.comparing(FeatureGroup::ordinal));
        assertThat(standard.deepInputWidth()).isEqualTo(1328 + 128);
        assertThat(standard.hasCategorical(FeatureSpec.CAMPAIGN)).isTrue();
        assertThat(seed.hasCategorical(FeatureSpec.CAMPAIGN)).isFalse();
        assertThat(standard.hash()).isNotEqualTo(seed.hash());
        assertThat(standard.crosses()).isEmpty();
        assertThat(seed.crosses()).isEmpty();
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
    void shouldAcceptCrossesOfOneHotFeaturesOnlyAndFingerprintThem() {
        CategoricalFeature a = new CategoricalFeature("a", FeatureGroup.REQUEST, 10, 4, 1);
        CategoricalFeature b = new CategoricalFeature("b", FeatureGroup.ITEM, 7, 4, 1);
        CategoricalFeature multi = new CategoricalFeature("m", FeatureGroup.ITEM, 5, 4, 3);
        List<CategoricalFeature> cats = List.of(a, b, multi);
        FeatureSpec plain = new FeatureSpec("v", cats, List.of());
        FeatureSpec crossed = new FeatureSpec("v", cats, List.of(), List.of(new CrossedFeature("a_x_b", "a", "b")));

        assertThat(crossed.crosses()).containsExactly(new CrossedFeature("a_x_b", "a", "b"));
        assertThat(crossed.hash()).isNotEqualTo(plain.hash());
        assertThat(new FeatureSpec("v", cats, List.of(), List.of()).hash()).isEqualTo(plain.hash());
        assertThatThrownBy(() -> new FeatureSpec("v", cats, List.of(), List.of(new CrossedFeature("x", "a", "m"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("m is not a one-hot");
        assertThatThrownBy(() -> new FeatureSpec("v", cats, List.of(), List.of(new CrossedFeature("x", "a", "zz"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("zz is not a one-hot");
        assertThatThrownBy(() -> new FeatureSpec("v", cats, List.of(), List.of(new CrossedFeature("b", "a", "m"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duplicate feature b");
        assertThatThrownBy(() -> new CrossedFeature("x", "a", "a")).isInstanceOf(IllegalArgumentException.class);
        CategoricalFeature huge = new CategoricalFeature("h", FeatureGroup.ITEM, 1 << 20, 4, 1);
        assertThatThrownBy(() -> new FeatureSpec("v", List.of(huge, new CategoricalFeature("g", FeatureGroup.ITEM,
                1 << 5, 4, 1)), List.of(), List.of(new CrossedFeature("x", "h", "g"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("more than");
    }

    @Test
    void shouldRejectDuplicateFeatureNames() {
        CategoricalFeature f = new CategoricalFeature("x", FeatureGroup.ITEM, 10, 4, 1);
        assertThatThrownBy(() -> new FeatureSpec("v", List.of(f, f), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duplicate");
    }
}
