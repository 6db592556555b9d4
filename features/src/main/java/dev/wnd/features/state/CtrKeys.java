package dev.wnd.features.state;

/**
 * The keys of the CTR store, one per (family, id): {@code <prefix>:<id>} or {@code <prefix>:<country>:<id>}.
 * Pure; the features topology (writing) and the assembler (reading) build keys only here.
 */
public final class CtrKeys {

    private CtrKeys() {
    }

    public static String ad(long adId) {
        return CtrFamily.AD.prefix() + ":" + adId;
    }

    public static String adDocument(long documentId) {
        return CtrFamily.AD_DOCUMENT.prefix() + ":" + documentId;
    }

    public static String pageAdDocument(long pageDocumentId, long adDocumentId) {
        return CtrFamily.PAGE_AD_DOCUMENT.prefix() + ":" + pageDocumentId + ":" + adDocumentId;
    }

    public static String campaign(long campaignId) {
        return CtrFamily.CAMPAIGN.prefix() + ":" + campaignId;
    }

    public static String advertiser(long advertiserId) {
        return CtrFamily.ADVERTISER.prefix() + ":" + advertiserId;
    }

    public static String source(long sourceId) {
        return CtrFamily.SOURCE.prefix() + ":" + sourceId;
    }

    public static String sourceInCountry(String country, long sourceId) {
        return CtrFamily.SOURCE_COUNTRY.prefix() + ":" + country + ":" + sourceId;
    }

    /** @param publisherKey see {@link dev.wnd.features.fn.FeatureFunctions#publisherKey(Long, long)} */
    public static String publisher(long publisherKey) {
        return CtrFamily.PUBLISHER.prefix() + ":" + publisherKey;
    }

    public static String aspect(AspectKind kind, long aspectKey) {
        return CtrFamily.of(kind).prefix() + ":" + aspectKey;
    }

    public static String aspectInCountry(AspectKind kind, String country, long aspectKey) {
        return CtrFamily.perCountry(kind).prefix() + ":" + country + ":" + aspectKey;
    }
}
