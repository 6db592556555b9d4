package dev.wnd.learner;

import dev.wnd.eval.metrics.RankingMetrics;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Prequential (test-then-train) metrics over a sliding window of the most recent validation displays: logloss,
 * AUC and MAP@12, each computed exactly over the window. Confined to the learner's thread.
 */
public final class OnlineMetrics {

    private final int windowDisplays;
    private final Deque<Display> window = new ArrayDeque<>();
    private final Map<Long, Display> open = new HashMap<>();
    private long examplesSeen;

    /** @param windowDisplays how many recent displays the window keeps */
    public OnlineMetrics(int windowDisplays) {
        if (windowDisplays < 1) {
            throw new IllegalArgumentException("windowDisplays must be >= 1");
        }
        this.windowDisplays = windowDisplays;
    }

    /** Records the prediction for one validation example, made before any training on it. */
    public void add(long displayId, long adId, double probability, int label) {
        examplesSeen++;
        Display d = open.get(displayId);
        if (d == null) {
            d = new Display(displayId);
            open.put(displayId, d);
            window.addLast(d);
            while (window.size() > windowDisplays) {
                open.remove(window.removeFirst().id);
            }
        }
        d.probabilities.add(probability);
        d.labels.add(label);
    }

    /** Validation examples seen since the start. */
    public long examplesSeen() {
        return examplesSeen;
    }

    /** The window's metrics now; NaN where undefined (empty window, a single class). */
    public Snapshot snapshot() {
        int n = 0;
        for (Display d : window) {
            n += d.labels.size();
        }
        double[] p = new double[n];
        int[] y = new int[n];
        int i = 0;
        double apSum = 0;
        int apCount = 0;
        for (Display d : window) {
            List<Long> clicked = new ArrayList<>();
            Integer[] order = new Integer[d.labels.size()];
            for (int j = 0; j < order.length; j++) {
                p[i] = d.probabilities.get(j);
                y[i] = d.labels.get(j);
                if (y[i] == 1) {
                    clicked.add((long) j);
                }
                order[j] = j;
                i++;
            }
            if (!clicked.isEmpty()) {
                // best first; a stable sort keeps ties in arrival order
                java.util.Arrays.sort(order, (a, b) -> Double.compare(d.probabilities.get(b), d.probabilities.get(a)));
                List<Long> ranked = new ArrayList<>(order.length);
                for (Integer j : order) {
                    ranked.add((long) j);
                }
                apSum += RankingMetrics.averagePrecisionAt12(ranked, clicked);
                apCount++;
            }
        }
        return new Snapshot(window.size(), n, RankingMetrics.logloss(p, y), RankingMetrics.auc(p, y),
                apCount == 0 ? Double.NaN : apSum / apCount);
    }

    /** Metrics of the window at one moment. */
    public record Snapshot(int displays, int examples, double logloss, double auc, double map12) {
    }

    private static final class Display {
        final long id;
        final List<Double> probabilities = new ArrayList<>();
        final List<Integer> labels = new ArrayList<>();

        Display(long id) {
            this.id = id;
        }
    }
}
