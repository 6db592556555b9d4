package dev.wnd.eval;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A ranking method evaluated beside the model on the same validation rows, such as the GBDT peer
 * ({@link GbdtPeer}): one score per validation row, in the order of the rows the {@link Evaluator} is given, with
 * each row's (display, ad) so that the order is checked rather than trusted. Immutable.
 */
public final class PeerScores {

    private final String name;
    private final long[] displayIds;
    private final long[] adIds;
    private final double[] scores;
    private final boolean probabilities;
    private final Map<String, Object> details;

    /**
     * @param name the method's key in the JSON report ({@code "gbdt"}), distinct from {@code model}, {@code ad_ctr}
     *     and {@code random}
     * @param displayIds each row's display
     * @param adIds each row's ad
     * @param scores each row's score: higher ranks first
     * @param probabilities whether the scores are click probabilities (then AUC and logloss are measured; otherwise
     *     AUC only)
     * @param details how the method was trained, for the report (JSON-friendly values)
     */
    public PeerScores(String name, long[] displayIds, long[] adIds, double[] scores, boolean probabilities,
            Map<String, Object> details) {
        this.name = Objects.requireNonNull(name, "name");
        if (List.of("model", "ad_ctr", "random").contains(name)) {
            throw new IllegalArgumentException("a peer may not be named " + name);
        }
        if (displayIds.length != scores.length || adIds.length != scores.length) {
            throw new IllegalArgumentException("ids and scores differ in length");
        }
        this.displayIds = displayIds.clone();
        this.adIds = adIds.clone();
        this.scores = scores.clone();
        this.probabilities = probabilities;
        this.details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    public String name() {
        return name;
    }

    /** How many rows are scored. */
    public int size() {
        return scores.length;
    }

    /** The score of row {@code i}. */
    public double score(int i) {
        return scores[i];
    }

    /** Whether row {@code i} is (display, ad). */
    public boolean isRow(int i, long displayId, long adId) {
        return displayIds[i] == displayId && adIds[i] == adId;
    }

    /** Whether the scores are click probabilities. */
    public boolean probabilities() {
        return probabilities;
    }

    /** How the method was trained (rows, rounds, features, seconds...). */
    public Map<String, Object> details() {
        return details;
    }

    @Override
    public String toString() {
        return "PeerScores[" + name + ", " + scores.length + " rows, " + details + ", first "
                + Arrays.toString(Arrays.copyOf(scores, Math.min(3, scores.length))) + "]";
    }
}
