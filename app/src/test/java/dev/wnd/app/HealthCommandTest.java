package dev.wnd.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class HealthCommandTest {

    @TempDir
    Path dir;

    private int health(Map<String, String> env, String... args) {
        CommandLine cli = Wnd.commandLine(env);
        cli.setOut(new PrintWriter(new StringWriter()));
        cli.setErr(new PrintWriter(new StringWriter()));
        String[] all = new String[args.length + 1];
        all[0] = "health";
        System.arraycopy(args, 0, all, 1, args.length);
        return cli.execute(all);
    }

    @Test
    void shouldBeHealthyWhileTheStageBeatsAndUnhealthyOnceItStops() {
        Path file = dir.resolve("beat");
        Map<String, String> env = Map.of("WND_HEALTH_FILE", file.toString());
        try (Heartbeat beat = Heartbeat.start(file, () -> true)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(file));
            assertThat(health(env)).isZero();
        }
        assertThat(file).doesNotExist();
        assertThat(health(env)).isEqualTo(1);
    }

    @Test
    void shouldNotBeatWhileTheStageSaysItIsUnhealthy() throws Exception {
        Path file = dir.resolve("beat");
        AtomicBoolean healthy = new AtomicBoolean(false);
        try (Heartbeat beat = Heartbeat.start(file, healthy::get)) {
            Thread.sleep(300);
            assertThat(file).doesNotExist();
            healthy.set(true);
            await().atMost(Heartbeat.PERIOD.multipliedBy(3)).until(() -> Files.exists(file));
        }
    }

    @Test
    void shouldBeUnhealthyWhenTheLastBeatIsOlderThanTheMaxAge() throws Exception {
        Path file = Files.writeString(dir.resolve("beat"), "x");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(Duration.ofMinutes(2))));
        assertThat(health(Map.of(), "--health-file", file.toString())).isEqualTo(1);
        assertThat(health(Map.of(), "--health-file", file.toString(), "--max-age", "PT5M")).isZero();
    }

    @Test
    void shouldBeUnhealthyWithoutAHealthFile() {
        assertThat(health(Map.of())).isEqualTo(1);
    }
}
