package dev.wnd.eval;

/**
 * How the GBDT peer ({@link GbdtPeer}) is trained. Its defaults are XGBoost's usual ones for tabular click data,
 * untuned on the generated worlds: depth-6 trees by histogram, learning rate 0.1, 80% row and column subsampling,
 * as many rounds (at most 1,000) as keep the logloss falling on the most recent 10% of the TRAIN examples, then
 * refitted on all of them with that many rounds.
 *
 * @param categorical how the categorical slots go in
 * @param objective XGBoost's objective: {@code binary:logistic} (probabilities) or a ranking objective such as
 *     {@code rank:pairwise} (the ads of a display form a group; scores are not probabilities)
 * @param maxRounds most boosting rounds, at least 1
 * @param earlyStoppingRounds rounds without a better holdout logloss (or ranking metric) before stopping
 * @param holdoutFraction share of the TRAIN examples, the most recent, held out to choose the number of rounds; 0
 *     trains {@code maxRounds} rounds on everything
 * @param eta learning rate
 * @param maxDepth depth of each tree
 * @param minChildWeight minimum hessian sum in a leaf
 * @param subsample share of rows per tree
 * @param colsampleByTree share of columns per tree
 * @param maxTrainRows most TRAIN examples kept (a uniform sample beyond that), to bound memory on real data
 * @param threads CPU threads; 0 means every available processor
 * @param seed seed of the subsampling and of the sample of TRAIN examples
 */
public record GbdtConfig(Categorical categorical, String objective, int maxRounds, int earlyStoppingRounds,
        double holdoutFraction, double eta, int maxDepth, double minChildWeight, double subsample,
        double colsampleByTree, int maxTrainRows, int threads, long seed) {

    /** How categorical slots (hashed ids, bucket indices) are given to the trees. */
    public enum Categorical {
        /** Each slot as a number (its bucket index; an empty slot is missing): trees split on ranges of codes. */
        CODES,
        /** Left out: the trees see the 32 numeric features only. */
        NONE
    }

    public GbdtConfig {
        if (categorical == null || objective == null || objective.isBlank()) {
            throw new IllegalArgumentException("categorical and objective are required");
        }
        if (maxRounds < 1 || earlyStoppingRounds < 1) {
            throw new IllegalArgumentException("maxRounds and earlyStoppingRounds must be >= 1");
        }
        if (!(holdoutFraction >= 0 && holdoutFraction < 0.5)) {
            throw new IllegalArgumentException("holdoutFraction must be in [0, 0.5), was " + holdoutFraction);
        }
        if (!(eta > 0 && eta <= 1) || maxDepth < 1 || !(subsample > 0 && subsample <= 1)
                || !(colsampleByTree > 0 && colsampleByTree <= 1) || !(minChildWeight >= 0)) {
            throw new IllegalArgumentException("invalid tree settings");
        }
        if (maxTrainRows < 10 || threads < 0) {
            throw new IllegalArgumentException("maxTrainRows must be >= 10 and threads >= 0");
        }
    }

    /** The defaults, with categorical slots as codes and a logistic objective. */
    public static GbdtConfig defaults() {
        return new GbdtConfig(Categorical.CODES, "binary:logistic", 1_000, 30, 0.1, 0.1, 6, 1, 0.8, 0.8,
                5_000_000, 0, 42);
    }

    /** This config with another categorical mode. */
    public GbdtConfig withCategorical(Categorical mode) {
        return new GbdtConfig(mode, objective, maxRounds, earlyStoppingRounds, holdoutFraction, eta, maxDepth,
                minChildWeight, subsample, colsampleByTree, maxTrainRows, threads, seed);
    }

    /** This config with another objective. */
    public GbdtConfig withObjective(String newObjective) {
        return new GbdtConfig(categorical, newObjective, maxRounds, earlyStoppingRounds, holdoutFraction, eta,
                maxDepth, minChildWeight, subsample, colsampleByTree, maxTrainRows, threads, seed);
    }

    /** Whether the objective ranks the ads of a display rather than predicting each click. */
    public boolean ranking() {
        return objective.startsWith("rank:");
    }
}
