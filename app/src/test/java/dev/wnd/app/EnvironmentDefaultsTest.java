package dev.wnd.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

class EnvironmentDefaultsTest {

    @Test
    void shouldNameOneVariablePerLongOption() {
        assertThat(EnvironmentDefaults.variableOf("--model-dir")).isEqualTo("WND_MODEL_DIR");
        assertThat(EnvironmentDefaults.variableOf("--bootstrap")).isEqualTo("WND_BOOTSTRAP");
        assertThat(EnvironmentDefaults.variableOf("-h")).isNull();
    }

    @Test
    void shouldTakeOptionsFromTheEnvironmentIncludingRequiredOnes() {
        CommandLine cli = Wnd.commandLine(Map.of("WND_MODEL_DIR", "/var/wnd/models", "WND_GLOBAL_BATCH_SIZE", "512",
                "WND_DETERMINISTIC", "true", "WND_BOOTSTRAP", "kafka:9092"));
        CommandLine.ParseResult parsed = cli.parseArgs("learn");
        LearnCommand learn = (LearnCommand) parsed.subcommand().commandSpec().userObject();
        assertThat(learn.modelDir).isEqualTo(Path.of("/var/wnd/models"));
        assertThat(learn.learner.batchSize()).isEqualTo(512);
        assertThat(learn.learner.toConfig(dev.wnd.schemas.kafka.KafkaConnection.plaintext("k:9092"), null).deterministic()).isTrue();
        assertThat(learn.cluster.bootstrap).isEqualTo("kafka:9092");
    }

    @Test
    void shouldLetTheCommandLineWinOverTheEnvironment() {
        CommandLine cli = Wnd.commandLine(Map.of("WND_MODEL_DIR", "/env", "WND_GLOBAL_BATCH_SIZE", "512"));
        CommandLine.ParseResult parsed = cli.parseArgs("learn", "--model-dir", "/cli", "--global-batch-size", "256");
        LearnCommand learn = (LearnCommand) parsed.subcommand().commandSpec().userObject();
        assertThat(learn.modelDir).isEqualTo(Path.of("/cli"));
        assertThat(learn.learner.batchSize()).isEqualTo(256);
    }

    @Test
    void shouldKeepBuiltInDefaultsWithoutAVariable() {
        CommandLine cli = Wnd.commandLine(Map.of("WND_MODEL_DIR", "/m"));
        LearnCommand learn = (LearnCommand) cli.parseArgs("learn").subcommand().commandSpec().userObject();
        assertThat(learn.learner.batchSize()).isEqualTo(4096);
        TrainCommand train = (TrainCommand) cli.parseArgs("train", "--data", "d", "--model-dir", "m").subcommand()
                .commandSpec().userObject();
        assertThat(train.batchSize.value()).as("one pass: small batches").isEqualTo(32);
    }

    @Test
    void shouldKeepACommandsOwnDefaultsUnderTheVariables() {
        EvaluateCommand byDefault = (EvaluateCommand) Wnd.commandLine(Map.of())
                .parseArgs("evaluate", "--data", "d", "--model-dir", "m").subcommand().commandSpec().userObject();
        EvaluateCommand fromEnvironment = (EvaluateCommand) Wnd.commandLine(Map.of("WND_WORK_DIR", "/var/wnd"))
                .parseArgs("evaluate", "--data", "d", "--model-dir", "m").subcommand().commandSpec().userObject();

        assertThat(byDefault.cluster.workDir()).isEqualTo(Path.of(".wnd/evaluate"));
        assertThat(fromEnvironment.cluster.workDir()).isEqualTo(Path.of("/var/wnd"));
    }

    @Test
    void shouldGiveEveryLongOptionOfEveryCommandAVariable() {
        CommandLine cli = Wnd.commandLine(Map.of());
        for (CommandLine sub : cli.getSubcommands().values()) {
            for (OptionSpec option : sub.getCommandSpec().options()) {
                if (!option.usageHelp() && !option.versionHelp()) {
                    assertThat(EnvironmentDefaults.variableOf(option)).as(option.longestName()).startsWith("WND_");
                }
            }
        }
    }
}
