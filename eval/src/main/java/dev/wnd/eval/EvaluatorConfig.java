package dev.wnd.eval;

/**
 * Settings of the {@link Evaluator}'s ad-CTR baseline; validated on construction.
 *
 * @param labelDelayMs a TRAIN label counts for a display at time t only if {@code label.timestamp + labelDelayMs < t}:
 *     the same delay the replay releases labels with (default 1 hour, as {@code --label-delay}); &gt;= 0
 * @param priorStrength m in the smoothed CTR {@code (clicks + m * globalCtr) / (views + m)}: an ad never seen
 *     before scores the global CTR, and an ad's own history outweighs the prior after m views (default 10); &gt; 0
 */
public record EvaluatorConfig(long labelDelayMs, double priorStrength) {

    /** The default label delay: one hour, as the replay's default. */
    public static final long DEFAULT_LABEL_DELAY_MS = 3_600_000L;
    /** The default prior strength, in views. */
    public static final double DEFAULT_PRIOR_STRENGTH = 10.0;

    public EvaluatorConfig {
        if (labelDelayMs < 0) {
            throw new IllegalArgumentException("labelDelayMs must be >= 0, got " + labelDelayMs);
        }
        if (!(priorStrength > 0) || Double.isInfinite(priorStrength)) {
            throw new IllegalArgumentException("priorStrength must be > 0 and finite, got " + priorStrength);
        }
    }

    /** One hour of label delay, a prior worth 10 views. */
    public static EvaluatorConfig defaults() {
        return new EvaluatorConfig(DEFAULT_LABEL_DELAY_MS, DEFAULT_PRIOR_STRENGTH);
    }
}
