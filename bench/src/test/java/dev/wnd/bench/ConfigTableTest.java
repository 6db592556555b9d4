package dev.wnd.bench;

import dev.wnd.app.Wnd;
import dev.wnd.app.ConfigTable;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The configuration table in docs/configuration.md, between {@link ConfigTable#START} and {@link ConfigTable#END},
 * is what {@code ./wnd config-table} prints from the command line's own model: every option, its {@code WND_*}
 * variable, the commands that take it and its default.
 */
class ConfigTableTest {

    private static final Path CONFIGURATION = Path.of("..", "docs", "configuration.md");

    @Test
    void shouldKeepTheDocumentedTableEqualToTheCommandLine() throws Exception {
        String doc = Files.readString(CONFIGURATION);
        int start = doc.indexOf(ConfigTable.START);
        int end = doc.indexOf(ConfigTable.END);
        assertThat(start).as("docs/configuration.md has the %s marker", ConfigTable.START).isNotNegative();
        assertThat(end).as("docs/configuration.md has the %s marker", ConfigTable.END).isGreaterThan(start);

        String inDoc = doc.substring(start, end + ConfigTable.END.length()) + "\n";

        assertThat(inDoc).as("docs/configuration.md's configuration table is out of date: replace it with the "
                + "output of ./wnd config-table").isEqualTo(ConfigTable.markdown(Wnd.commandLine(Map.of())));
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
