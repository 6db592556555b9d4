package dev.wnd.features.state;

/**
 * What is remembered of a user's most recent page view of one document.
 *
 * @param documentId the document viewed
 * @param day day number of the view ({@link dev.wnd.features.fn.FeatureFunctions#day(long)})
 * @param platform the view's platform 1..3, 0 when unknown
 * @param geoHash {@link dev.wnd.features.fn.FeatureFunctions#geoHash(String)} of the view's geo location, 0 when
 *     unknown
 * @param trafficSource the view's traffic source 1..3, 0 when unknown
 * @param profiled whether the view counted in the user's profile (the document had metadata and aspects)
 */
public record ViewedDocument(long documentId, int day, int platform, int geoHash, int trafficSource,
        boolean profiled) {
}
