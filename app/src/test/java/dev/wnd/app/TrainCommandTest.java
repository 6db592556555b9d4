package dev.wnd.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wnd.model.ModelConfig;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class TrainCommandTest {

    private static TrainCommand parse(String... args) {
        CommandLine.ParseResult parsed = Wnd.commandLine().parseArgs(args);
        return (TrainCommand) parsed.subcommand().commandSpec().userObject();
    }

    @Test
    void shouldMakeFivePassesWithTheCompactMlpAndSmallBatchesUnlessTold() {
        TrainCommand train = parse("train", "--data", "D", "--model-dir", "M");

        assertThat(train.epochs).isEqualTo(5);
        assertThat(train.modelConfig().deepHiddenUnits()).isEqualTo(List.of(256, 256, 256));
        assertThat(train.batchSize.value()).isEqualTo(32);
        ModelConfig seed = ModelConfig.defaults();
        assertThat(train.modelConfig().linearLearningRate()).isEqualTo(seed.linearLearningRate());
        assertThat(train.modelConfig().deepLearningRate()).isEqualTo(seed.deepLearningRate());
    }

    @Test
    void shouldTrainTheSeedsModelInOnePassWhenAskedTo() {
        TrainCommand train = parse("train", "--data", "D", "--model-dir", "M", "--epochs", "1",
                "--deep-hidden-units", "1024,1024,1024,1024,1024");

        assertThat(train.epochs).isEqualTo(1);
        assertThat(train.modelConfig().deepHiddenUnits()).isEqualTo(ModelConfig.SEED_HIDDEN_UNITS);
    }
}
