package dev.wnd.features.reference;

import dev.wnd.features.spec.EventTime;
import dev.wnd.features.fn.FeatureFunctions;
import dev.wnd.schemas.avro.Display;
import dev.wnd.schemas.avro.DocumentCategory;
import dev.wnd.schemas.avro.DocumentEntity;
import dev.wnd.schemas.avro.DocumentMeta;
import dev.wnd.schemas.avro.DocumentTopic;
import dev.wnd.schemas.avro.Label;
import dev.wnd.schemas.avro.PageView;
import dev.wnd.schemas.avro.PromotedContent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;

/**
 * A small seeded Outbrain-shaped record stream for tests: documents with metadata and skewed topics, entities and
 * categories (ties in confidence, repeated rows, documents without a source or publisher), ads with campaigns and
 * advertisers (and a few ads nobody promoted), users browsing pages, displays on pages the user just viewed
 * (sometimes at the very same millisecond), labels released a while later (sometimes at the same millisecond as
 * another display, sometimes never), and the user visiting the ads' landing pages after displays (the leak).
 *
 * <p>Sized so that CTR keys pass their thresholds and no user outgrows the bounded user state
 * ({@link dev.wnd.features.state.UserState}), where the topology and the batch reference must agree exactly.
 * Independent of the ingest module's generator.
 */
public final class SyntheticStream {

    /** Sizes of the world. */
    public record Shape(int documents, int pages, int landingDocuments, int topics, int entities, int categories,
            int ads, int campaigns, int users, int displays, int browsingViews, int days) {

        /** A few thousand records: a test run of a second or two. */
        public static Shape small() {
            return new Shape(300, 40, 60, 40, 30, 15, 60, 20, 40, 900, 2500, 14);
        }
    }

    private static final String[] GEOS = {"US>CA>807", "US>NY>501", "US>TX>623", "US>FL", "US>AZ>753", "GB>H9",
        "CA>ON", "CA>BC", "IN>10", "DE>16", "AU>02", "--", "SG>00", "XX>99", "US"};

    private SyntheticStream() {
    }

    /** The stream of {@code shape} for {@code seed}: dimension rows first, then events in time order. */
    public static List<SpecificRecord> generate(long seed, Shape shape) {
        Random random = new Random(seed);
        List<Timed> events = new ArrayList<>();
        List<SpecificRecord> dimensions = new ArrayList<>();

        // Ads: landing documents among a pool, campaigns owned by advertisers.
        int advertisers = Math.max(2, shape.campaigns / 3);
        for (int ad = 1; ad <= shape.ads; ad++) {
            long doc = 1 + skewed(random, shape.landingDocuments);
            long campaign = 1 + skewed(random, shape.campaigns);
            dimensions.add(new PromotedContent((long) ad, doc, campaign, 100 + campaign % advertisers));
        }
        // Documents: metadata, then topics, entities and categories.
        int sources = shape.documents / 12;
        for (long doc = 1; doc <= shape.documents; doc++) {
            double r = random.nextDouble();
            if (r < 0.03) {
                continue;                                          // no metadata at all
            }
            Long source = r < 0.06 ? null : (Long) (long) (1 + random.nextInt(sources));
            Long publisher = source == null || source % 7 == 0 ? null : (Long) (source % 11 + 1);
            Long published = random.nextDouble() < 0.05 ? null
                    : EventTime.EPOCH_BASE_MS + (long) ((random.nextDouble() * 1200 - 1100)
                            * FeatureFunctions.DAY_MS);
            dimensions.add(new DocumentMeta(doc, source, publisher, published));
        }
        for (long doc = 1; doc <= shape.documents; doc++) {
            for (int t : distinct(random, random.nextDouble() < 0.15 ? 0 : 1 + random.nextInt(5), shape.topics)) {
                dimensions.add(new DocumentTopic(doc, t, confidence(random)));
            }
        }
        for (long doc = 1; doc <= shape.documents; doc++) {
            for (int e : distinct(random, random.nextDouble() < 0.25 ? 0 : 1 + random.nextInt(8), shape.entities)) {
                dimensions.add(new DocumentEntity(doc, entityId(e), confidence(random)));
            }
        }
        for (long doc = 1; doc <= shape.documents; doc++) {
            for (int c : distinct(random, random.nextDouble() < 0.1 ? 0 : 1 + random.nextInt(3), shape.categories)) {
                dimensions.add(new DocumentCategory(doc, c, confidence(random)));
            }
        }
        // A few rows stated twice, with a new confidence: the second replaces the first.
        dimensions.add(new DocumentTopic(5L, 0, 0.99));
        dimensions.add(new DocumentTopic(5L, 0, 0.42));
        dimensions.add(new DocumentCategory(7L, 1, 0.3));
        dimensions.add(new DocumentCategory(7L, 1, 0.31));

        // Users: a home geo and platform each.
        String[] geo = new String[shape.users];
        Integer[] platform = new Integer[shape.users];
        for (int u = 0; u < shape.users; u++) {
            geo[u] = random.nextDouble() < 0.03 ? null : GEOS[random.nextInt(GEOS.length)];
            platform[u] = random.nextDouble() < 0.03 ? null : 1 + random.nextInt(3);
        }
        long span = shape.days * FeatureFunctions.DAY_MS;

        // Background browsing, landing pages included.
        for (int i = 0; i < shape.browsingViews; i++) {
            int u = skewed(random, shape.users);
            long doc = random.nextDouble() < 0.3 ? 1 + skewed(random, shape.landingDocuments)
                    : 1 + random.nextInt(shape.documents);
            long ts = (long) (random.nextDouble() * span);
            events.add(new Timed(ts, 2, pageView(random, "u" + u, doc, ts, platform[u], geo[u])));
        }

        // Displays, each usually right after the user viewed the page, with labels released later.
        List<long[]> displayTimes = new ArrayList<>();
        for (int d = 1; d <= shape.displays; d++) {
            long ts = 60_000 + (long) (random.nextDouble() * (span - 120_000));
            displayTimes.add(new long[] {d, ts});
        }
        displayTimes.sort(Comparator.comparingLong(a -> a[1]));
        for (int i = 0; i < displayTimes.size(); i++) {
            long id = displayTimes.get(i)[0];
            long ts = displayTimes.get(i)[1];
            int u = skewed(random, shape.users);
            String user = "u" + u;
            long page = 1 + random.nextInt(shape.pages);
            if (random.nextDouble() < 0.85) {
                long viewTs = random.nextDouble() < 0.3 ? ts : ts - 1 - random.nextInt(120_000);
                boolean elsewhere = random.nextDouble() < 0.1;
                events.add(new Timed(viewTs, 2, pageView(random, user, page, viewTs,
                        elsewhere ? (Integer) (1 + random.nextInt(3)) : platform[u],
                        elsewhere ? GEOS[random.nextInt(GEOS.length)] : geo[u])));
            }
            Set<Long> ads = new LinkedHashSet<>();
            int n = 2 + random.nextInt(5);
            while (ads.size() < n) {
                ads.add(random.nextDouble() < 0.02 ? 900L + random.nextInt(5) : 1L + skewed(random, shape.ads));
            }
            List<Long> adList = new ArrayList<>(ads);
            events.add(new Timed(ts, 3, new Display(id, user, page, ts, platform[u], geo[u], adList)));

            if (random.nextDouble() < 0.02) {
                continue;                                          // never labelled
            }
            long release = ts + 1 + random.nextInt(7_200_000);
            if (random.nextDouble() < 0.1 && i + 1 < displayTimes.size()) {
                // released at the very millisecond of a later display: the label comes first
                release = displayTimes.get(i + 1 + random.nextInt(Math.min(5, displayTimes.size() - i - 1)))[1];
            }
            List<Long> clicked = new ArrayList<>();
            if (random.nextDouble() < 0.95) {
                clicked.add(adList.stream().max(Comparator.comparingDouble(
                        ad -> quality(ad) + random.nextDouble())).orElseThrow());
            }
            events.add(new Timed(release, 1, new Label(id, user, ts, release, adList, clicked)));

            // The leak: the user visits an ad's landing page after the display.
            if (random.nextDouble() < 0.2 && !clicked.isEmpty() && clicked.get(0) < 900L) {
                long landing = 1 + (clicked.get(0) * 7919L) % shape.landingDocuments;
                long later = ts + 1 + random.nextInt(600_000);
                events.add(new Timed(later, 2, pageView(random, user, landing, later, platform[u], geo[u])));
            }
        }

        events.sort(Comparator.comparingLong(Timed::timestamp).thenComparingInt(Timed::order));
        List<SpecificRecord> stream = new ArrayList<>(dimensions);
        events.forEach(e -> stream.add(e.record()));
        return stream;
    }

    /** A record with its Kafka timestamp (relative ms) and tie order: label 1 < page view 2 < display 3. */
    private record Timed(long timestamp, int order, SpecificRecord record) {
    }

    private static PageView pageView(Random random, String user, long doc, long ts, Integer platform, String geo) {
        Integer traffic = random.nextDouble() < 0.05 ? null : (Integer) (1 + random.nextInt(3));
        return new PageView(user, doc, ts, platform, geo, traffic);
    }

    /** 0..n-1, small values more likely. */
    private static int skewed(Random random, int n) {
        double r = random.nextDouble();
        return (int) (n * r * r);
    }

    private static List<Integer> distinct(Random random, int count, int vocabulary) {
        Set<Integer> ids = new LinkedHashSet<>();
        while (ids.size() < Math.min(count, vocabulary)) {
            ids.add(skewed(random, vocabulary));
        }
        return new ArrayList<>(ids);
    }

    /** Confidences on a coarse grid, so that ties (ordered by arrival) happen. */
    private static double confidence(Random random) {
        return (1 + random.nextInt(20)) / 20.0;
    }

    private static String entityId(int e) {
        return String.format("%032x", new java.math.BigInteger(1, ("entity-" + e).getBytes()).mod(
                java.math.BigInteger.ONE.shiftLeft(128)));
    }

    private static double quality(long ad) {
        return (ad * 2654435761L % 1000) / 1000.0;
    }

    /**
     * {@code stream} without records that share their millisecond with a record of another input topic: at such a
     * millisecond only the records of the topic latest in the tie order (display after page view after label) stay.
     * A Kafka Streams task merges its input partitions by timestamp but orders equal timestamps of different
     * partitions arbitrarily, whereas {@code TopologyTestDriver} and {@link BatchReference} follow the stream's
     * order; on a real broker only a stream without such ties has a single right answer. A dropped label leaves
     * its display unlabelled, a dropped page view never happened: the reference sees the same stream.
     */
    public static List<SpecificRecord> withoutCrossTopicTies(List<SpecificRecord> stream) {
        java.util.Map<Long, Integer> latestOrder = new java.util.HashMap<>();
        for (SpecificRecord r : stream) {
            int order = tieOrder(r);
            if (order > 0) {
                latestOrder.merge(eventTime(r), order, Math::max);
            }
        }
        List<SpecificRecord> out = new ArrayList<>(stream.size());
        for (SpecificRecord r : stream) {
            int order = tieOrder(r);
            if (order == 0 || latestOrder.get(eventTime(r)) == order) {
                out.add(r);
            }
        }
        return out;
    }

    /** The tie order of an event (label 1, page view 2, display 3), 0 for a dimension row. */
    private static int tieOrder(SpecificRecord r) {
        if (r instanceof Label) {
            return 1;
        } else if (r instanceof PageView) {
            return 2;
        } else if (r instanceof Display) {
            return 3;
        }
        return 0;
    }

    /** An event's Kafka timestamp (relative ms): a label's release time, a view's or display's own time. */
    private static long eventTime(SpecificRecord r) {
        if (r instanceof Label l) {
            return l.getReleaseTimestamp();
        } else if (r instanceof PageView v) {
            return v.getTimestamp();
        }
        return ((Display) r).getTimestamp();
    }

    /** The largest number of distinct documents one user viewed in a stream. */
    public static int maxDocumentsPerUser(List<SpecificRecord> stream) {
        java.util.Map<String, Set<Long>> docs = new java.util.HashMap<>();
        for (SpecificRecord r : stream) {
            if (r instanceof PageView v) {
                docs.computeIfAbsent(v.getUuid(), u -> new HashSet<>()).add(v.getDocumentId());
            }
        }
        return docs.values().stream().mapToInt(Set::size).max().orElse(0);
    }
}
