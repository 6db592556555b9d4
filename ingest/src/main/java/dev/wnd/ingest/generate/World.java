package dev.wnd.ingest.generate;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The entities of a synthetic data set and their planted truth: topics, categories, entities, documents (with
 * sources, publishers, publish times), ads (with campaigns, advertisers and landing documents) and users (with the
 * topics they like, their platform and geo location). Everything lives in primitive arrays indexed by position;
 * the ids written to the files are derived from the positions and increase with them. The planted click model's
 * terms and strengths come from the {@link PlantedWorld}; {@link #utility} computes it.
 */
final class World {

    static final int TOPICS = 300;
    static final int DOC_TOPICS = 3;
    static final int DOC_CATEGORIES = 2;
    static final int DOC_ENTITIES = 4;
    static final int USER_TOPICS = 3;
    static final long DAY_MS = 86_400_000L;

    static final int META_MISSING = 1;
    static final int META_EMPTY_SOURCE = 2;
    static final int META_EMPTY_PUBLISHER = 4;
    static final int META_EMPTY_PUBLISH_TIME = 8;

    static final long HOUR_MS = 3_600_000L;

    final PlantedWorld planted;

    final int[] categoryIds;
    final int[] topicCategory = new int[TOPICS];

    final int entities;
    final long[] entityHigh;
    final long[] entityLow;
    final int[] entityTopic;

    final int docs;
    final int[] docId;
    final int[] docTopic;
    final float[] docTopicConf;
    final double[] docNorm;
    final int[] docCategory;
    final float[] docCategoryConf;
    final int[] docEntity;
    final float[] docEntityConf;
    final int[] docSource;
    final long[] docPublish;
    final byte[] docFlags;
    final int[] topicDocStart = new int[TOPICS + 1];
    final int[] topicDocs;

    final int[] sourceId;
    final int[] sourcePublisher;
    final int[] publisherId;

    final int ads;
    final int[] adId;
    final int[] adDoc;
    final int[] adCampaign;
    final double[] adQuality;
    final int[] campaignId;
    final int[] campaignAdvertiser;
    final double[] campaignQuality;
    final int[] advertiserId;
    final double[] advertiserPlatform;
    final double[] advertiserQuality;
    final double[] campaignPeakHour;
    final double[] campaignTimeOfDay;
    private final long geoEffectKey;
    final int[] topicAdStart = new int[TOPICS + 1];
    final int[] topicAds;

    final int users;
    final long[] userUuid;
    final int[] userTopic;
    final float[] userTopicWeight;
    final double[] userNorm;
    final byte[] userPlatform;
    final short[] userGeo;

    final String[] geos;
    final int[] geoRegion;
    private final double[] geoCumulative;

    /**
     * Draws the entities from {@code rng} exactly as the original generator did (so world 0 keeps its bytes), and
     * the effects the original world did not have from {@code effectRng}.
     */
    World(GeneratorConfig config, SplittableRandom rng, SplittableRandom effectRng) {
        planted = config.world();
        categoryIds = new int[99];
        for (int i = 0; i < categoryIds.length; i++) {
            categoryIds[i] = 1000 + 100 * (i / 9) + (i % 9) + 1;
        }
        for (int t = 0; t < TOPICS; t++) {
            topicCategory[t] = rng.nextInt(categoryIds.length);
        }

        docs = config.documents();
        entities = Math.max(200, docs / 10);
        entityHigh = new long[entities];
        entityLow = new long[entities];
        entityTopic = new int[entities];
        for (int e = 0; e < entities; e++) {
            entityHigh[e] = rng.nextLong();
            entityLow[e] = rng.nextLong();
            entityTopic[e] = skewed(rng, TOPICS, 1.5);
        }
        int[] topicEntityStart = new int[TOPICS + 1];
        int[] topicEntities = index(entityTopic, 1, entities, topicEntityStart);

        int sources = Math.max(10, docs / 40);
        int publishers = Math.max(5, sources / 3);
        publisherId = increasingIds(rng, publishers, 1, 3);
        sourceId = increasingIds(rng, sources, 1, 4);
        sourcePublisher = new int[sources];
        for (int s = 0; s < sources; s++) {
            sourcePublisher[s] = skewed(rng, publishers, 1.5);
        }

        docId = increasingIds(rng, docs, 1, 6);
        docTopic = new int[docs * DOC_TOPICS];
        docTopicConf = new float[docs * DOC_TOPICS];
        docNorm = new double[docs];
        docCategory = new int[docs * DOC_CATEGORIES];
        docCategoryConf = new float[docs * DOC_CATEGORIES];
        docEntity = new int[docs * DOC_ENTITIES];
        docEntityConf = new float[docs * DOC_ENTITIES];
        docSource = new int[docs];
        docPublish = new long[docs];
        docFlags = new byte[docs];
        Arrays.fill(docTopic, -1);
        Arrays.fill(docCategory, -1);
        Arrays.fill(docEntity, -1);
        long windowMs = config.days() * DAY_MS;
        for (int d = 0; d < docs; d++) {
            int k = rng.nextDouble() < 0.45 ? 1 : rng.nextDouble() < 0.6 ? 2 : 3;
            int primary = skewed(rng, TOPICS, 1.5);
            docTopic[d * DOC_TOPICS] = primary;
            docTopicConf[d * DOC_TOPICS] = (float) (0.3 + 0.65 * rng.nextDouble());
            for (int j = 1; j < k; j++) {
                int t = skewed(rng, TOPICS, 1.5);
                if (!contains(docTopic, d * DOC_TOPICS, j, t)) {
                    docTopic[d * DOC_TOPICS + j] = t;
                    docTopicConf[d * DOC_TOPICS + j] = (float) (0.01 + 0.29 * rng.nextDouble());
                }
            }
            docNorm[d] = norm(docTopicConf, d * DOC_TOPICS, DOC_TOPICS);
            docCategory[d * DOC_CATEGORIES] = topicCategory[primary];
            docCategoryConf[d * DOC_CATEGORIES] = (float) (0.5 + 0.45 * rng.nextDouble());
            if (rng.nextDouble() < 0.4) {
                int c = rng.nextInt(categoryIds.length);
                if (c != topicCategory[primary]) {
                    docCategory[d * DOC_CATEGORIES + 1] = c;
                    docCategoryConf[d * DOC_CATEGORIES + 1] = (float) (0.05 + 0.25 * rng.nextDouble());
                }
            }
            int entityCount = rng.nextInt(DOC_ENTITIES + 1);
            for (int j = 0; j < entityCount; j++) {
                int count = topicEntityStart[primary + 1] - topicEntityStart[primary];
                int e = rng.nextDouble() < 0.7 && count > 0
                        ? topicEntities[topicEntityStart[primary] + rng.nextInt(count)]
                        : rng.nextInt(entities);
                if (!contains(docEntity, d * DOC_ENTITIES, j, e)) {
                    docEntity[d * DOC_ENTITIES + j] = e;
                    docEntityConf[d * DOC_ENTITIES + j] = (float) (0.2 + 0.7 * rng.nextDouble());
                }
            }
            docSource[d] = skewed(rng, sources, 1.5);
            if (rng.nextDouble() < 0.75) {
                double ageDays = Math.exp(rng.nextDouble() * Math.log(1000));
                docPublish[d] = -(long) (ageDays * DAY_MS);
            } else {
                docPublish[d] = -30 * DAY_MS + (long) (rng.nextDouble() * (30 * DAY_MS + windowMs));
            }
            docPublish[d] -= Math.floorMod(docPublish[d], 1000L);
            int flags = 0;
            if (rng.nextDouble() < config.missingMetadataRate()) {
                flags |= META_MISSING;
            }
            double empty = rng.nextDouble();
            if (empty < config.emptyMetadataFieldRate() / 2) {
                flags |= META_EMPTY_SOURCE | META_EMPTY_PUBLISHER;
            } else if (empty < config.emptyMetadataFieldRate()) {
                flags |= META_EMPTY_PUBLISHER;
            }
            if (rng.nextDouble() < config.emptyMetadataFieldRate()) {
                flags |= META_EMPTY_PUBLISH_TIME;
            }
            docFlags[d] = (byte) flags;
        }
        topicDocs = index(docTopic, DOC_TOPICS, docs, topicDocStart);

        ads = config.ads();
        adId = increasingIds(rng, ads, 1, 5);
        int landingDocs = Math.max(12, Math.min(docs / 2, (int) (ads * 0.8)));
        int campaigns = Math.max(6, ads / 6);
        int advertisers = Math.max(3, campaigns / 4);
        campaignId = increasingIds(rng, campaigns, 1, 3);
        advertiserId = increasingIds(rng, advertisers, 1, 3);
        campaignAdvertiser = new int[campaigns];
        campaignQuality = new double[campaigns];
        for (int c = 0; c < campaigns; c++) {
            campaignAdvertiser[c] = skewed(rng, advertisers, 1.3);
            campaignQuality[c] = planted.campaignSd() * rng.nextGaussian();
        }
        advertiserPlatform = new double[advertisers * 3];
        for (int i = 0; i < advertiserPlatform.length; i++) {
            advertiserPlatform[i] = planted.advertiserPlatformSd() * rng.nextGaussian();
        }
        adDoc = new int[ads];
        adCampaign = new int[ads];
        adQuality = new double[ads];
        for (int a = 0; a < ads; a++) {
            adDoc[a] = a < landingDocs ? a : rng.nextInt(landingDocs);
            adCampaign[a] = rng.nextInt(campaigns);
            adQuality[a] = planted.adSd() * rng.nextGaussian();
        }
        int[] adPrimaryTopic = new int[ads];
        for (int a = 0; a < ads; a++) {
            adPrimaryTopic[a] = docTopic[adDoc[a] * DOC_TOPICS];
        }
        topicAds = index(adPrimaryTopic, 1, ads, topicAdStart);

        String[] geoTable = geoTable(rng);
        geos = geoTable;
        geoRegion = new int[geoTable.length];
        Map<String, Integer> regions = new HashMap<>();
        for (int g = 0; g < geoTable.length; g++) {
            String geo = geoTable[g];
            String region = geo.startsWith("US>") ? geo.substring(0, 5) : geo;
            geoRegion[g] = regions.computeIfAbsent(region, k -> regions.size());
        }
        geoCumulative = new double[geoTable.length];
        double total = 0;
        for (int g = 0; g < geoTable.length; g++) {
            total += geoWeight(geoTable[g]);
            geoCumulative[g] = total;
        }

        users = config.users();
        userUuid = new long[users];
        userTopic = new int[users * USER_TOPICS];
        userTopicWeight = new float[users * USER_TOPICS];
        userNorm = new double[users];
        userPlatform = new byte[users];
        userGeo = new short[users];
        Arrays.fill(userTopic, -1);
        for (int u = 0; u < users; u++) {
            userUuid[u] = rng.nextLong() & 0x00ff_ffff_ffff_ffffL;
            int k = 1 + rng.nextInt(USER_TOPICS);
            for (int j = 0; j < k; j++) {
                int t = skewed(rng, TOPICS, 1.5);
                if (!contains(userTopic, u * USER_TOPICS, j, t)) {
                    userTopic[u * USER_TOPICS + j] = t;
                    userTopicWeight[u * USER_TOPICS + j] = (float) (j == 0 ? 0.6 + 0.4 * rng.nextDouble()
                            : 0.15 + 0.35 * rng.nextDouble());
                }
            }
            userNorm[u] = norm(userTopicWeight, u * USER_TOPICS, USER_TOPICS);
            double p = rng.nextDouble();
            userPlatform[u] = (byte) (p < 0.4 ? 1 : p < 0.85 ? 2 : 3);
            userGeo[u] = (short) pick(geoCumulative, rng.nextDouble() * total);
        }

        advertiserQuality = new double[advertisers];
        for (int v = 0; v < advertisers; v++) {
            advertiserQuality[v] = planted.advertiserSd() * effectRng.nextGaussian();
        }
        campaignPeakHour = new double[campaigns];
        campaignTimeOfDay = new double[campaigns];
        for (int c = 0; c < campaigns; c++) {
            campaignPeakHour[c] = 24 * effectRng.nextDouble();
            campaignTimeOfDay[c] = planted.timeOfDaySd() * effectRng.nextGaussian();
        }
        geoEffectKey = effectRng.nextLong();
    }

    /** An index in [0, n) with low indices more likely: floor(n * r^power). */
    static int skewed(SplittableRandom rng, int n, double power) {
        int i = (int) (n * Math.pow(rng.nextDouble(), power));
        return Math.min(i, n - 1);
    }

    private static boolean contains(int[] values, int from, int count, int value) {
        for (int i = from; i < from + count; i++) {
            if (values[i] == value) {
                return true;
            }
        }
        return false;
    }

    private static double norm(float[] weights, int from, int count) {
        double s = 0;
        for (int i = from; i < from + count; i++) {
            s += (double) weights[i] * weights[i];
        }
        return Math.sqrt(s);
    }

    /** n increasing ids starting at {@code first}, with random gaps below {@code maxStep}. */
    private static int[] increasingIds(SplittableRandom rng, int n, int first, int maxStep) {
        int[] ids = new int[n];
        int id = first;
        for (int i = 0; i < n; i++) {
            ids[i] = id;
            id += 1 + rng.nextInt(maxStep);
        }
        return ids;
    }

    /** Positions grouped by the topic in {@code topics[pos * stride]} (compressed rows: start offsets per topic). */
    private static int[] index(int[] topics, int stride, int n, int[] start) {
        for (int i = 0; i < n; i++) {
            start[topics[i * stride] + 1]++;
        }
        for (int t = 0; t < TOPICS; t++) {
            start[t + 1] += start[t];
        }
        int[] fill = Arrays.copyOf(start, TOPICS);
        int[] positions = new int[n];
        for (int i = 0; i < n; i++) {
            positions[fill[topics[i * stride]]++] = i;
        }
        return positions;
    }

    static int pick(double[] cumulative, double x) {
        int i = Arrays.binarySearch(cumulative, x);
        i = i >= 0 ? i : -i - 1;
        return Math.min(i, cumulative.length - 1);
    }

    private static String[] geoTable(SplittableRandom rng) {
        String[] states = {"AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA",
            "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC",
            "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "DC"};
        String[] regions = {"CA>ON", "CA>BC", "CA>QC", "CA>AB", "GB>H9", "GB>M5", "AU>07", "AU>02", "IN>10", "IN>16",
            "PH>D9", "DE>02", "SG>00", "SG>00", "NZ>E7", "ZA>06", "IE>07", "MY>14"};
        String[] countries = {"RS", "A1", "AP", "EU", "BH", "QA"};
        int perState = 6;
        String[] table = new String[states.length * perState + regions.length + countries.length + 1];
        int g = 0;
        for (String state : states) {
            for (int j = 0; j < perState; j++) {
                table[g++] = "US>" + state + ">" + (500 + rng.nextInt(382));
            }
        }
        for (String region : regions) {
            table[g++] = region;
        }
        for (String country : countries) {
            table[g++] = country;
        }
        table[g] = "--";
        return table;
    }

    private static double geoWeight(String geo) {
        if (geo.equals("--")) {
            return 0.5;
        }
        if (geo.startsWith("US>")) {
            return 80.0 / (51 * 6);
        }
        return geo.indexOf('>') > 0 ? 15.0 / 18 : 4.0 / 6;
    }

    /** Cosine similarity of a user's liked topics and a document's topics. */
    double userDocSimilarity(int user, int doc) {
        return cosine(userTopic, userTopicWeight, user * USER_TOPICS, USER_TOPICS, userNorm[user], doc);
    }

    /** Cosine similarity of two documents' topics. */
    double docDocSimilarity(int a, int b) {
        return cosine(docTopic, docTopicConf, a * DOC_TOPICS, DOC_TOPICS, docNorm[a], b);
    }

    private double cosine(int[] topics, float[] weights, int from, int count, double norm, int doc) {
        double dot = 0;
        for (int i = from; i < from + count; i++) {
            int t = topics[i];
            if (t < 0) {
                continue;
            }
            for (int j = doc * DOC_TOPICS; j < doc * DOC_TOPICS + DOC_TOPICS; j++) {
                if (docTopic[j] == t) {
                    dot += (double) weights[i] * docTopicConf[j];
                }
            }
        }
        return dot == 0 ? 0 : dot / (norm * docNorm[doc]);
    }

    /** exp(-age / freshnessDays) of the document's age at {@code timestamp} (0 or more days). */
    double freshness(int doc, long timestamp) {
        double ageDays = Math.max(0, timestamp - docPublish[doc]) / (double) DAY_MS;
        return Math.exp(-ageDays / planted.freshnessDays());
    }

    /**
     * Cosine similarity of a user's categories (those of the topics they like, with the topics' weights) and a
     * document's categories.
     */
    double userDocCategorySimilarity(int user, int doc) {
        int[] categories = new int[USER_TOPICS];
        double[] weights = new double[USER_TOPICS];
        int k = 0;
        for (int i = user * USER_TOPICS; i < (user + 1) * USER_TOPICS; i++) {
            if (userTopic[i] < 0) {
                continue;
            }
            int category = topicCategory[userTopic[i]];
            int at = 0;
            while (at < k && categories[at] != category) {
                at++;
            }
            if (at == k) {
                categories[k++] = category;
            }
            weights[at] += userTopicWeight[i];
        }
        double dot = 0;
        double userNormSq = 0;
        for (int c = 0; c < k; c++) {
            userNormSq += weights[c] * weights[c];
            for (int j = doc * DOC_CATEGORIES; j < (doc + 1) * DOC_CATEGORIES; j++) {
                if (docCategory[j] == categories[c]) {
                    dot += weights[c] * docCategoryConf[j];
                }
            }
        }
        if (dot == 0) {
            return 0;
        }
        double docNormSq = 0;
        for (int j = doc * DOC_CATEGORIES; j < (doc + 1) * DOC_CATEGORIES; j++) {
            if (docCategory[j] >= 0) {
                docNormSq += (double) docCategoryConf[j] * docCategoryConf[j];
            }
        }
        return dot / Math.sqrt(userNormSq * docNormSq);
    }

    /**
     * How much a user likes a document's entities: the confidence-weighted mean, over the document's entities, of the
     * user's weight for the entity's topic (0 for a topic they do not like, or a document without entities).
     */
    double userDocEntityAffinity(int user, int doc) {
        double sum = 0;
        double conf = 0;
        for (int j = doc * DOC_ENTITIES; j < (doc + 1) * DOC_ENTITIES; j++) {
            int e = docEntity[j];
            if (e < 0) {
                continue;
            }
            conf += docEntityConf[j];
            int topic = entityTopic[e];
            for (int i = user * USER_TOPICS; i < (user + 1) * USER_TOPICS; i++) {
                if (userTopic[i] == topic) {
                    sum += (double) docEntityConf[j] * userTopicWeight[i];
                }
            }
        }
        return conf == 0 ? 0 : sum / conf;
    }

    /** The geography × campaign effect: a standard normal drawn from a hash of (campaign, region), times its sd. */
    double geoEffect(int campaign, int geo) {
        long h = mix(geoEffectKey ^ mix(campaign * 0x9E3779B97F4A7C15L + geoRegion[geo]));
        double u1 = ((h >>> 11) + 0.5) * 0x1.0p-53;
        double u2 = (mix(h) >>> 11) * 0x1.0p-53;
        return planted.geoAdSd() * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * The planted utility of showing ad {@code ad} to {@code user} from geo {@code geo} on {@code page} at
     * {@code timestamp}: the formula of {@link PlantedWorld}. The terms of the original world come first, in their
     * original order, so that world 0 computes the same doubles; the others are added only where planted.
     */
    double utility(int ad, int user, int page, int platform, int geo, long timestamp) {
        int doc = adDoc[ad];
        int campaign = adCampaign[ad];
        PlantedWorld p = planted;
        double u = adQuality[ad] + campaignQuality[campaign]
                + advertiserPlatform[campaignAdvertiser[campaign] * 3 + platform - 1]
                + p.userTopicWeight() * userDocSimilarity(user, doc)
                + p.pageSimilarityWeight() * docDocSimilarity(page, doc)
                + p.freshnessWeight() * freshness(doc, timestamp);
        if (p.advertiserSd() > 0) {
            u += advertiserQuality[campaignAdvertiser[campaign]];
        }
        if (p.userCategoryWeight() > 0) {
            u += p.userCategoryWeight() * userDocCategorySimilarity(user, doc);
        }
        if (p.userEntityWeight() > 0) {
            u += p.userEntityWeight() * userDocEntityAffinity(user, doc);
        }
        if (p.geoAdSd() > 0) {
            u += geoEffect(campaign, geo);
        }
        if (p.timeOfDaySd() > 0) {
            double hour = Math.floorMod(timestamp, DAY_MS) / (double) HOUR_MS;
            u += campaignTimeOfDay[campaign] * Math.cos(2 * Math.PI * (hour - campaignPeakHour[campaign]) / 24);
        }
        return u;
    }

    /** A document on one of the user's liked topics (by weight), or any document when that topic has none. */
    int docForUser(SplittableRandom rng, int user) {
        int from = user * USER_TOPICS;
        double total = 0;
        for (int i = from; i < from + USER_TOPICS; i++) {
            if (userTopic[i] >= 0) {
                total += userTopicWeight[i];
            }
        }
        double x = rng.nextDouble() * total;
        int topic = userTopic[from];
        for (int i = from; i < from + USER_TOPICS; i++) {
            if (userTopic[i] >= 0) {
                x -= userTopicWeight[i];
                if (x <= 0) {
                    topic = userTopic[i];
                    break;
                }
            }
        }
        int count = topicDocStart[topic + 1] - topicDocStart[topic];
        return count == 0 ? rng.nextInt(docs) : topicDocs[topicDocStart[topic] + rng.nextInt(count)];
    }

    /** An ad whose landing document's main topic is {@code topic}, or -1 when there is none. */
    int adOnTopic(SplittableRandom rng, int topic) {
        int count = topicAdStart[topic + 1] - topicAdStart[topic];
        return count == 0 ? -1 : topicAds[topicAdStart[topic] + rng.nextInt(count)];
    }
}
