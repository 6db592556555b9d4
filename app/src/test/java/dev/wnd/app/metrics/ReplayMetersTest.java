package dev.wnd.app.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wnd.ingest.replay.ProgressListener;
import dev.wnd.ingest.replay.ReplayProgress;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplayMetersTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<ReplayProgress> passedOn = new ArrayList<>();
    private final ReplayMeters meters = new ReplayMeters(registry, new ProgressListener() {
        @Override
        public void onProgress(ReplayProgress progress) {
            passedOn.add(progress);
        }
    });

    private static ReplayProgress progress(Map<String, Long> sentPerTopic, long streamTimeMs) {
        long sent = sentPerTopic.values().stream().mapToLong(Long::longValue).sum();
        return new ReplayProgress(sent, false, sent, sentPerTopic, 0, 0, 100.0, 10, 100, Duration.ofSeconds(1),
                null, streamTimeMs);
    }

    @Test
    void shouldCountRecordsPerTopicFromTheRunningTotals() {
        meters.onProgress(progress(Map.of("displays", 10L, "page-views", 40L), 1_465_000_000_000L));
        meters.onProgress(progress(Map.of("displays", 25L, "page-views", 40L, "labels", 3L), 1_465_000_060_000L));

        assertThat(registry.get(ReplayMeters.RECORDS).tag("topic", "displays").counter().count()).isEqualTo(25);
        assertThat(registry.get(ReplayMeters.RECORDS).tag("topic", "page-views").counter().count()).isEqualTo(40);
        assertThat(registry.get(ReplayMeters.RECORDS).tag("topic", "labels").counter().count()).isEqualTo(3);
        assertThat(registry.get(ReplayMeters.EVENT_TIME).gauge().value()).isEqualTo(1_465_000_060.0);
    }

    @Test
    void shouldPassEveryReportOnToTheNextListener() {
        ReplayProgress p = progress(Map.of("displays", 1L), 0);

        meters.onProgress(p);

        assertThat(passedOn).containsExactly(p);
        assertThat(registry.get(ReplayMeters.EVENT_TIME).gauge().value()).isNaN();
    }
}
