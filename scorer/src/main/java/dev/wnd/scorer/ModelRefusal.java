package dev.wnd.scorer;

/**
 * Why the model feed does not serve an announced model version. Thrown and caught inside the feed, which logs it as
 * one line and counts it ({@link Cause#metricsCause()}); it carries no stack trace, as it reports an input, not a
 * fault of the scorer.
 */
final class ModelRefusal extends Exception {

    /** The kinds of refusal. */
    enum Cause {
        /** The announcement cannot be decoded, names no path, or names something that is no model version. */
        MALFORMED(ScorerMetrics.REFUSED_MALFORMED),
        /** The path leads out of the scorer's model directory ({@code ..}, another directory, a symbolic link). */
        OUTSIDE_MODEL_DIRECTORY(ScorerMetrics.REFUSED_OUTSIDE_MODEL_DIR),
        /**
         * Its generation is not newer than the one served: serving it would roll the model back (a replayed or
         * stray announcement, or a fallback that moved past it). A version the feed passed while the announcement
         * waited to be applied is not refused but skipped ({@link ScorerMetrics#modelSkipped}).
         */
        NOT_NEWER(ScorerMetrics.REFUSED_NOT_NEWER),
        /** Trained on another feature spec (by the announcement or by its manifest). */
        FOREIGN_SPEC(ScorerMetrics.REFUSED_SPEC),
        /** Missing, failing verification, or failing to build. */
        UNLOADABLE(ScorerMetrics.REFUSED_UNLOADABLE);

        private final String metricsCause;

        Cause(String metricsCause) {
            this.metricsCause = metricsCause;
        }

        /** The {@link ScorerMetrics#modelRefused} cause this counts as. */
        String metricsCause() {
            return metricsCause;
        }
    }

    private final Cause cause;

    ModelRefusal(Cause cause, String reason) {
        super(reason, null, false, false);
        this.cause = cause;
    }

    /** The kind of refusal. */
    Cause kind() {
        return cause;
    }
}
