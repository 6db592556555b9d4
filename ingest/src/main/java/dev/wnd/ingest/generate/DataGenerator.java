package dev.wnd.ingest.generate;

import dev.wnd.features.spec.EventTime;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.wnd.ingest.csv.OutbrainFile;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Writes a synthetic Outbrain data set: the nine files in Kaggle's exact schema, mutually consistent, plus the
 * truth of its planted click model under {@code truth/}.
 *
 * <h2>Shape</h2>
 * Displays are spread over {@link GeneratorConfig#days()} days with a daily cycle. Each display shows 2 to 12 distinct
 * ads (mean {@link GeneratorConfig#meanAdsPerDisplay()}), half chosen on the page's main topic, half by ad
 * popularity; exactly one is clicked. Users have 1-3 liked topics, a usual platform and a geo location
 * ({@code US>XX>NNN} mostly, then {@code XX>YY} such as {@code SG>00}, country-only such as {@code RS}, and
 * {@code --}); their pages are mostly on the topics they like. Before each display the user has page views in the 6
 * preceding hours (mostly of liked topics) and a page view of the display's own page just before it; some clicks are
 * followed by a page view of the ad's landing page (Outbrain's leak). Documents have 1-3 topics, 1-2 categories and
 * 0-4 entities with confidences, a source, a publisher and a publish time; a few lack metadata altogether or have
 * empty fields, and a few events have the platform {@code \N}.
 *
 * <h2>Planted click model</h2>
 * The {@link GeneratorConfig#world() world} says which effects make an ad's utility and how strong each is
 * ({@link PlantedWorld}). In the original world (world 0) the utility of ad a in a display = quality(a) +
 * quality(campaign) + effect(advertiser, platform) + 1.8 cos(user's liked topics, a's landing page topics)
 * + 1.2 cos(page topics, landing page topics) + 1.0 exp(-age of the landing page / 7 days); the clicked ad is drawn
 * from the softmax of the display's utilities (mixed with a uniform choice where the world has label noise). The
 * entities are drawn from the data seed exactly as before worlds existed, so world 0 writes the original bytes; the
 * effects the original world lacks are drawn from a stream of their own.
 *
 * <h2>Split, like Kaggle</h2>
 * Displays of the last {@link GeneratorConfig#testTailDays()} days and a random {@link GeneratorConfig#testFraction()}
 * of the others are test displays: their events are in events.csv, their ads in clicks_test.csv and their labels
 * only in {@code truth/clicks_test_truth.csv}. As in Kaggle, training displays are numbered first in time order and
 * test displays after them, so events.csv (sorted by display_id) holds two time-ordered runs.
 *
 * <h2>Files</h2>
 * {@code promoted_content.csv, documents_meta.csv, documents_topics.csv, documents_entities.csv,
 * documents_categories.csv, page_views.csv, events.csv, clicks_train.csv, clicks_test.csv}, and under
 * {@code truth/}: {@code clicks_test_truth.csv} ({@code display_id,ad_id,clicked}), {@code test_probabilities.csv}
 * ({@code display_id,ad_id,probability}), {@code summary.json} and {@code world.json} (the planted world). Memory: 4 bytes per display, a few dozen bytes
 * per user, document and ad, and 22 bytes per page view of the last 6 hours (waiting to be written in time order);
 * files are written through buffers as the displays are drawn in time order.
 */
public final class DataGenerator {

    private static final long HISTORY_MS = 6 * 3_600_000L;
    private static final long HOUR_MS = 3_600_000L;
    private static final DateTimeFormatter PUBLISH_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final String TEST_EVENTS_PART = "events.csv.test-part";

    private final GeneratorConfig config;
    private final Path out;
    private final Map<String, Long> rows = new LinkedHashMap<>();

    private DataGenerator(GeneratorConfig config, Path out) {
        this.config = config;
        this.out = out;
    }

    /**
     * Writes the data set described by {@code config} into {@code outDir} (created if missing; files of the same
     * names are overwritten).
     */
    public static GeneratorSummary generate(GeneratorConfig config, Path outDir) throws IOException {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(outDir, "outDir");
        Files.createDirectories(outDir.resolve("truth"));
        return new DataGenerator(config, outDir).run();
    }

    private GeneratorSummary run() throws IOException {
        SplittableRandom root = new SplittableRandom(config.seed());
        SplittableRandom worldRng = root.split();
        SplittableRandom timeRng = root.split();
        SplittableRandom splitRng = root.split();
        SplittableRandom displayRng = root.split();
        // Split last, so that the streams above are the original generator's.
        World world = new World(config, worldRng, root.split());

        writePromotedContent(world);
        writeDocuments(world);

        int[] timestamps = displayTimestamps(timeRng);
        BitSet test = new BitSet(timestamps.length);
        long testFrom = (config.days() - config.testTailDays()) * World.DAY_MS;
        for (int i = 0; i < timestamps.length; i++) {
            if (timestamps[i] >= testFrom || splitRng.nextDouble() < config.testFraction()) {
                test.set(i);
            }
        }
        long testCount = test.cardinality();
        long trainCount = timestamps.length - testCount;
        Displays displays = new Displays(world, displayRng, trainCount);
        displays.write(timestamps, test);

        double mapOptimal = testCount == 0 ? 0 : displays.sumOptimal / testCount;
        double mapRandom = testCount == 0 ? 0 : displays.sumRandom / testCount;
        writeSummary(trainCount, testCount, mapOptimal, mapRandom);
        writeWorld();
        return new GeneratorSummary(out, config.seed(), timestamps.length, trainCount, testCount, rows, mapOptimal,
                mapRandom, config.world());
    }

    private AsciiWriter csv(String name, String header) throws IOException {
        AsciiWriter writer = new AsciiWriter(out.resolve(name));
        writer.header(header);
        return writer;
    }

    private void count(String name, AsciiWriter writer) {
        rows.put(name, writer.rows());
    }

    private void writePromotedContent(World w) throws IOException {
        String name = "promoted_content.csv";
        try (AsciiWriter csv = csv(name, OutbrainFile.PROMOTED_CONTENT.header())) {
            for (int a = 0; a < w.ads; a++) {
                int campaign = w.adCampaign[a];
                csv.num(w.adId[a]).comma().num(w.docId[w.adDoc[a]]).comma().num(w.campaignId[campaign]).comma()
                        .num(w.advertiserId[w.campaignAdvertiser[campaign]]).endRow();
            }
            count(name, csv);
        }
    }

    private void writeDocuments(World w) throws IOException {
        try (AsciiWriter meta = csv("documents_meta.csv", OutbrainFile.DOCUMENTS_META.header());
                AsciiWriter topics = csv("documents_topics.csv", OutbrainFile.DOCUMENTS_TOPICS.header());
                AsciiWriter entities = csv("documents_entities.csv", OutbrainFile.DOCUMENTS_ENTITIES.header());
                AsciiWriter categories = csv("documents_categories.csv",
                        OutbrainFile.DOCUMENTS_CATEGORIES.header())) {
            for (int d = 0; d < w.docs; d++) {
                int flags = w.docFlags[d];
                if ((flags & World.META_MISSING) != 0) {
                    continue;
                }
                long id = w.docId[d];
                int source = w.docSource[d];
                meta.num(id).comma();
                if ((flags & World.META_EMPTY_SOURCE) == 0) {
                    meta.num(w.sourceId[source]);
                }
                meta.comma();
                if ((flags & World.META_EMPTY_PUBLISHER) == 0) {
                    meta.num(w.publisherId[w.sourcePublisher[source]]);
                }
                meta.comma();
                if ((flags & World.META_EMPTY_PUBLISH_TIME) == 0) {
                    long epochSeconds = (EventTime.EPOCH_BASE_MS + w.docPublish[d]) / 1000;
                    meta.text(PUBLISH_TIME.format(LocalDateTime.ofEpochSecond(epochSeconds, 0, ZoneOffset.UTC)));
                }
                meta.endRow();
                for (int j = d * World.DOC_TOPICS; j < (d + 1) * World.DOC_TOPICS; j++) {
                    if (w.docTopic[j] >= 0) {
                        topics.num(id).comma().num(w.docTopic[j]).comma().fixed(w.docTopicConf[j], 9).endRow();
                    }
                }
                for (int j = d * World.DOC_ENTITIES; j < (d + 1) * World.DOC_ENTITIES; j++) {
                    int e = w.docEntity[j];
                    if (e >= 0) {
                        entities.num(id).comma().hex(w.entityHigh[e], 16).hex(w.entityLow[e], 16).comma()
                                .fixed(w.docEntityConf[j], 9).endRow();
                    }
                }
                for (int j = d * World.DOC_CATEGORIES; j < (d + 1) * World.DOC_CATEGORIES; j++) {
                    if (w.docCategory[j] >= 0) {
                        categories.num(id).comma().num(w.categoryIds[w.docCategory[j]]).comma()
                                .fixed(w.docCategoryConf[j], 9).endRow();
                    }
                }
            }
            count("documents_meta.csv", meta);
            count("documents_topics.csv", topics);
            count("documents_entities.csv", entities);
            count("documents_categories.csv", categories);
        }
    }

    /** Sorted display timestamps (ms after the data's epoch), spread over the hours with a daily cycle. */
    private int[] displayTimestamps(SplittableRandom rng) {
        int hours = config.days() * 24;
        double[] cumulative = new double[hours];
        double total = 0;
        for (int h = 0; h < hours; h++) {
            total += 1 + 0.6 * Math.sin(2 * Math.PI * ((h % 24) - 9) / 24.0);
            cumulative[h] = total;
        }
        int n = (int) config.displays();
        int[] ts = new int[n];
        int done = 0;
        for (int h = 0; h < hours; h++) {
            int upTo = h == hours - 1 ? n : (int) Math.round(n * cumulative[h] / total);
            for (int i = done; i < upTo; i++) {
                ts[i] = (int) (h * HOUR_MS + rng.nextLong(HOUR_MS));
            }
            Arrays.sort(ts, done, upTo);
            done = upTo;
        }
        return ts;
    }

    private void writeSummary(long train, long test, double mapOptimal, double mapRandom) throws IOException {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("seed", config.seed());
        summary.put("displays", config.displays());
        summary.put("train_displays", train);
        summary.put("test_displays", test);
        summary.put("map12_optimal", round(mapOptimal));
        summary.put("map12_random", round(mapRandom));
        summary.put("rows", rows);
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("days", config.days());
        settings.put("test_tail_days", config.testTailDays());
        settings.put("test_fraction", round(config.testFraction()));
        settings.put("mean_ads_per_display", round(config.meanAdsPerDisplay()));
        settings.put("users", config.users());
        settings.put("documents", config.documents());
        settings.put("ads", config.ads());
        settings.put("page_views_per_display", round(config.pageViewsPerDisplay()));
        settings.put("post_click_view_rate", round(config.postClickViewRate()));
        settings.put("null_platform_rate", round(config.nullPlatformRate()));
        settings.put("missing_metadata_rate", round(config.missingMetadataRate()));
        settings.put("empty_metadata_field_rate", round(config.emptyMetadataFieldRate()));
        summary.put("config", settings);
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
        Files.writeString(out.resolve("truth").resolve("summary.json"), mapper.writeValueAsString(summary) + "\n");
    }

    /**
     * Writes {@code truth/world.json}: the world seed, every effect's strength (0 where not planted), the planted
     * effects' names, the label noise and the shape. A file of its own, so that world 0's other files keep their
     * original bytes.
     */
    private void writeWorld() throws IOException {
        PlantedWorld w = config.world();
        Map<String, Object> world = new LinkedHashMap<>();
        world.put("world_seed", w.worldSeed());
        world.put("planted", w.plantedEffects());
        Map<String, Object> effects = new LinkedHashMap<>();
        w.effects().forEach((name, strength) -> effects.put(name, round(strength)));
        world.put("effects", effects);
        world.put("freshness_days", round(w.freshnessDays()));
        world.put("label_noise", round(w.labelNoise()));
        world.put("mean_ads_per_display", round(config.meanAdsPerDisplay()));
        world.put("page_views_per_display", round(config.pageViewsPerDisplay()));
        world.put("description", w.describe());
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
        Files.writeString(out.resolve("truth").resolve("world.json"), mapper.writeValueAsString(world) + "\n");
    }

    /** A number rounded to 9 decimals, as a BigDecimal so that its JSON text does not depend on the JDK. */
    private static BigDecimal round(double v) {
        return BigDecimal.valueOf(Math.round(v * 1e9), 9).stripTrailingZeros();
    }

    /** Draws the displays in time order and writes events, clicks, page views and truth. */
    private final class Displays {
        private final World w;
        private final SplittableRandom rng;
        private final long firstTestId;
        private final double poissonMean;
        private final int[] ads = new int[12];
        private final double[] probability = new double[12];
        private final double[] sorted = new double[12];
        private double sumOptimal;
        private double sumRandom;

        Displays(World world, SplittableRandom rng, long trainCount) {
            this.w = world;
            this.rng = rng;
            this.firstTestId = trainCount + 1;
            this.poissonMean = config.meanAdsPerDisplay() - 2;
        }

        void write(int[] timestamps, BitSet test) throws IOException {
            Path testPart = out.resolve(TEST_EVENTS_PART);
            PageViewQueue views = new PageViewQueue();
            try (AsciiWriter events = csv("events.csv", OutbrainFile.EVENTS.header());
                    AsciiWriter testEvents = new AsciiWriter(testPart);
                    AsciiWriter train = csv("clicks_train.csv", OutbrainFile.CLICKS_TRAIN.header());
                    AsciiWriter clicksTest = csv("clicks_test.csv", OutbrainFile.CLICKS_TEST.header());
                    AsciiWriter truth = new AsciiWriter(out.resolve("truth").resolve("clicks_test_truth.csv"));
                    AsciiWriter probabilities = new AsciiWriter(
                            out.resolve("truth").resolve("test_probabilities.csv"));
                    AsciiWriter pageViews = csv("page_views.csv", OutbrainFile.PAGE_VIEWS.header())) {
                truth.header("display_id,ad_id,clicked");
                probabilities.header("display_id,ad_id,probability");
                long nextTrain = 1;
                long nextTest = firstTestId;
                for (int i = 0; i < timestamps.length; i++) {
                    long ts = timestamps[i];
                    views.writeBefore(ts - HISTORY_MS, w, pageViews);
                    boolean isTest = test.get(i);
                    long displayId = isTest ? nextTest++ : nextTrain++;
                    display(displayId, ts, isTest, isTest ? testEvents : events, train, clicksTest, truth,
                            probabilities, views);
                }
                views.writeBefore(Long.MAX_VALUE, w, pageViews);
                rows.put("events.csv", events.rows() + testEvents.rows());
                count("clicks_train.csv", train);
                count("clicks_test.csv", clicksTest);
                count("page_views.csv", pageViews);
            }
            try (OutputStream append = Files.newOutputStream(out.resolve("events.csv"), StandardOpenOption.APPEND)) {
                Files.copy(testPart, append);
            }
            Files.delete(testPart);
        }

        private void display(long displayId, long ts, boolean isTest, AsciiWriter events, AsciiWriter train,
                AsciiWriter clicksTest, AsciiWriter truth, AsciiWriter probabilities, PageViewQueue views)
                throws IOException {
            int user = World.skewed(rng, w.users, 1.6);
            int page = rng.nextDouble() < 0.75 ? w.docForUser(rng, user) : rng.nextInt(w.docs);
            int platform = rng.nextDouble() < 0.95 ? w.userPlatform[user] : 1 + rng.nextInt(3);
            boolean nullPlatform = rng.nextDouble() < config.nullPlatformRate();

            int history = poisson(config.pageViewsPerDisplay());
            for (int v = 0; v < history; v++) {
                long window = Math.min(HISTORY_MS - 1, ts);
                long at = window <= 0 ? 0 : ts - 1 - rng.nextLong(window);
                int doc = rng.nextDouble() < 0.8 ? w.docForUser(rng, user) : rng.nextInt(w.docs);
                views.add(at, user, doc, platform, trafficSource());
            }
            long window = Math.min(20_000, ts);
            views.add(window <= 0 ? 0 : ts - 1 - rng.nextLong(window), user, page, platform, trafficSource());

            int n = 2 + Math.min(10, poisson(poissonMean));
            int pageTopic = w.docTopic[page * World.DOC_TOPICS];
            for (int j = 0; j < n; j++) {
                int ad;
                int tries = 0;
                do {
                    ad = rng.nextDouble() < 0.5 ? w.adOnTopic(rng, pageTopic) : -1;
                    if (ad < 0) {
                        ad = World.skewed(rng, w.ads, 2.0);
                    }
                    tries++;
                } while (seen(ad, j) && tries < 1000);
                while (seen(ad, j)) {
                    ad = (ad + 1) % w.ads;
                }
                ads[j] = ad;
            }
            Arrays.sort(ads, 0, n);
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                probability[j] = w.utility(ads[j], user, page, platform, w.userGeo[user], ts);
                max = Math.max(max, probability[j]);
            }
            double total = 0;
            for (int j = 0; j < n; j++) {
                probability[j] = Math.exp(probability[j] - max);
                total += probability[j];
            }
            for (int j = 0; j < n; j++) {
                probability[j] /= total;
            }
            double noise = w.planted.labelNoise();
            if (noise > 0) {
                for (int j = 0; j < n; j++) {
                    probability[j] = (1 - noise) * probability[j] + noise / n;
                }
            }
            double x = rng.nextDouble();
            int clicked = n - 1;
            for (int j = 0; j < n - 1; j++) {
                x -= probability[j];
                if (x < 0) {
                    clicked = j;
                    break;
                }
            }
            if (rng.nextDouble() < config.postClickViewRate()) {
                views.add(ts + 5_000 + rng.nextLong(600_000), user, w.adDoc[ads[clicked]], platform, 1);
            }

            events.num(displayId).comma().hex(w.userUuid[user], 14).comma().num(w.docId[page]).comma().num(ts)
                    .comma();
            if (nullPlatform) {
                events.text("\\N");
            } else {
                events.num(platform);
            }
            events.comma().text(w.geos[w.userGeo[user]]).endRow();

            if (isTest) {
                for (int j = 0; j < n; j++) {
                    long adId = w.adId[ads[j]];
                    clicksTest.num(displayId).comma().num(adId).endRow();
                    truth.num(displayId).comma().num(adId).comma().num(j == clicked ? 1 : 0).endRow();
                    probabilities.num(displayId).comma().num(adId).comma().fixed(probability[j], 9).endRow();
                }
                System.arraycopy(probability, 0, sorted, 0, n);
                Arrays.sort(sorted, 0, n);
                double optimal = 0;
                double random = 0;
                for (int r = 1; r <= n; r++) {
                    optimal += sorted[n - r] / r;
                    random += 1.0 / r;
                }
                sumOptimal += optimal;
                sumRandom += random / n;
            } else {
                for (int j = 0; j < n; j++) {
                    train.num(displayId).comma().num(w.adId[ads[j]]).comma().num(j == clicked ? 1 : 0).endRow();
                }
            }
        }

        private boolean seen(int ad, int count) {
            for (int j = 0; j < count; j++) {
                if (ads[j] == ad) {
                    return true;
                }
            }
            return false;
        }

        private int trafficSource() {
            double p = rng.nextDouble();
            return p < 0.6 ? 1 : p < 0.8 ? 2 : 3;
        }

        private int poisson(double mean) {
            if (mean <= 0) {
                return 0;
            }
            double limit = Math.exp(-mean);
            double product = rng.nextDouble();
            int k = 0;
            while (product > limit) {
                product *= rng.nextDouble();
                k++;
            }
            return k;
        }
    }
}
