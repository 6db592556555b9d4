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
        assertThat(c.toBuilder().build()).isEqualTo(c);
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
