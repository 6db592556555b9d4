package dev.wnd.app.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wnd.scorer.ScorerMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ScorerMetersTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ScorerMeters meters = new ScorerMeters(registry);

    @AfterEach
    void close() {
        registry.close();
    }

    @Test
    void shouldCountEveryAnsweredScorePerFace() {
        for (int i = 0; i < 7; i++) {
            meters.answered(ScorerMetrics.AVRO, 1_000, 1_004, 300_000);
        }
        meters.answered(ScorerMetrics.JSON, 1_000, 1_002, 200_000);

        assertThat(registry.get(ScorerMeters.SCORES).tag("face", "avro").counter().count()).isEqualTo(7);
        assertThat(registry.get(ScorerMeters.SCORES).tag("face", "json").counter().count()).isEqualTo(1);
        assertThat(registry.scrape()).contains("wnd_scores_total{face=\"avro\"} 7.0");
    }

    @Test
    void shouldTimeFromTheRequestTimestampToTheAnswer() {
        meters.answered(ScorerMetrics.AVRO, 10_000, 10_004, 250_000);
        meters.answered(ScorerMetrics.AVRO, 10_000, 10_030, 250_000);

        var latency = registry.get(ScorerMeters.LATENCY).tag("face", "avro").timer();
        assertThat(latency.count()).isEqualTo(2);
        assertThat(latency.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(34.0);
        assertThat(latency.max(TimeUnit.MILLISECONDS)).isEqualTo(30.0);
        var processing = registry.get(ScorerMeters.PROCESSING).tag("face", "avro").timer();
        assertThat(processing.totalTime(TimeUnit.MICROSECONDS)).isEqualTo(500.0);
    }

    @Test
    void shouldPublishLatencyBucketsSoPrometheusCanComputeTheP99() {
        meters.answered(ScorerMetrics.AVRO, 10_000, 10_004, 250_000);
        meters.answered(ScorerMetrics.AVRO, 10_000, 10_030, 250_000);

        String scrape = registry.scrape();
        // The 10 ms goal is a bucket boundary: one answer within it, both within +Inf.
        assertThat(scrape).contains("wnd_score_latency_seconds_bucket{face=\"avro\",le=\"0.01\"} 1");
        assertThat(scrape).contains("wnd_score_latency_seconds_bucket{face=\"avro\",le=\"+Inf\"} 2");
        assertThat(scrape).contains("wnd_score_latency_seconds_count{face=\"avro\"} 2");
        assertThat(scrape).contains("wnd_score_processing_seconds_bucket{face=\"json\",le=\"+Inf\"} 0");
    }

    @Test
    void shouldShowHowManyRequestsEachForwardPassScored() {
        meters.scoredTogether(1, 12);
        meters.scoredTogether(3, 20);
        meters.scoredTogether(5, 31);

        var batch = registry.get(ScorerMeters.BATCH).summary();
        assertThat(batch.count()).isEqualTo(3);
        assertThat(batch.totalAmount()).isEqualTo(9);
        String scrape = registry.scrape();
        assertThat(scrape).contains("wnd_score_batch_requests_bucket{le=\"1.0\"} 1");
        assertThat(scrape).contains("wnd_score_batch_requests_bucket{le=\"4.0\"} 2");
        assertThat(scrape).contains("wnd_score_batch_requests_sum 9.0");
    }

    @Test
    void shouldNotRecordALatencyFromARequestStampedInTheFuture() {
        meters.answered(ScorerMetrics.AVRO, 20_000, 19_000, 250_000);

        assertThat(registry.get(ScorerMeters.SCORES).tag("face", "avro").counter().count()).isEqualTo(1);
        assertThat(registry.get(ScorerMeters.LATENCY).tag("face", "avro").timer().count()).isZero();
    }

    @Test
    void shouldShowTheServedModelVersionAndOnlyTheNewestOne() {
        assertThat(registry.get(ModelVersionMeters.GENERATION).gauge().value()).isNaN();

        meters.serving("ckpt-0000000003-s52");
        meters.serving("ckpt-0000000004-s70");

        assertThat(registry.get(ModelVersionMeters.GENERATION).gauge().value()).isEqualTo(4);
        assertThat(registry.get(ModelVersionMeters.STEP).gauge().value()).isEqualTo(70);
        assertThat(registry.get(ScorerMeters.SWAPS).counter().count()).isEqualTo(2);
        String scrape = registry.scrape();
        assertThat(scrape).contains("wnd_model_info{version=\"ckpt-0000000004-s70\"} 1");
        assertThat(scrape).doesNotContain("ckpt-0000000003-s52");
    }

    @Test
    void shouldShowTheGenerationAndStepOfServingSnapshotsAndDeltasToo() {
        meters.serving("snap-0000000005-s80");
        assertThat(registry.get(ModelVersionMeters.GENERATION).gauge().value()).isEqualTo(5);

        meters.serving("delta-0000000006-s91");

        assertThat(registry.get(ModelVersionMeters.GENERATION).gauge().value()).isEqualTo(6);
        assertThat(registry.get(ModelVersionMeters.STEP).gauge().value()).isEqualTo(91);
    }

    @Test
    void shouldCountAcceptedAndRefusedModelsByCause() {
        meters.modelAccepted("ckpt-0000000001-s1");
        meters.modelRefused("ckpt-0000000002-s9", ScorerMetrics.REFUSED_SPEC);
        meters.modelRefused("ckpt-0000000003-s9", ScorerMetrics.REFUSED_UNLOADABLE);
        meters.modelRefused("ckpt-0000000004-s9", ScorerMetrics.REFUSED_UNLOADABLE);

        assertThat(registry.get(ScorerMeters.ACCEPTED).counter().count()).isEqualTo(1);
        assertThat(registry.get(ScorerMeters.REFUSALS).tag("cause", "feature-spec").counter().count()).isEqualTo(1);
        assertThat(registry.get(ScorerMeters.REFUSALS).tag("cause", "unloadable").counter().count()).isEqualTo(2);
        assertThatThrownBy(() -> meters.modelRefused("v", "bored")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldCountRefusalsOfEveryCauseTheFeedKnows() {
        meters.modelRefused("snap-0000000009-s9", ScorerMetrics.REFUSED_OUTSIDE_MODEL_DIR);
        meters.modelRefused("snap-0000000001-s1", ScorerMetrics.REFUSED_NOT_NEWER);
        meters.modelRefused("announcement model-versions-0@7", ScorerMetrics.REFUSED_MALFORMED);
        meters.modelRefused("snap-x", ScorerMetrics.REFUSED_MALFORMED);

        assertThat(registry.get(ScorerMeters.REFUSALS).tag("cause", "outside-model-dir").counter().count())
                .isEqualTo(1);
        assertThat(registry.get(ScorerMeters.REFUSALS).tag("cause", "not-newer").counter().count()).isEqualTo(1);
        assertThat(registry.get(ScorerMeters.REFUSALS).tag("cause", "malformed").counter().count()).isEqualTo(2);
    }

    @Test
    void shouldCountSkippedModelsAndTimeEachAppliedOneByKind() {
        meters.modelSkipped("delta-0000000002-s2");
        meters.modelSkipped("delta-0000000003-s3");
        meters.modelApplied("delta-0000000004-s4", ScorerMetrics.APPLIED_DELTA, 40_000_000L);
        meters.modelApplied("snap-0000000005-s5", ScorerMetrics.APPLIED_FULL, 3_000_000_000L);

        assertThat(registry.get(ScorerMeters.SKIPPED).counter().count()).isEqualTo(2);
        assertThat(registry.get(ScorerMeters.APPLY).tag("kind", "delta").timer().totalTime(TimeUnit.MILLISECONDS))
                .isEqualTo(40);
        assertThat(registry.get(ScorerMeters.APPLY).tag("kind", "full").timer().count()).isEqualTo(1);
        assertThatThrownBy(() -> meters.modelApplied("v", "sideways", 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldCountDeadLetters() {
        meters.deadLettered("score-requests.json");

        assertThat(registry.scrape()).contains("wnd_dead_letters_total 1.0");
    }
}
