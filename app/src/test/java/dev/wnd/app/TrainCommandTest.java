package dev.wnd.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wnd.model.ModelConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TrainCommandTest {

    @TempDir
    Path dir;

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

    @Test
    void shouldRefuseZeroPassesBeforeStartingAnything() {
        CommandLine cli = Wnd.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));

        int code = cli.execute("train", "--data", dir.resolve("data").toString(), "--model-dir",
                dir.resolve("model").toString(), "--epochs", "0", "--work-dir", dir.resolve("work").toString());

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("--epochs must be >= 1, got 0");
        assertThat(dir.resolve("work")).doesNotExist();
        assertThat(dir.resolve("model")).doesNotExist();
    }
}
