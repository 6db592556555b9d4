package dev.wnd.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ModelConfigTest {

    @Test
    void shouldDefaultToTheSeedTf1Configuration() {
        ModelConfig c = ModelConfig.defaults();
        assertThat(c.deepHiddenUnits()).containsExactly(1024, 1024, 1024, 1024, 1024);
        assertThat(c.deepDropout()).isEqualTo(0.0);
        assertThat(c.linearLearningRate()).isEqualTo(0.2);
        assertThat(c.linearL1()).isEqualTo(0.0);
        assertThat(c.linearL2()).isEqualTo(0.0);
        assertThat(c.linearLearningRatePower()).isEqualTo(-0.5);
        assertThat(c.linearInitialAccumulator()).isEqualTo(0.1);
        assertThat(c.deepLearningRate()).isEqualTo(1.0);
        assertThat(c.deepInitialAccumulator()).isEqualTo(0.1);
        assertThat(c.deepWarmupSteps()).isZero();
        assertThat(c.seed()).isZero();
        assertThat(c.amp()).isFalse();
        assertThat(c.device()).isEqualTo("cpu");
        assertThat(c.tf32()).isFalse();
        assertThat(c.toBuilder().build()).isEqualTo(c);
    }

    @Test
    void shouldCarryTf32ThroughTheBuilderAndIgnoreItOnTheCpu() {
        ModelConfig cpu = ModelConfig.builder().tf32(true).build();
        assertThat(cpu.tf32()).isTrue();
        assertThat(cpu.toBuilder().build()).isEqualTo(cpu);
        assertThat(cpu.tf32Effective("1")).isFalse();
        assertThat(ModelConfig.logTf32("cpu", null)).contains("no effect");
    }

    @Test
    void shouldNeedTheCublasOverrideForTf32OnAGpu() {
        ModelConfig gpu = ModelConfig.builder().device("gpu").tf32(true).build();
        assertThat(gpu.tf32Effective(null)).isFalse();
        assertThat(gpu.tf32Effective("0")).isFalse();
        assertThat(gpu.tf32Effective("1")).isTrue();
        assertThat(gpu.toBuilder().tf32(false).build().tf32Effective("1")).isFalse();
        assertThat(ModelConfig.logTf32("gpu", null)).contains(ModelConfig.TF32_ENV + "=1").contains("not set");
        assertThat(ModelConfig.logTf32("gpu:1", "1")).contains("is set");
    }

    static Stream<Arguments> invalidConfigs() {
        return Stream.of(
                invalid("deepHiddenUnits", b -> b.deepHiddenUnits(List.of(1024, 0))),
                invalid("deepDropout", b -> b.deepDropout(1.0)),
                invalid("deepDropout", b -> b.deepDropout(-0.1)),
                invalid("linearLearningRate", b -> b.linearLearningRate(0)),
                invalid("linearL1", b -> b.linearL1(-1)),
                invalid("linearL2", b -> b.linearL2(Double.NaN)),
                invalid("linearLearningRatePower", b -> b.linearLearningRatePower(0.5)),
                invalid("linearInitialAccumulator", b -> b.linearInitialAccumulator(0)),
                invalid("deepLearningRate", b -> b.deepLearningRate(Double.POSITIVE_INFINITY)),
                invalid("deepInitialAccumulator", b -> b.deepInitialAccumulator(-0.1)),
                invalid("deepWarmupSteps", b -> b.deepWarmupSteps(-1)),
                invalid("device", b -> b.device("cuda")),
                invalid("device", b -> b.device("gpu:x")));
    }

    private static Arguments invalid(String field, UnaryOperator<ModelConfig.Builder> change) {
        return Arguments.of(field, change);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidConfigs")
    void shouldRejectInvalidValuesNamingTheField(String field, UnaryOperator<ModelConfig.Builder> change) {
        assertThatThrownBy(() -> change.apply(ModelConfig.builder()).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(field);
    }

    @Test
    void shouldMapDeviceNamesToDjlDevices() {
        assertThat(ModelConfig.builder().device("cpu").build().djlDevice()).isEqualTo(Device.cpu());
        assertThat(ModelConfig.builder().device("gpu").build().djlDevice()).isEqualTo(Device.gpu());
        assertThat(ModelConfig.builder().device("gpu:3").build().djlDevice()).isEqualTo(Device.gpu(3));
    }
}
