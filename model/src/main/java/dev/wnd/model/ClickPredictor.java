package dev.wnd.model;

/**
 * Click probabilities for a batch of feature vectors, from one fixed model version.
 *
 * <p>Not thread-safe: one instance per thread (DJL predictors are thread-confined). Closing releases native memory.
 */
public interface ClickPredictor extends AutoCloseable {

    /** P(click) per row of {@code batch}, in row order; labels, if any, are ignored. */
    float[] predict(Batch batch);

    /** The version of the model this predictor serves (a checkpoint's or serving snapshot's version string). */
    String modelVersion();

    /** The feature-spec hash the model was trained with; inputs must have been built with the same spec. */
    String specHash();

    @Override
    void close();
}
