package dev.wnd.ingest.generate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Which click model a generated data set plants, and the shape of its displays: drawn from a world seed
 * ({@link #draw(long)}), so that one generator makes many different worlds. World 0 ({@link #seedWorld()}) is the
 * generator's original world, kept byte for byte.
 *
 * <h2>The click model</h2>
 * The utility of ad a (landing document d, campaign c, advertiser v) for user u on page p with platform k from geo
 * region g at time t is
 * <pre>
 *   adSd·z(a) + campaignSd·z(c) + advertiserPlatformSd·z(v, k)
 *   + userTopicWeight·cos(u's liked topics, d's topics) + pageSimilarityWeight·cos(p's topics, d's topics)
 *   + freshnessWeight·exp(−age(d, t) / freshnessDays)
 *   + advertiserSd·z(v) + userCategoryWeight·cos(u's categories, d's categories)
 *   + userEntityWeight·(share of d's entities on u's liked topics)
 *   + geoAdSd·z(c, g) + timeOfDaySd·z'(c)·cos(2π (hour(t) − peak(c)) / 24)
 * </pre>
 * where every z is a standard normal drawn per entity (or per pair) from the data seed, a user's categories are those
 * of the topics they like, and g is the country, or the state in the US. The clicked ad of a display is drawn from
 * {@code (1 − labelNoise)·softmax(utilities) + labelNoise / n} over its n ads: label noise is a share of clicks that
 * ignore the utilities. The truth files hold exactly these probabilities.
 *
 * <h2>The shape</h2>
 * {@link #meanAdsPerDisplay()} candidates per display and {@link #pageViewsPerDisplay()} page views in the hours
 * before each display; {@link GeneratorConfig#defaults(long, long, PlantedWorld)} takes them into the config.
 *
 * @param worldSeed the seed this world was drawn from (0 for the original world)
 * @param adSd spread of the ads' own appeal (ad popularity)
 * @param campaignSd spread of the campaigns' appeal
 * @param advertiserSd spread of the advertisers' appeal
 * @param advertiserPlatformSd spread of the platform × advertiser effect
 * @param userTopicWeight weight of the user × landing-page topic similarity
 * @param userCategoryWeight weight of the user × landing-page category similarity
 * @param userEntityWeight weight of the user × landing-page entity affinity
 * @param pageSimilarityWeight weight of the page × landing-page topic similarity
 * @param geoAdSd spread of the geography × campaign effect
 * @param freshnessWeight weight of the landing page's freshness
 * @param freshnessDays how fast freshness decays (days), positive
 * @param timeOfDaySd spread of the campaigns' time-of-day amplitude
 * @param labelNoise share of clicks drawn uniformly among the display's ads, in [0, 0.9]
 * @param meanAdsPerDisplay mean candidates per display, in [2, 12]
 * @param pageViewsPerDisplay mean page views before each display, in [0,
 *     {@value GeneratorConfig#MAX_PAGE_VIEWS_PER_DISPLAY}]
 */
public record PlantedWorld(long worldSeed, double adSd, double campaignSd, double advertiserSd,
        double advertiserPlatformSd, double userTopicWeight, double userCategoryWeight, double userEntityWeight,
        double pageSimilarityWeight, double geoAdSd, double freshnessWeight, double freshnessDays,
        double timeOfDaySd, double labelNoise, double meanAdsPerDisplay, double pageViewsPerDisplay) {

    /** Effects a drawn world (seed other than 0) plants at least. */
    static final int MIN_EFFECTS = 3;

    public PlantedWorld {
        for (double v : new double[] {adSd, campaignSd, advertiserSd, advertiserPlatformSd, userTopicWeight,
            userCategoryWeight, userEntityWeight, pageSimilarityWeight, geoAdSd, freshnessWeight, timeOfDaySd}) {
            if (!(v >= 0 && v <= 10)) {
                throw new IllegalArgumentException("effect strengths must be in [0, 10], got " + v);
            }
        }
        if (!(freshnessDays > 0 && freshnessDays <= 1000)) {
            throw new IllegalArgumentException("freshnessDays must be in (0, 1000], got " + freshnessDays);
        }
        if (!(labelNoise >= 0 && labelNoise <= 0.9)) {
            throw new IllegalArgumentException("labelNoise must be in [0, 0.9], got " + labelNoise);
        }
        if (!(meanAdsPerDisplay >= 2 && meanAdsPerDisplay <= 12)) {
            throw new IllegalArgumentException("meanAdsPerDisplay must be in [2, 12], got " + meanAdsPerDisplay);
        }
        if (!GeneratorConfig.allowsPageViewsPerDisplay(pageViewsPerDisplay)) {
            throw new IllegalArgumentException("pageViewsPerDisplay must be in [0, "
                    + GeneratorConfig.MAX_PAGE_VIEWS_PER_DISPLAY + "], got " + pageViewsPerDisplay);
        }
    }

    /**
     * The original world (seed 0): ad 0.6, campaign 0.4, platform × advertiser 0.4, user × topic 1.8, page × topic
     * 1.2, freshness 1.0 over 7 days; no advertiser, category, entity, geography or time-of-day effect; no label
     * noise; 5 ads and 2 page views per display.
     */
    public static PlantedWorld seedWorld() {
        return new PlantedWorld(0, 0.6, 0.4, 0, 0.4, 1.8, 0, 0, 1.2, 0, 1.0, 7.0, 0, 0, 5.0, 2.0);
    }

    /**
     * The world of {@code worldSeed}: {@link #seedWorld()} for 0; otherwise each effect is planted with a
     * probability of its own and a random strength (at least {@value #MIN_EFFECTS} effects planted), with random
     * label noise in [0, 0.3), 3 to 9 candidates and 0.5 to 8 page views per display. Same seed, same world.
     */
    public static PlantedWorld draw(long worldSeed) {
        if (worldSeed == 0) {
            return seedWorld();
        }
        // Mixed, not multiplied: SplittableRandom steps its seed by the golden gamma, so seeds W and W + 1 scaled by
        // that gamma would give one stream shifted by a draw.
        SplittableRandom r = new SplittableRandom(mix(worldSeed ^ 0x5DEECE66DL));
        // Every value is drawn whether or not its effect is planted, so each keeps its place in the stream.
        double[] strength = new double[11];
        boolean[] on = new boolean[11];
        double[][] ranges = {{0.2, 1.2}, {0.1, 0.8}, {0.1, 0.8}, {0.1, 0.8}, {0.5, 3.0}, {0.3, 2.0}, {0.3, 2.0},
            {0.3, 2.5}, {0.2, 1.0}, {0.3, 2.0}, {0.2, 1.0}};
        double[] chance = {0.85, 0.6, 0.5, 0.5, 0.75, 0.4, 0.4, 0.7, 0.4, 0.6, 0.4};
        int planted = 0;
        for (int i = 0; i < strength.length; i++) {
            on[i] = r.nextDouble() < chance[i];
            strength[i] = ranges[i][0] + (ranges[i][1] - ranges[i][0]) * r.nextDouble();
            planted += on[i] ? 1 : 0;
        }
        // Too few effects: plant the most common ones (ad, user × topic, page × topic) until there are enough.
        for (int i : new int[] {0, 4, 7}) {
            if (planted < MIN_EFFECTS && !on[i]) {
                on[i] = true;
                planted++;
            }
        }
        double freshnessDays = Math.exp(r.nextDouble() * Math.log(30));
        double labelNoise = 0.3 * r.nextDouble();
        double meanAds = 3 + 6 * r.nextDouble();
        double pageViews = 0.5 * Math.exp(r.nextDouble() * Math.log(16));
        double[] s = new double[11];
        for (int i = 0; i < s.length; i++) {
            s[i] = on[i] ? round3(strength[i]) : 0;
        }
        return new PlantedWorld(worldSeed, s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9],
                round3(freshnessDays), s[10], round3(labelNoise), round3(meanAds), round3(pageViews));
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
        z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
        return z ^ (z >>> 33);
    }

    private static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    /** The names of the planted effects, in the order of the formula's terms. */
    public List<String> plantedEffects() {
        List<String> out = new ArrayList<>();
        effects().forEach((name, strength) -> {
            if (strength > 0) {
                out.add(name);
            }
        });
        return out;
    }

    /** Every effect's strength by name (0 where not planted), in the order of the formula's terms. */
    public Map<String, Double> effects() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("ad", adSd);
        m.put("campaign", campaignSd);
        m.put("platform_x_advertiser", advertiserPlatformSd);
        m.put("user_x_topic", userTopicWeight);
        m.put("page_x_topic", pageSimilarityWeight);
        m.put("freshness", freshnessWeight);
        m.put("advertiser", advertiserSd);
        m.put("user_x_category", userCategoryWeight);
        m.put("user_x_entity", userEntityWeight);
        m.put("geo_x_campaign", geoAdSd);
        m.put("time_of_day", timeOfDaySd);
        return m;
    }

    /** A one-line description: the seed, the planted effects with their strengths, noise and shape. */
    public String describe() {
        StringBuilder b = new StringBuilder("world ").append(worldSeed).append(':');
        effects().forEach((name, strength) -> {
            if (strength > 0) {
                b.append(' ').append(name).append(' ').append(strength);
            }
        });
        if (freshnessWeight > 0) {
            b.append(" (over ").append(freshnessDays).append(" days)");
        }
        return b.append("; label noise ").append(labelNoise).append("; ").append(meanAdsPerDisplay)
                .append(" ads and ").append(pageViewsPerDisplay).append(" page views per display").toString();
    }
}
