package dev.wnd.features.state;

/**
 * The seed's CTR key families ({@code preproc3.py}, "Average CTR by ..."), with their view thresholds: a key's CTR
 * is known only after more than {@link #minViewsExclusive()} labelled impressions. Ad-side ids (source, publisher,
 * aspects) are those of the ad's landing document; countries are the display's.
 *
 * <p>Five families feed none of the seed's 54 training columns ({@link #PAGE_AD_DOCUMENT} and the four
 * {@code *_COUNTRY} families): the seed computes them, and they are kept for parity and later specs.
 */
public enum CtrFamily {
    AD("ad", 5, null),
    AD_DOCUMENT("adoc", 5, null),
    PAGE_AD_DOCUMENT("padoc", 5, null),
    SOURCE("src", 10, null),
    SOURCE_COUNTRY("srcc", 5, null),
    PUBLISHER("pub", 10, null),
    ADVERTISER("adv", 10, null),
    CAMPAIGN("camp", 10, null),
    TOPIC("top", 10, AspectKind.TOPIC),
    TOPIC_COUNTRY("topc", 10, AspectKind.TOPIC),
    ENTITY("ent", 5, AspectKind.ENTITY),
    ENTITY_COUNTRY("entc", 5, AspectKind.ENTITY),
    CATEGORY("cat", 10, AspectKind.CATEGORY),
    CATEGORY_COUNTRY("catc", 10, AspectKind.CATEGORY);

    private final String prefix;
    private final int minViewsExclusive;
    private final AspectKind aspect;

    CtrFamily(String prefix, int minViewsExclusive, AspectKind aspect) {
        this.prefix = prefix;
        this.minViewsExclusive = minViewsExclusive;
        this.aspect = aspect;
    }

    /** The key prefix in the CTR store. */
    public String prefix() {
        return prefix;
    }

    /** The seed keeps a key's CTR only when it has more than this many labelled impressions. */
    public int minViewsExclusive() {
        return minViewsExclusive;
    }

    /** The aspect kind of an aspect family (its confidence is weighted by the mean document confidence), or null. */
    public AspectKind aspect() {
        return aspect;
    }

    /** The plain (not per-country) family of an aspect kind. */
    public static CtrFamily of(AspectKind kind) {
        return switch (kind) {
            case TOPIC -> TOPIC;
            case ENTITY -> ENTITY;
            case CATEGORY -> CATEGORY;
        };
    }

    /** The per-country family of an aspect kind. */
    public static CtrFamily perCountry(AspectKind kind) {
        return switch (kind) {
            case TOPIC -> TOPIC_COUNTRY;
            case ENTITY -> ENTITY_COUNTRY;
            case CATEGORY -> CATEGORY_COUNTRY;
        };
    }
}
