package dev.wnd.ingest.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TerminalProgressTest {

    @Test
    void shouldDrawShareRecordsRateEtaAndEventTime() {
        ReplayProgress p = new ReplayProgress(1_500, false, 1_500, Map.of("page-views", 1_500L), 3, 0, 750.0, 50,
                100, Duration.ofSeconds(2), Duration.ofSeconds(75), 1465876799998L + 3_600_002L);

        assertThat(TerminalProgress.line(p)).isEqualTo("[############............]  50.0%  1,500 records  750 rec/s"
                + "  ETA 00:01:15  at 2016-06-14 05:00  dead 3");
    }

    @Test
    void shouldPrintTheSummaryAtTheEnd() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TerminalProgress progress = new TerminalProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), true);
        progress.onStart(new ReplayStart("default", Map.of("events", Path.of("events.csv")), List.of(), 2048, 2, 0,
                "f"));
        progress.onProgress(new ReplayProgress(10, false, 10, Map.of(), 0, 0, 10, 1, 2, Duration.ofSeconds(1), null,
                0));
        progress.onFinish(new ReplaySummary("default", 10, 0, 10, Map.of("displays", 10L), Map.of("events.csv", 1L),
                Map.of("rejected_row", 1L), 0, 2, List.of(), true, Duration.ofSeconds(1)));

        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("Replaying events (2.0 KiB, 2 event runs)").contains("\r[").contains("ETA --:--:--")
                .contains("Replay 'default' complete: 10 records sent").contains("displays").contains("rejected_row")
                .contains("events.csv");
    }
}
