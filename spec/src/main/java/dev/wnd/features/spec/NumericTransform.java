package dev.wnd.features.spec;

/**
 * The seed's numeric transforms, made streamable.
 *
 * <p>The seed min-max scales {@code log2(1 + 1000 x)} (floats) and {@code log2(1 + x)} (counts) with the minimum
 * and maximum taken over the whole data set, train and validation together: a second pass a stream cannot make,
 * and a leak of future data into the scale. Here the same logarithms are divided by the logarithm of a fixed,
 * documented cap per feature ({@link NumericFeature#cap()}), and clipped to [0, 1]. The seed's minimum is 0 for
 * every such column (CTRs, similarities and counts start at 0), so this equals the seed's scaling whenever the
 * data's maximum equals the cap, and stays fixed while the stream runs.
 */
public enum NumericTransform {
    /** The value as it is (the seed's {@code *_conf} columns, already in [0, 1]). */
    RAW,
    /** {@code log2(1 + 1000 x) / log2(1 + 1000 cap)}, for CTRs and similarities. */
    LOG_FLOAT,
    /** {@code log2(1 + x) / log2(1 + cap)}, for counts and day or hour numbers. */
    LOG_INT
}
