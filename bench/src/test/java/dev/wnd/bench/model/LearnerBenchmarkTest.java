package dev.wnd.bench.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wnd.model.TestSpecs;
import org.junit.jupiter.api.Test;

class LearnerBenchmarkTest {

    @Test
    void shouldMeasureBothThroughputsOnATinySpec() {
        LearnerBenchmark.Result r = LearnerBenchmark.run(64, 1, 2, TestSpecs.tiny(), TestSpecs.tinyConfig(1));
        assertThat(r.fullSamplesPerSecond()).isPositive();
        assertThat(r.mlpSamplesPerSecond()).isPositive();
        assertThat(r.ratio()).isPositive();
        assertThat(r.toString()).contains("ratio");
    }
}
