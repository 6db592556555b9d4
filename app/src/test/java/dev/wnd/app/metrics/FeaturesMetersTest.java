package dev.wnd.app.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class FeaturesMetersTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final FeaturesMeters meters = new FeaturesMeters(registry);

    @Test
    void shouldCountProducedExamplesPerSplit() {
        meters.examplesEmitted(false, 4);
        meters.examplesEmitted(false, 3);
        meters.examplesEmitted(true, 5);

        assertThat(registry.get(FeaturesMeters.EXAMPLES_PRODUCED).tag("split", "train").counter().count())
                .isEqualTo(7);
        assertThat(registry.get(FeaturesMeters.EXAMPLES_PRODUCED).tag("split", "validation").counter().count())
                .isEqualTo(5);
    }

    @Test
    void shouldCountDeadLetters() {
        meters.deadLettered("labels");

        assertThat(registry.get(StageMetrics.DEAD_LETTERS).counter().count()).isEqualTo(1);
    }
}
