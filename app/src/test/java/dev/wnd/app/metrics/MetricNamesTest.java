package dev.wnd.app.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wnd.ingest.replay.ProgressListener;
import dev.wnd.ingest.replay.ReplayProgress;
import dev.wnd.scorer.ScorerMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The metrics docs (docs/metrics.md) list what the stages publish. */
class MetricNamesTest {

    @Test
    void shouldPublishEveryWndMetricTheReadmeNames() throws Exception {
        String readme = Files.readString(Path.of("..", "docs", "metrics.md"));
        Set<String> named = new TreeSet<>();
        Matcher m = Pattern.compile("\\bwnd_[a-z_]+").matcher(readme);
        while (m.find()) {
            named.add(m.group().replaceAll("_(bucket|count)$", ""));
        }
        assertThat(named).contains("wnd_scores_total", "wnd_score_latency_seconds", "wnd_model_generation");

        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try {
            ScorerMeters scorer = new ScorerMeters(registry);
            scorer.answered(ScorerMetrics.AVRO, 1, 2, 3);
            scorer.serving("ckpt-0000000001-s1");
            new FeaturesMeters(registry);
            new LearnerMeters(registry, consumer -> { });
            new ReplayMeters(registry, ProgressListener.NONE).onProgress(new ReplayProgress(1, false, 1,
                    Map.of("displays", 1L), 0, 0, 1.0, 1, 1, Duration.ofSeconds(1), null, 1L));
            String scrape = registry.scrape();

            assertThat(named).allSatisfy(name -> assertThat(scrape).as(name)
                    .containsPattern("(?m)^(# TYPE )?" + Pattern.quote(name) + "[{ ]"));
        } finally {
            registry.close();
        }
    }
}
