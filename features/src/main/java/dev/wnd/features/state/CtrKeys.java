package dev.wnd.features.state;

import dev.wnd.features.fn.FeatureFunctions;

/**
 * The keys of the CTR store, one 64-bit key per (family, ids), and of its distinct-ad markers. Pure; the features
 * topology (writing) and the assembler (reading) build keys only here.
 *
 * <p>A key's top {@value #FAMILY_BITS} bits are its family's {@link CtrFamily#code() code}; the other 60 are a hash
 * of its ids (and country). Long keys, where strings such as {@code "topc:US:42"} were used before, cost no string
 * building, hashing or comparing of characters per lookup, and an open-addressing table holds them unboxed: a
 * display reads about 20 keys per ad and a label updates about 30 per ad. Two distinct keys of one family share
 * a hash with probability about n²/2^61 for n keys (below 10^-6 for a million keys); they would then merge their
 * counts, as two entities colliding on {@link FeatureFunctions#entityKey(String)} would.
 */
public final class CtrKeys {

    /** Bits of a key that name its family. */
    public static final int FAMILY_BITS = 4;
    private static final int SHIFT = Long.SIZE - FAMILY_BITS;

    private static final int AD_MARKER = 1;
    private static final int AD_IN_COUNTRY_MARKER = 2;
    private static final int AD_ON_PAGE_MARKER = 3;

    private CtrKeys() {
    }

    public static long ad(long adId) {
        return key(CtrFamily.AD.code(), adId);
    }

    public static long adDocument(long documentId) {
        return key(CtrFamily.AD_DOCUMENT.code(), documentId);
    }

    public static long pageAdDocument(long pageDocumentId, long adDocumentId) {
        return key(CtrFamily.PAGE_AD_DOCUMENT.code(), pageDocumentId, adDocumentId);
    }

    public static long campaign(long campaignId) {
        return key(CtrFamily.CAMPAIGN.code(), campaignId);
    }

    public static long advertiser(long advertiserId) {
        return key(CtrFamily.ADVERTISER.code(), advertiserId);
    }

    public static long source(long sourceId) {
        return key(CtrFamily.SOURCE.code(), sourceId);
    }

    /** @param country see {@link #country(String)} */
    public static long sourceInCountry(long country, long sourceId) {
        return key(CtrFamily.SOURCE_COUNTRY.code(), country, sourceId);
    }

    /** @param publisherKey see {@link dev.wnd.features.fn.FeatureFunctions#publisherKey(Long, long)} */
    public static long publisher(long publisherKey) {
        return key(CtrFamily.PUBLISHER.code(), publisherKey);
    }

    public static long aspect(AspectKind kind, long aspectKey) {
        return key(CtrFamily.of(kind).code(), aspectKey);
    }

    /** @param country see {@link #country(String)} */
    public static long aspectInCountry(AspectKind kind, long country, long aspectKey) {
        return key(CtrFamily.perCountry(kind).code(), country, aspectKey);
    }

    /** A country code (the display's, as {@link FeatureFunctions#country(String)} gives it) as the per-country keys take it. */
    public static long country(String country) {
        return FeatureFunctions.fnv64(country);
    }

    /** The family of a CTR key. */
    public static CtrFamily family(long key) {
        return CtrFamily.ofCode((int) (key >>> SHIFT));
    }

    /** The marker of an ad counted under its ad-side keys (document, campaign, advertiser, source, aspects ...). */
    public static long adMarker(long adId) {
        return key(AD_MARKER, adId);
    }

    /** The marker of an ad counted under its per-country keys of one country. */
    public static long adInCountryMarker(long adId, long country) {
        return key(AD_IN_COUNTRY_MARKER, adId, country);
    }

    /** The marker of an ad counted under its (page, ad document) key of one page. */
    public static long adOnPageMarker(long adId, long pageDocumentId) {
        return key(AD_ON_PAGE_MARKER, adId, pageDocumentId);
    }

    private static long key(int code, long id) {
        return ((long) code << SHIFT) | (FeatureFunctions.mix64(id) >>> FAMILY_BITS);
    }

    private static long key(int code, long first, long second) {
        return key(code, FeatureFunctions.mix64(first) + second);
    }
}
