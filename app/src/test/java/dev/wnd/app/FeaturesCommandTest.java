package dev.wnd.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class FeaturesCommandTest {

    @TempDir
    Path dir;

    @Test
    void shouldCommitEvery200MsUnlessTold() {
        CommandLine.ParseResult plain = Wnd.commandLine().parseArgs("features");
        CommandLine.ParseResult told = Wnd.commandLine().parseArgs("features", "--commit-interval-ms", "1000");

        assertThat(((FeaturesCommand) plain.subcommand().commandSpec().userObject()).commitIntervalMs)
                .isEqualTo(Stages.FEATURES_COMMIT_INTERVAL_MS).isEqualTo(200);
        assertThat(((FeaturesCommand) told.subcommand().commandSpec().userObject()).commitIntervalMs).isEqualTo(1000);
    }

    @Test
    void shouldRefuseACommitIntervalBelowOneMsBeforeStartingAnything() {
        CommandLine cli = Wnd.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));

        int code = cli.execute("features", "--commit-interval-ms", "0", "--work-dir", dir.resolve("work").toString());

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("--commit-interval-ms must be >= 1, got 0");
        assertThat(dir.resolve("work")).doesNotExist();
    }
}
