package dev.wnd.app.metrics;

import dev.wnd.scorer.ScorerMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The scorer's meters, one series per face ({@code face="avro"|"json"}):
 * <ul>
 *   <li>{@value #SCORES}: requests answered; {@code rate(wnd_scores_total[1m])} is scores per second;</li>
 *   <li>{@value #LATENCY}: from the request record's timestamp to the answer, as a percentile histogram (buckets
 *       for Prometheus' {@code histogram_quantile}, one bucket boundary at the 10 ms goal; JMX shows the
 *       percentiles of its own reservoir). Meaningful when request producers stamp records with the time they send them (Kafka's
 *       default CreateTime); replayed requests carry their event time, so their latency is their age. A negative
 *       latency (clocks apart) is not recorded;</li>
 *   <li>{@value #PROCESSING}: the time spent inside the scorer per request (features, model, serialization);</li>
 *   <li>{@value #BATCH} (no face): requests scored together per forward pass, with buckets at 1, 2, 4, ... 64;</li>
 *   <li>{@value #SWAPS} (a stream thread swapped in a new model), {@value #ACCEPTED} and {@value #REFUSALS}
 *       ({@code cause="feature-spec"|"unloadable"|"outside-model-dir"|"not-newer"|"malformed"}; not-newer is a
 *       replayed or stray announcement, not a faulty model), the model in use ({@link ModelVersionMeters}), and dead
 *       letters;</li>
 *   <li>{@value #SKIPPED}: announced versions the model feed skipped because a newer one came before it could apply
 *       them (a steady rate means versions come faster than the scorer applies them);</li>
 *   <li>{@value #APPLY} ({@code kind="delta"|"full"}): from the feed starting on a version to its swap, as a
 *       percentile histogram: a delta should take tens of milliseconds whatever the model's size, a full version
 *       seconds.</li>
 * </ul>
 * Thread-safe: stream threads and the model feed's follower write, scrapes read.
 */
public final class ScorerMeters implements ScorerMetrics {

    public static final String SCORES = "wnd.scores";
    public static final String LATENCY = "wnd.score.latency";
    public static final String PROCESSING = "wnd.score.processing";
    public static final String BATCH = "wnd.score.batch.requests";
    public static final String SWAPS = "wnd.model.swaps";
    public static final String ACCEPTED = "wnd.model.accepted";
    public static final String REFUSALS = "wnd.model.refusals";
    public static final String SKIPPED = "wnd.model.skipped";
    public static final String APPLY = "wnd.model.apply";

    private final Map<String, Face> faces;
    private final DistributionSummary batch;
    private final Counter swaps;
    private final Counter accepted;
    private final Map<String, Counter> refusals;
    private final Counter skipped;
    private final Map<String, Timer> apply;
    private final Counter deadLetters;
    private final ModelVersionMeters model;

    private record Face(Counter scores, Timer latency, Timer processing) {
    }

    public ScorerMeters(MeterRegistry registry) {
        faces = Map.of(AVRO, face(registry, AVRO), JSON, face(registry, JSON));
        batch = DistributionSummary.builder(BATCH)
                .description("Requests scored together in one forward pass (more than 1 when requests queue up)")
                .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64).register(registry);
        swaps = Counter.builder(SWAPS).description("Predictor swaps by the stream threads (hot reloads)")
                .register(registry);
        accepted = Counter.builder(ACCEPTED).description("Models accepted by the model feed").register(registry);
        refusals = Map.of(REFUSED_SPEC, refusal(registry, REFUSED_SPEC),
                REFUSED_UNLOADABLE, refusal(registry, REFUSED_UNLOADABLE),
                REFUSED_OUTSIDE_MODEL_DIR, refusal(registry, REFUSED_OUTSIDE_MODEL_DIR),
                REFUSED_NOT_NEWER, refusal(registry, REFUSED_NOT_NEWER),
                REFUSED_MALFORMED, refusal(registry, REFUSED_MALFORMED));
        skipped = Counter.builder(SKIPPED)
                .description("Announced models skipped: a newer one came before they could be applied")
                .register(registry);
        apply = Map.of(APPLIED_DELTA, applyTimer(registry, APPLIED_DELTA), APPLIED_FULL,
                applyTimer(registry, APPLIED_FULL));
        deadLetters = Counter.builder(StageMetrics.DEAD_LETTERS).description(StageMetrics.DEAD_LETTERS_DESCRIPTION)
                .register(registry);
        model = new ModelVersionMeters(registry);
    }

    private static Face face(MeterRegistry registry, String face) {
        Counter scores = Counter.builder(SCORES).tag("face", face).description("Score requests answered")
                .register(registry);
        Timer latency = Timer.builder(LATENCY).tag("face", face)
                .description("From the request record's timestamp to the answer")
                .publishPercentileHistogram()
                .serviceLevelObjectives(Duration.ofMillis(10))
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
        Timer processing = Timer.builder(PROCESSING).tag("face", face)
                .description("Time spent inside the scorer on one request")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(10_000)).maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
        return new Face(scores, latency, processing);
    }

    private static Counter refusal(MeterRegistry registry, String cause) {
        return Counter.builder(REFUSALS).tag("cause", cause)
                .description("Models not served (the previous one kept serving)").register(registry);
    }

    private static Timer applyTimer(MeterRegistry registry, String kind) {
        return Timer.builder(APPLY).tag("kind", kind)
                .description("From the model feed starting on a version to its swap")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry);
    }

    @Override
    public void answered(String face, long requestTimestampMs, long answeredMs, long processingNanos) {
        Face f = faces.get(face);
        if (f == null) {
            throw new IllegalArgumentException("unknown face " + face);
        }
        f.scores().increment();
        long latencyMs = answeredMs - requestTimestampMs;
        if (latencyMs >= 0) {
            f.latency().record(latencyMs, TimeUnit.MILLISECONDS);
        }
        f.processing().record(processingNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void scoredTogether(int requests, int rows) {
        batch.record(requests);
    }

    @Override
    public void serving(String version) {
        swaps.increment();
        model.set(version);
    }

    @Override
    public void modelAccepted(String version) {
        accepted.increment();
    }

    @Override
    public void modelRefused(String version, String cause) {
        Counter c = refusals.get(cause);
        if (c == null) {
            throw new IllegalArgumentException("unknown refusal cause " + cause);
        }
        c.increment();
    }

    @Override
    public void modelSkipped(String version) {
        skipped.increment();
    }

    @Override
    public void modelApplied(String version, String kind, long nanos) {
        Timer t = apply.get(kind);
        if (t == null) {
            throw new IllegalArgumentException("unknown kind of model application " + kind);
        }
        t.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void deadLettered(String sourceTopic) {
        deadLetters.increment();
    }
}
