package dev.wnd.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class GenerateCommandTest {

    private static final int DISPLAYS = 500;

    @TempDir
    Path dir;

    @Test
    void shouldGiveTheGeneratorThePageViewsPerDisplayAskedFor() throws IOException {
        Path plain = generate("plain");
        Path many = generate("many", "--page-views-per-display", "60");

        // Besides the asked-for views, each display has its own page's view and 10% of clicks one of the landing page.
        assertThat((double) pageViews(plain) / DISPLAYS).as("world 0's 2 page views per display")
                .isCloseTo(2 + 1.1, Offset.offset(0.3));
        assertThat((double) pageViews(many) / DISPLAYS).isCloseTo(60 + 1.1, Offset.offset(2.0));
        assertThat(new ObjectMapper().readTree(many.resolve("truth/summary.json").toFile())
                .path("config").path("page_views_per_display").asDouble()).isEqualTo(60);
    }

    @Test
    void shouldOverrideTheWorldsPageViewsAndKeepItsClickModel() throws IOException {
        Path world = generate("world", "--world-seed", "3");
        Path overridden = generate("overridden", "--world-seed", "3", "--page-views-per-display", "40");

        ObjectMapper json = new ObjectMapper();
        var drawn = json.readTree(world.resolve("truth/world.json").toFile());
        var told = json.readTree(overridden.resolve("truth/world.json").toFile());
        assertThat(told.path("page_views_per_display").asDouble()).isEqualTo(40);
        assertThat(told.path("effects")).isEqualTo(drawn.path("effects"));
        assertThat(drawn.path("page_views_per_display").asDouble()).isLessThan(10);
    }

    @Test
    void shouldRefusePageViewsPerDisplayOutsideZeroToAHundredBeforeWritingAnything() {
        for (String value : new String[] {"101", "-1", "NaN"}) {
            CommandLine cli = Wnd.commandLine(Map.of());
            StringWriter err = new StringWriter();
            cli.setErr(new PrintWriter(err));
            Path out = dir.resolve("refused-" + value);

            int code = cli.execute("generate", "--out", out.toString(), "--displays", "100",
                    "--page-views-per-display", value);

            assertThat(code).isEqualTo(1);
            assertThat(err.toString()).contains("--page-views-per-display must be in [0, 100], got ");
            assertThat(out).doesNotExist();
        }
    }

    private Path generate(String name, String... options) {
        Path out = dir.resolve(name);
        CommandLine cli = Wnd.commandLine(Map.of());
        cli.setOut(new PrintWriter(new StringWriter()));
        String[] args = Stream.concat(Stream.of("generate", "--out", out.toString(), "--displays",
                String.valueOf(DISPLAYS)), Stream.of(options)).toArray(String[]::new);

        assertThat(cli.execute(args)).isZero();
        return out;
    }

    private static long pageViews(Path data) throws IOException {
        try (Stream<String> lines = Files.lines(data.resolve("page_views.csv"))) {
            return lines.count() - 1;
        }
    }
}
