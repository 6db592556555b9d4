package dev.wnd.ingest.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GeneratorConfigTest {

    @Test
    void shouldPinTheDefaults() {
        GeneratorConfig c = GeneratorConfig.defaults(1_000_000, 7);

        assertThat(c).isEqualTo(new GeneratorConfig(1_000_000, 7, 15, 2, 0.1, 5.0, 500_000, 250_000, 50_000, 2.0,
                0.1, 0.001, 0.02, 0.02));
        assertThat(GeneratorConfig.defaults(10, 1).documents()).isEqualTo(200);
        assertThat(GeneratorConfig.defaults(10, 1).ads()).isEqualTo(40);
        assertThat(c.withSeed(8).seed()).isEqualTo(8);
    }

    @Test
    void shouldRefuseInvalidSettings() {
        GeneratorConfig ok = GeneratorConfig.defaults(100, 1);
        assertThatThrownBy(() -> GeneratorConfig.defaults(5, 1)).hasMessageContaining("displays");
        assertThatThrownBy(() -> new GeneratorConfig(100, 1, 15, 15, 0.1, 5, 10, 200, 40, 2, 0, 0, 0, 0))
                .hasMessageContaining("testTailDays");
        assertThatThrownBy(() -> new GeneratorConfig(100, 1, 15, 2, 0.1, 13, 10, 200, 40, 2, 0, 0, 0, 0))
                .hasMessageContaining("meanAdsPerDisplay");
        assertThatThrownBy(() -> new GeneratorConfig(100, 1, 15, 2, 0.1, 5, 10, 200, 11, 2, 0, 0, 0, 0))
                .hasMessageContaining("ads");
        assertThatThrownBy(() -> new GeneratorConfig(100, 1, 15, 2, Double.NaN, 5, 10, 200, 40, 2, 0, 0, 0, 0))
                .hasMessageContaining("testFraction");
        assertThat(ok.displays()).isEqualTo(100);
    }

    @Test
    void shouldAllowUpToAHundredPageViewsPerDisplayAndRefuseMore() {
        GeneratorConfig c = GeneratorConfig.defaults(100, 1);

        assertThat(c.withPageViewsPerDisplay(100).pageViewsPerDisplay()).isEqualTo(100);
        assertThat(c.withPageViewsPerDisplay(0).pageViewsPerDisplay()).isZero();
        assertThat(c.withPageViewsPerDisplay(60)).as("only the page views change")
                .isEqualTo(new GeneratorConfig(100, 1, 15, 2, 0.1, 5.0, 50, 200, 40, 60, 0.1, 0.001, 0.02, 0.02));
        assertThatThrownBy(() -> c.withPageViewsPerDisplay(100.5))
                .hasMessage("pageViewsPerDisplay must be in [0, 100], was 100.5");
        assertThatThrownBy(() -> c.withPageViewsPerDisplay(-1)).hasMessageContaining("pageViewsPerDisplay");
        assertThatThrownBy(() -> c.withPageViewsPerDisplay(Double.NaN)).hasMessageContaining("pageViewsPerDisplay");
    }
}
