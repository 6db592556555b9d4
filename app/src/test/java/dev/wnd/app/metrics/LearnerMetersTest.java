package dev.wnd.app.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.junit.jupiter.api.Test;

class LearnerMetersTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<Consumer<?, ?>> bound = new ArrayList<>();
    private final LearnerMeters meters = new LearnerMeters(registry, bound::add);

    @Test
    void shouldCountTrainedExamplesAndTimeEveryStep() {
        meters.trained(512, 40_000_000L, 0.61);
        meters.trained(100, 10_000_000L, 0.55);

        assertThat(registry.get(LearnerMeters.EXAMPLES_TRAINED).counter().count()).isEqualTo(612);
        assertThat(registry.get(LearnerMeters.STEP).timer().count()).isEqualTo(2);
        assertThat(registry.get(LearnerMeters.STEP).timer().totalTime(TimeUnit.MILLISECONDS)).isEqualTo(50.0);
        assertThat(registry.get(LearnerMeters.LOSS).gauge().value()).isEqualTo(0.55);
    }

    @Test
    void shouldCountValidationExamplesApartFromTrainedOnes() {
        meters.validationScored(30);

        assertThat(registry.get(LearnerMeters.EXAMPLES_VALIDATED).counter().count()).isEqualTo(30);
        assertThat(registry.get(LearnerMeters.EXAMPLES_TRAINED).counter().count()).isZero();
    }

    @Test
    void shouldShowTheLastCheckpointsVersionAndTime() {
        assertThat(registry.get(LearnerMeters.LAST_CHECKPOINT).gauge().value()).isNaN();

        meters.checkpointed("ckpt-0000000002-s52", 26_624, 1_700_000_000_500L);

        assertThat(registry.get(LearnerMeters.CHECKPOINTS).counter().count()).isEqualTo(1);
        assertThat(registry.get(LearnerMeters.LAST_CHECKPOINT).gauge().value()).isEqualTo(1_700_000_000.5);
        assertThat(registry.get(ModelVersionMeters.GENERATION).gauge().value()).isEqualTo(2);
        assertThat(registry.get(ModelVersionMeters.STEP).gauge().value()).isEqualTo(52);
        assertThat(registry.get(ModelVersionMeters.INFO).tag("version", "ckpt-0000000002-s52").gauge().value())
                .isEqualTo(1);
    }

    @Test
    void shouldHandTheLearnersConsumerToTheBinder() {
        try (MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest")) {
            meters.consumerOpened(consumer);

            assertThat(bound).containsExactly(consumer);
        }
    }

    @Test
    void shouldCountDeadLetters() {
        meters.deadLettered("examples");
        meters.deadLettered("examples");

        assertThat(registry.get(StageMetrics.DEAD_LETTERS).counter().count()).isEqualTo(2);
    }
}
