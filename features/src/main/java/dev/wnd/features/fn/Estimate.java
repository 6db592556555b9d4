package dev.wnd.features.fn;

/**
 * A popularity (CTR) or similarity value with the seed's confidence in it; the seed writes both, and their product
 * as {@code <name>_conf_multipl}.
 *
 * @param value the CTR or the cosine similarity
 * @param confidence how much to trust it, in [0, 1]
 */
public record Estimate(double value, double confidence) {

    /** The seed's {@code _conf_multipl} column: value times confidence. */
    public double confidenceMultiplied() {
        return value * confidence;
    }
}
