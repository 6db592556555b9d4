package dev.wnd.eval;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ad-popularity baseline, point in time: an ad's smoothed click-through rate from the TRAIN labels that were
 * known before the display, {@code (clicks + m * g) / (views + m)}, where m is
 * {@link EvaluatorConfig#priorStrength()} and g the global CTR of those same labels, Laplace-smoothed
 * {@code (allClicks + 1) / (allViews + 2)} so that it is defined before the first label. An ad never seen before
 * scores g, the prior. A label of a display at time s is known at a display at time t when
 * {@code s + labelDelayMs < t}: never its own label, never a later one. This is the popularity feature the seed
 * computed over the whole training split, without the look-ahead.
 *
 * <p>Use: {@link #advanceTo} with non-decreasing display times, then {@link #ctr} for the display's ads. Not
 * thread-safe.
 */
public final class AdCtrBaseline {

    private final List<TrainLabel> labels;
    private final long labelDelayMs;
    private final double priorStrength;
    private final Map<Long, long[]> perAd = new HashMap<>();
    private int next;
    private long views;
    private long clicks;
    private long now = Long.MIN_VALUE;

    /** A baseline over {@code train}, which may come in any order. */
    public AdCtrBaseline(Collection<TrainLabel> train, EvaluatorConfig config) {
        this.labels = new ArrayList<>(train);
        this.labels.sort(Comparator.comparingLong(TrainLabel::timestamp));
        this.labelDelayMs = config.labelDelayMs();
        this.priorStrength = config.priorStrength();
    }

    /**
     * Takes in every label known strictly before {@code displayTime}.
     *
     * @throws IllegalArgumentException if {@code displayTime} is earlier than the previous call's
     */
    public void advanceTo(long displayTime) {
        if (displayTime < now) {
            throw new IllegalArgumentException("time went back from " + now + " to " + displayTime);
        }
        now = displayTime;
        while (next < labels.size() && labels.get(next).timestamp() + labelDelayMs < displayTime) {
            TrainLabel l = labels.get(next++);
            long[] counts = perAd.computeIfAbsent(l.adId(), a -> new long[2]);
            counts[0]++;
            counts[1] += l.label();
            views++;
            clicks += l.label();
        }
    }

    /** The Laplace-smoothed CTR of every label taken in so far: the prior of an unseen ad. */
    public double globalCtr() {
        return (clicks + 1.0) / (views + 2.0);
    }

    /** The smoothed CTR of {@code adId} as of the last {@link #advanceTo}. */
    public double ctr(long adId) {
        long[] counts = perAd.get(adId);
        double g = globalCtr();
        if (counts == null) {
            return g;
        }
        return (counts[1] + priorStrength * g) / (counts[0] + priorStrength);
    }

    /** How many TRAIN labels have been taken in. */
    public long labelsKnown() {
        return views;
    }
}
