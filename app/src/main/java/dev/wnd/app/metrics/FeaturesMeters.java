package dev.wnd.app.metrics;

import dev.wnd.features.topology.FeaturesMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The features topology's meters: Examples emitted per split and dead letters. Thread-safe (stream threads
 * write, scrapes read).
 */
public final class FeaturesMeters implements FeaturesMetrics {

    public static final String EXAMPLES_PRODUCED = "wnd.examples.produced";

    private final Counter train;
    private final Counter validation;
    private final Counter deadLetters;

    public FeaturesMeters(MeterRegistry registry) {
        train = produced(registry, "train");
        validation = produced(registry, "validation");
        deadLetters = Counter.builder(StageMetrics.DEAD_LETTERS).description(StageMetrics.DEAD_LETTERS_DESCRIPTION)
                .register(registry);
    }

    private static Counter produced(MeterRegistry registry, String split) {
        return Counter.builder(EXAMPLES_PRODUCED).tag("split", split)
                .description("Labelled Examples sent to the examples topic").register(registry);
    }

    @Override
    public void examplesEmitted(boolean validationSplit, int count) {
        (validationSplit ? validation : train).increment(count);
    }

    @Override
    public void deadLettered(String sourceTopic) {
        deadLetters.increment();
    }
}
