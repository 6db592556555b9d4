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
    AD(1, 5, null),
    AD_DOCUMENT(2, 5, null),
    PAGE_AD_DOCUMENT(3, 5, null),
    SOURCE(4, 10, null),
    SOURCE_COUNTRY(5, 5, null),
    PUBLISHER(6, 10, null),
    ADVERTISER(7, 10, null),
    CAMPAIGN(8, 10, null),
    TOPIC(9, 10, AspectKind.TOPIC),
    TOPIC_COUNTRY(10, 10, AspectKind.TOPIC),
    ENTITY(11, 5, AspectKind.ENTITY),
    ENTITY_COUNTRY(12, 5, AspectKind.ENTITY),
    CATEGORY(13, 10, AspectKind.CATEGORY),
    CATEGORY_COUNTRY(14, 10, AspectKind.CATEGORY);

    private static final CtrFamily[] BY_CODE = new CtrFamily[16];

    static {
        for (CtrFamily f : values()) {
            BY_CODE[f.code] = f;
        }
    }

    private final int code;
    private final int minViewsExclusive;
    private final AspectKind aspect;

    CtrFamily(int code, int minViewsExclusive, AspectKind aspect) {
        this.code = code;
        this.minViewsExclusive = minViewsExclusive;
        this.aspect = aspect;
    }

    /**
     * The family's code in the top bits of its CTR keys ({@link CtrKeys}): stored in state and changelogs, so a
     * family keeps its code for good (1 to 15).
     */
    public int code() {
        return code;
    }

    /** The family with code {@code code}. */
    public static CtrFamily ofCode(int code) {
        CtrFamily f = code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
        if (f == null) {
            throw new IllegalArgumentException("no CTR family has code " + code);
        }
        return f;
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
