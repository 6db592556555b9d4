package dev.wnd.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wnd.app.Wnd;
import dev.wnd.ingest.generate.GeneratorConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BenchFeaturesCommandTest {

    @TempDir
    Path dir;

    @Test
    void shouldGenerateTheDefaultDataUnlessToldHowManyPageViewsPerDisplay() {
        BenchFeaturesCommand plain = parse("bench", "features", "--displays", "500");
        BenchFeaturesCommand many = parse("bench", "features", "--displays", "500", "--page-views-per-display", "60");

        assertThat(plain.dataConfig()).as("the original data, byte for byte")
                .isEqualTo(GeneratorConfig.defaults(500, 1));
        assertThat(many.dataConfig()).isEqualTo(GeneratorConfig.defaults(500, 1).withPageViewsPerDisplay(60));
    }

    @Test
    void shouldRefuseMoreThanAHundredPageViewsPerDisplayBeforeClaimingTheWorkDirectory() {
        CommandLine cli = Wnd.commandLine(Map.of());
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        Path work = dir.resolve("work");

        int code = cli.execute("bench", "features", "--page-views-per-display", "100.5", "--work-dir",
                work.toString());

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("--page-views-per-display must be in [0, 100], got 100.5");
        assertThat(work).doesNotExist();
    }

    private static BenchFeaturesCommand parse(String... args) {
        CommandLine.ParseResult parsed = Wnd.commandLine(Map.of()).parseArgs(args);
        return (BenchFeaturesCommand) parsed.subcommand().subcommand().commandSpec().userObject();
    }
}
