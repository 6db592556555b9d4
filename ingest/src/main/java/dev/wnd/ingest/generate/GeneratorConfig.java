package dev.wnd.ingest.generate;

/**
 * What {@link DataGenerator} writes; validated on construction. {@link #defaults(long, long)} derives the sizes from
 * the number of displays the way Kaggle's data is shaped (many users with few displays each, documents and ads
 * shared across displays).
 *
 * @param displays displays (rows of events.csv), at least 10
 * @param seed seed of every random choice: the same config writes the same bytes
 * @param days days covered by the timestamps (Kaggle: 15)
 * @param testTailDays the last days whose displays all go to clicks_test (Kaggle: 2); less than {@code days}
 * @param testFraction share of the earlier displays that also go to clicks_test (Kaggle: about 0.1)
 * @param meanAdsPerDisplay mean number of ads per display, in [2, 12] (each display has 2 to 12 ads)
 * @param users distinct users (uuids)
 * @param documents distinct documents (pages and ad landing pages)
 * @param ads distinct ads
 * @param pageViewsPerDisplay mean number of page views in the 6 hours before each display, besides the page view of
 *     the display's own page, in [0, {@value #MAX_PAGE_VIEWS_PER_DISPLAY}] (Outbrain's full data set has about 88
 *     page views per display)
 * @param postClickViewRate share of clicks followed by a page view of the clicked ad's document (Outbrain's leak)
 * @param nullPlatformRate share of events whose platform is written {@code \N}
 * @param missingMetadataRate share of documents absent from every documents_* file
 * @param emptyMetadataFieldRate share of documents_meta rows with an empty source/publisher, and separately with an
 *     empty publish_time
 * @param world the planted click model ({@link PlantedWorld}); its own candidates and page views per display are
 *     defaults that {@link #defaults(long, long, PlantedWorld)} copies, the two settings above are what is used
 */
public record GeneratorConfig(long displays, long seed, int days, int testTailDays, double testFraction,
        double meanAdsPerDisplay, int users, int documents, int ads, double pageViewsPerDisplay,
        double postClickViewRate, double nullPlatformRate, double missingMetadataRate,
        double emptyMetadataFieldRate, PlantedWorld world) {

    /** The most displays one data set may have (display timestamps are kept in memory: 4 bytes each). */
    public static final long MAX_DISPLAYS = 200_000_000L;

    /**
     * The most page views per display on average: room for Outbrain's proportions (2 billion page views over 23
     * million displays), where the page views, not the displays, are most of the input.
     */
    public static final int MAX_PAGE_VIEWS_PER_DISPLAY = 100;

    /**
     * Whether {@code pageViewsPerDisplay} is a mean the generator takes: in [0, {@value #MAX_PAGE_VIEWS_PER_DISPLAY}]
     * (NaN is not). The one rule for the config, the planted world and the command-line option.
     */
    public static boolean allowsPageViewsPerDisplay(double pageViewsPerDisplay) {
        return pageViewsPerDisplay >= 0 && pageViewsPerDisplay <= MAX_PAGE_VIEWS_PER_DISPLAY;
    }

    public GeneratorConfig {
        if (displays < 10 || displays > MAX_DISPLAYS) {
            throw new IllegalArgumentException("displays must be in [10, " + MAX_DISPLAYS + "], was " + displays);
        }
        if (days < 1 || days > 24) {
            throw new IllegalArgumentException("days must be in [1, 24] (timestamps are int ms), was " + days);
        }
        if (testTailDays < 0 || testTailDays >= days) {
            throw new IllegalArgumentException("testTailDays must be in [0, days), was " + testTailDays);
        }
        requireRate("testFraction", testFraction, 0.9);
        if (!(meanAdsPerDisplay >= 2 && meanAdsPerDisplay <= 12)) {
            throw new IllegalArgumentException("meanAdsPerDisplay must be in [2, 12], was " + meanAdsPerDisplay);
        }
        if (users < 1) {
            throw new IllegalArgumentException("users must be >= 1, was " + users);
        }
        if (documents < 20) {
            throw new IllegalArgumentException("documents must be >= 20, was " + documents);
        }
        if (ads < 12) {
            throw new IllegalArgumentException("ads must be >= 12 (a display may show 12), was " + ads);
        }
        if (!allowsPageViewsPerDisplay(pageViewsPerDisplay)) {
            throw new IllegalArgumentException("pageViewsPerDisplay must be in [0, " + MAX_PAGE_VIEWS_PER_DISPLAY
                    + "], was " + pageViewsPerDisplay);
        }
        requireRate("postClickViewRate", postClickViewRate, 1);
        requireRate("nullPlatformRate", nullPlatformRate, 1);
        requireRate("missingMetadataRate", missingMetadataRate, 0.5);
        requireRate("emptyMetadataFieldRate", emptyMetadataFieldRate, 0.5);
        if (world == null) {
            throw new IllegalArgumentException("world must not be null");
        }
    }

    /** A config of the original world ({@link PlantedWorld#seedWorld()}). */
    public GeneratorConfig(long displays, long seed, int days, int testTailDays, double testFraction,
            double meanAdsPerDisplay, int users, int documents, int ads, double pageViewsPerDisplay,
            double postClickViewRate, double nullPlatformRate, double missingMetadataRate,
            double emptyMetadataFieldRate) {
        this(displays, seed, days, testTailDays, testFraction, meanAdsPerDisplay, users, documents, ads,
                pageViewsPerDisplay, postClickViewRate, nullPlatformRate, missingMetadataRate, emptyMetadataFieldRate,
                PlantedWorld.seedWorld());
    }

    private static void requireRate(String name, double value, double max) {
        if (!(value >= 0 && value <= max)) {
            throw new IllegalArgumentException(name + " must be in [0, " + max + "], was " + value);
        }
    }

    /**
     * The defaults for {@code displays} displays: 15 days, the last 2 all test plus 10% of the others, 5 ads per
     * display on average, displays/2 users, max(200, displays/4) documents, max(40, displays/20) ads, 2 page views
     * before each display, 10% post-click views, 0.1% {@code \N} platforms, 2% of documents without metadata and 2%
     * empty metadata fields.
     */
    public static GeneratorConfig defaults(long displays, long seed) {
        return defaults(displays, seed, PlantedWorld.seedWorld());
    }

    /**
     * The defaults of {@link #defaults(long, long)} in {@code world}, with the world's candidates and page views per
     * display.
     */
    public static GeneratorConfig defaults(long displays, long seed, PlantedWorld world) {
        if (displays < 10 || displays > MAX_DISPLAYS) {
            throw new IllegalArgumentException("displays must be in [10, " + MAX_DISPLAYS + "], was " + displays);
        }
        int users = (int) Math.max(1, displays / 2);
        int documents = (int) Math.max(200, displays / 4);
        int ads = (int) Math.max(40, displays / 20);
        return new GeneratorConfig(displays, seed, 15, 2, 0.1, world.meanAdsPerDisplay(), users, documents, ads,
                world.pageViewsPerDisplay(), 0.1, 0.001, 0.02, 0.02, world);
    }

    /** This config with another seed. */
    public GeneratorConfig withSeed(long newSeed) {
        return new GeneratorConfig(displays, newSeed, days, testTailDays, testFraction, meanAdsPerDisplay, users,
                documents, ads, pageViewsPerDisplay, postClickViewRate, nullPlatformRate, missingMetadataRate,
                emptyMetadataFieldRate, world);
    }

    /**
     * This config with another mean number of page views before each display, whatever the world's; the world's
     * click model and every other setting stay.
     */
    public GeneratorConfig withPageViewsPerDisplay(double newPageViewsPerDisplay) {
        return new GeneratorConfig(displays, seed, days, testTailDays, testFraction, meanAdsPerDisplay, users,
                documents, ads, newPageViewsPerDisplay, postClickViewRate, nullPlatformRate, missingMetadataRate,
                emptyMetadataFieldRate, world);
    }
}
