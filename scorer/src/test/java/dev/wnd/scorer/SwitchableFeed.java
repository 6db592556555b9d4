package dev.wnd.scorer;

import dev.wnd.model.ClickPredictor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * A {@link ModelFeed} for topology tests whose newest version the test sets: none until {@link #announce} is called,
 * and version {@code "broken"} fails to load as an unreadable checkpoint would. Predictors come from a factory that
 * receives the version. Thread-safe.
 */
final class SwitchableFeed implements ModelFeed {

    /** The version whose load throws, as a checkpoint that cannot be read. */
    static final String BROKEN = "broken";

    private final AtomicReference<String> version = new AtomicReference<>();
    private final Function<String, ClickPredictor> predictors;
    private volatile boolean instant;

    SwitchableFeed(Function<String, ClickPredictor> predictors) {
        this.predictors = predictors;
    }

    /** Whether to say that predictors come at once ({@link ModelFeed#newPredictorIsInstant()}); false at first. */
    void instant(boolean value) {
        instant = value;
    }

    @Override
    public boolean newPredictorIsInstant() {
        return instant;
    }

    /** Makes {@code v} the newest version. */
    void announce(String v) {
        version.set(v);
    }

    @Override
    public String latestVersion() {
        return version.get();
    }

    @Override
    public ClickPredictor newPredictor() {
        String v = version.get();
        if (BROKEN.equals(v)) {
            throw new IllegalStateException("checkpoint unreadable");
        }
        return v == null ? null : predictors.apply(v);
    }
}
