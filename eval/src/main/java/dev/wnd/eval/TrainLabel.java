package dev.wnd.eval;

/**
 * The label of one TRAIN (display, ad) pair: what the ad-CTR baseline learns from.
 *
 * @param adId the ad
 * @param timestamp the display's time, ms after the Outbrain base time; its label becomes known
 *     {@link EvaluatorConfig#labelDelayMs()} later
 * @param label 1 if the ad was clicked, else 0
 */
public record TrainLabel(long adId, long timestamp, int label) {

    public TrainLabel {
        if (label != 0 && label != 1) {
            throw new IllegalArgumentException("label must be 0 or 1, got " + label);
        }
    }
}
