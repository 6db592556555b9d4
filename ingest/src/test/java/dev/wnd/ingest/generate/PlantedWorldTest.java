package dev.wnd.ingest.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class PlantedWorldTest {

    @Test
    void shouldMakeWorldZeroTheOriginalClickModel() {
        PlantedWorld w = PlantedWorld.draw(0);

        assertThat(w).isEqualTo(PlantedWorld.seedWorld());
        assertThat(w.plantedEffects()).containsExactly("ad", "campaign", "platform_x_advertiser", "user_x_topic",
                "page_x_topic", "freshness");
        assertThat(w.userTopicWeight()).isEqualTo(1.8);
        assertThat(w.pageSimilarityWeight()).isEqualTo(1.2);
        assertThat(w.freshnessDays()).isEqualTo(7.0);
        assertThat(w.labelNoise()).isZero();
        assertThat(GeneratorConfig.defaults(20_000, 1, w)).isEqualTo(GeneratorConfig.defaults(20_000, 1));
    }

    @Test
    void shouldDrawTheSameWorldForTheSameSeedAndDifferentWorldsForOthers() {
        assertThat(PlantedWorld.draw(7)).isEqualTo(PlantedWorld.draw(7));

        List<PlantedWorld> worlds = LongStream.rangeClosed(1, 40).mapToObj(PlantedWorld::draw).toList();
        Set<List<String>> effectSets = new HashSet<>();
        Set<String> everPlanted = new HashSet<>();
        for (PlantedWorld w : worlds) {
            assertThat(w.plantedEffects()).hasSizeGreaterThanOrEqualTo(PlantedWorld.MIN_EFFECTS);
            assertThat(w.labelNoise()).isBetween(0.0, 0.3);
            assertThat(w.meanAdsPerDisplay()).isBetween(3.0, 9.0);
            assertThat(w.pageViewsPerDisplay()).isBetween(0.5, 8.0);
            effectSets.add(w.plantedEffects());
            everPlanted.addAll(w.plantedEffects());
        }
        assertThat(effectSets).as("which effects are planted varies").hasSizeGreaterThan(20);
        assertThat(everPlanted).as("every effect is planted in some world")
                .containsExactlyInAnyOrderElementsOf(PlantedWorld.seedWorld().effects().keySet());
        assertThat(worlds.stream().map(PlantedWorld::adSd).distinct().count()).isGreaterThan(20);
    }

    @Test
    void shouldCarryTheWorldsShapeIntoTheDefaultConfig() {
        PlantedWorld w = PlantedWorld.draw(3);

        GeneratorConfig c = GeneratorConfig.defaults(20_000, 1, w);

        assertThat(c.world()).isEqualTo(w);
        assertThat(c.meanAdsPerDisplay()).isEqualTo(w.meanAdsPerDisplay());
        assertThat(c.pageViewsPerDisplay()).isEqualTo(w.pageViewsPerDisplay());
        assertThat(c.withSeed(2).world()).isEqualTo(w);
    }

    @Test
    void shouldRefuseStrengthsOutOfRange() {
        assertThatThrownBy(() -> new PlantedWorld(1, -0.1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 7, 0, 0, 5, 2))
                .hasMessageContaining("effect strengths");
        assertThatThrownBy(() -> new PlantedWorld(1, 0.5, 0, 0, 0, 1, 0, 0, 0, 0, 0, 7, 0, 0.95, 5, 2))
                .hasMessageContaining("labelNoise");
        assertThatThrownBy(() -> new PlantedWorld(1, 0.5, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 5, 2))
                .hasMessageContaining("freshnessDays");
    }
}
