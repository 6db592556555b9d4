package dev.wnd.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ConfigTableTest {

    private static final Path README = Path.of("..", "README.md");

    @Test
    void shouldKeepTheReadmesTableEqualToTheCommandLine() throws Exception {
        String readme = Files.readString(README);
        int start = readme.indexOf(ConfigTable.START);
        int end = readme.indexOf(ConfigTable.END);
        assertThat(start).as("README.md has the %s marker", ConfigTable.START).isNotNegative();
        assertThat(end).as("README.md has the %s marker", ConfigTable.END).isGreaterThan(start);

        String inReadme = readme.substring(start, end + ConfigTable.END.length()) + "\n";

        assertThat(inReadme).as("README.md's configuration table is out of date: replace it with the output of "
                + "./wnd config-table").isEqualTo(ConfigTable.markdown(Wnd.commandLine(Map.of())));
    }

    @Test
    void shouldListEveryOptionWithItsVariableAndWhereItApplies() {
        String table = ConfigTable.markdown(Wnd.commandLine(Map.of()));

        assertThat(table).contains("| `--client-config FILE` | `WND_CLIENT_CONFIG` | ").contains("`WND_MODEL_DIR`")
                .doesNotContain("--help").doesNotContain("| config-table");
        assertThat(table.lines().filter(l -> l.startsWith("| `--bootstrap")).findFirst().orElseThrow())
                .contains("ingest").contains("learn").contains("score");
    }

    @Test
    void shouldPrintTheTableFromTheHiddenCommand() {
        CommandLine cli = Wnd.commandLine(Map.of());
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out));

        int rc = cli.execute("config-table");

        assertThat(rc).isZero();
        assertThat(out.toString()).isEqualTo(ConfigTable.markdown(Wnd.commandLine(Map.of())));
    }
}
