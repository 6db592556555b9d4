package dev.wnd.features.streams;

import java.time.Duration;
import java.util.Objects;

/**
 * How a features (or scorer) application spreads its per-user and CTR state over the partitions of its event
 * topics. Immutable; validated on construction.
 *
 * <p>With one partition a task sees every label, so its CTR counts are global and it processes its records as
 * Streams hands them over. With several, each task owns the users of its partitions but must count every task's
 * labels: it sends each label's CTR update to every partition of {@code updatesTopic} (which must have
 * {@code partitions} partitions), and it holds its own events until every task has passed their time
 * ({@link EventSequencer}).
 *
 * @param partitions partitions of each event topic (page views, displays, labels) and of {@code updatesTopic}
 * @param updatesTopic the application's own CTR updates topic; null with one partition
 * @param inEventTimeOrder whether a task holds its events until every task has passed them (the features: exact,
 *     point in time), or applies every event and update as it arrives (the scorer: answers now, from the state as
 *     fetched so far)
 * @param watermarkInterval how often (wall clock) a task tells the others how far it has come
 * @param idleAfter a task whose inputs brought nothing for this long (wall clock) declares its stream time complete,
 *     so the others need not wait for it; an event it receives later is ordered at its watermark, not its own time
 */
public record StatePartitioning(int partitions, String updatesTopic, boolean inEventTimeOrder,
        Duration watermarkInterval, Duration idleAfter) {

    /** The watermark interval of {@link #broadcast(int, String)}. */
    public static final Duration WATERMARK_INTERVAL = Duration.ofMillis(50);
    /** The idle time of {@link #broadcast(int, String)}. */
    public static final Duration IDLE_AFTER = Duration.ofSeconds(5);

    public StatePartitioning {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
        }
        if (partitions > 1) {
            Objects.requireNonNull(updatesTopic, "updatesTopic (needed with several partitions)");
            if (updatesTopic.isBlank()) {
                throw new IllegalArgumentException("updatesTopic must not be blank");
            }
        }
        Objects.requireNonNull(watermarkInterval, "watermarkInterval");
        Objects.requireNonNull(idleAfter, "idleAfter");
        if (watermarkInterval.isNegative() || watermarkInterval.isZero()) {
            throw new IllegalArgumentException("watermarkInterval must be positive, got " + watermarkInterval);
        }
        if (idleAfter.isNegative()) {
            throw new IllegalArgumentException("idleAfter must not be negative, got " + idleAfter);
        }
    }

    /** One partition per event topic: nothing is sent between tasks. */
    public static StatePartitioning single() {
        return new StatePartitioning(1, null, true, WATERMARK_INTERVAL, IDLE_AFTER);
    }

    /**
     * {@code partitions} partitions per event topic, CTR updates sent through {@code updatesTopic}; one partition
     * is {@link #single()}.
     */
    public static StatePartitioning broadcast(int partitions, String updatesTopic) {
        return partitions == 1 ? single()
                : new StatePartitioning(partitions, updatesTopic, true, WATERMARK_INTERVAL, IDLE_AFTER);
    }

    /** This partitioning, applying events and CTR updates as they arrive rather than in event-time order. */
    public StatePartitioning asArrived() {
        return new StatePartitioning(partitions, updatesTopic, false, watermarkInterval, idleAfter);
    }

    /** The CTR updates topic of application {@code applicationId}. */
    public static String updatesTopicOf(String applicationId) {
        return applicationId + "-ctr-updates";
    }

    /** Whether the tasks exchange CTR updates. */
    public boolean broadcasts() {
        return partitions > 1;
    }
}
