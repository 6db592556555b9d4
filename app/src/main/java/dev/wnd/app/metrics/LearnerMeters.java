package dev.wnd.app.metrics;

import dev.wnd.learner.LearnerMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The learner's meters. Counters count from the start of the process (a restored model's earlier examples are not
 * in them), so {@code rate(wnd_examples_trained_total[1m])} is examples trained per second. Thread-safe: written
 * by the learner's thread, read by scrapes.
 */
public final class LearnerMeters implements LearnerMetrics {

    public static final String EXAMPLES_TRAINED = "wnd.examples.trained";
    public static final String EXAMPLES_VALIDATED = "wnd.examples.validated";
    public static final String STEP = "wnd.learner.step";
    public static final String LOSS = "wnd.learner.loss";
    public static final String CHECKPOINTS = "wnd.learner.checkpoints";
    public static final String LAST_CHECKPOINT = "wnd.learner.last.checkpoint.timestamp";

    private final Counter trained;
    private final Counter validated;
    private final Timer step;
    private final Counter checkpoints;
    private final Counter deadLetters;
    private final AtomicLong lossBits = new AtomicLong(Double.doubleToLongBits(Double.NaN));
    private final AtomicLong lastCheckpointMs = new AtomicLong();
    private final ModelVersionMeters model;
    private final Consumer<org.apache.kafka.clients.consumer.Consumer<?, ?>> consumerBinder;

    /**
     * @param consumerBinder binds the learner's input consumer's Kafka metrics (lag, fetch rates)
     */
    public LearnerMeters(MeterRegistry registry,
            Consumer<org.apache.kafka.clients.consumer.Consumer<?, ?>> consumerBinder) {
        this.consumerBinder = consumerBinder;
        trained = Counter.builder(EXAMPLES_TRAINED).description("Train examples learned from").register(registry);
        validated = Counter.builder(EXAMPLES_VALIDATED)
                .description("Validation examples scored for the online metrics (not trained on)").register(registry);
        step = Timer.builder(STEP).description("Wall time of one optimizer step (forward, backward, updates)")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(5))
                .register(registry);
        checkpoints = Counter.builder(CHECKPOINTS).description("Checkpoints written and announced")
                .register(registry);
        deadLetters = Counter.builder(StageMetrics.DEAD_LETTERS).description(StageMetrics.DEAD_LETTERS_DESCRIPTION)
                .register(registry);
        Gauge.builder(LOSS, lossBits, b -> Double.longBitsToDouble(b.get()))
                .description("Mean logloss of the last trained batch, before its step").register(registry);
        Gauge.builder(LAST_CHECKPOINT, lastCheckpointMs, ms -> ms.get() == 0 ? Double.NaN : ms.get() / 1000.0)
                .baseUnit("seconds").description("When the last checkpoint was written (epoch seconds)")
                .register(registry);
        model = new ModelVersionMeters(registry);
    }

    @Override
    public void consumerOpened(org.apache.kafka.clients.consumer.Consumer<?, ?> consumer) {
        consumerBinder.accept(consumer);
    }

    @Override
    public void trained(int examples, long stepNanos, double loss) {
        trained.increment(examples);
        step.record(stepNanos, TimeUnit.NANOSECONDS);
        lossBits.set(Double.doubleToLongBits(loss));
    }

    @Override
    public void validationScored(int examples) {
        validated.increment(examples);
    }

    @Override
    public void checkpointed(String version, long examplesTrained, long wallMs) {
        checkpoints.increment();
        lastCheckpointMs.set(wallMs);
        model.set(version);
    }

    /** The model info names the newest published version; checkpoint counters and times count full checkpoints. */
    @Override
    public void servingSnapshotPublished(String version, long examplesTrained, long wallMs) {
        model.set(version);
    }

    @Override
    public void deadLettered(String sourceTopic) {
        deadLetters.increment();
    }
}
