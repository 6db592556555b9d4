package dev.wnd.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class EvaluateCommandTest {

    @TempDir
    Path dir;

    private static EvaluateCommand parse(String... args) {
        CommandLine cli = Wnd.commandLine();
        CommandLine.ParseResult result = cli.parseArgs(args);
        return (EvaluateCommand) result.subcommand().commandSpec().userObject();
    }

    @Test
    void shouldKeepItsEmbeddedBrokerInItsOwnWorkDirectoryByDefault() {
        assertThat(parse("evaluate", "--data", "d", "--model-dir", "m").cluster.workDir())
                .isEqualTo(Path.of(".wnd/evaluate"));
        assertThat(parse("evaluate", "--data", "d", "--model-dir", "m", "--work-dir", "w").cluster.workDir())
                .isEqualTo(Path.of("w"));
        EvaluateCommand c = parse("evaluate", "--data", "d", "--model-dir", "m");
        assertThat(c.labelDelay.value()).hasHours(1);
        assertThat(c.ctrPrior).isEqualTo(10.0);
        assertThat(c.splitSeed.value()).isZero();
        assertThat(c.json.file()).isNull();
        assertThat(c.report).isNull();
    }

    @Test
    void shouldFailWithAMessageBeforeStartingAnythingWhenThereIsNoCheckpoint() {
        CommandLine cli = Wnd.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));

        int code = cli.execute("evaluate", "--data", dir.toString(), "--model-dir", dir.resolve("none").toString(),
                "--work-dir", dir.resolve("work").toString());

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("no model directory");
        assertThat(dir.resolve("work")).doesNotExist();
    }

    @Test
    void shouldHaveHelp() {
        StringWriter out = new StringWriter();
        CommandLine cli = Wnd.commandLine();
        cli.setOut(new PrintWriter(out));
        assertThat(cli.execute("evaluate", "--help")).isZero();
        assertThat(out.toString()).contains("--report", "--json", "MAP@12", "default: .wnd/evaluate");
    }
}
