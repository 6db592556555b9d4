package dev.wnd.ingest.generate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wnd.ingest.csv.CsvRow;
import dev.wnd.ingest.csv.OutbrainFile;
import dev.wnd.ingest.csv.OutbrainReader;
import dev.wnd.ingest.inspect.InspectionReport;
import dev.wnd.ingest.inspect.Inspector;
import dev.wnd.ingest.inspect.ReferenceCheck;
import dev.wnd.schemas.avro.ClickTest;
import dev.wnd.schemas.avro.ClickTrain;
import dev.wnd.schemas.avro.DocumentMeta;
import dev.wnd.schemas.avro.Event;
import dev.wnd.schemas.avro.PageView;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataGeneratorTest {

    private static final int DISPLAYS = 20_000;

    @TempDir
    static Path root;
    static Path data;
    static GeneratorSummary summary;

    @BeforeAll
    static void generate() throws IOException {
        data = root.resolve("a");
        summary = DataGenerator.generate(GeneratorConfig.defaults(DISPLAYS, 42), data);
    }

    private static <T> List<T> rows(String name, OutbrainFile<T> file) throws IOException {
        List<T> out = new ArrayList<>();
        try (OutbrainReader<T> reader = OutbrainReader.open(data.resolve(name), file)) {
            reader.forEachRemaining(r -> out.add(((CsvRow.Parsed<T>) r).value()));
        }
        return out;
    }

    private static Map<String, String> digests(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                try {
                    out.put(dir.relativize(p).toString(), HexFormat.of().formatHex(
                            MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
                } catch (NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return out;
    }

    @Test
    void shouldWriteTheSameBytesForTheSameSeed() throws IOException {
        Path again = root.resolve("b");
        DataGenerator.generate(GeneratorConfig.defaults(DISPLAYS, 42), again);
        Path other = root.resolve("c");
        DataGenerator.generate(GeneratorConfig.defaults(DISPLAYS, 43), other);

        Map<String, String> first = digests(data);
        assertThat(first).containsKeys("events.csv", "page_views.csv", "truth/summary.json",
                "truth/clicks_test_truth.csv", "truth/test_probabilities.csv", "truth/world.json").hasSize(13);
        assertThat(digests(again)).isEqualTo(first);
        assertThat(digests(other).get("events.csv")).isNotEqualTo(first.get("events.csv"));
    }

    @Test
    void shouldWriteAllNineFilesInTheExactKaggleSchemaWithoutRejectsOrDanglingClicks() throws IOException {
        InspectionReport report = Inspector.inspect(data);

        assertThat(report.files()).hasSize(9);
        assertThat(report.rejected()).isZero();
        assertThat(report.hasErrors()).isFalse();
        for (ReferenceCheck r : report.references()) {
            boolean metadata = r.to().equals("documents_meta.csv");
            if (!metadata) {
                assertThat(r.rows()).as(r.description()).isZero();
            }
        }
        assertThat(report.references()).filteredOn(r -> r.from().equals("events.csv")
                && r.to().equals("documents_meta.csv")).singleElement()
                .satisfies(r -> assertThat(r.rows()).as("displays on documents without metadata").isPositive());
        assertThat(Files.readAllLines(data.resolve("documents_topics.csv")).get(0))
                .isEqualTo("document_id,topic_id,confidence_level");
        assertThat(summary.rows()).containsEntry("events.csv", (long) DISPLAYS);
    }

    @Test
    void shouldGiveEveryTrainingDisplayTwoToTwelveAdsWithExactlyOneClick() throws IOException {
        Map<Long, int[]> byDisplay = new HashMap<>();
        for (ClickTrain c : rows("clicks_train.csv", OutbrainFile.CLICKS_TRAIN)) {
            int[] adsAndClicks = byDisplay.computeIfAbsent(c.getDisplayId(), d -> new int[2]);
            adsAndClicks[0]++;
            adsAndClicks[1] += c.getClicked();
        }

        assertThat(byDisplay).hasSize((int) summary.trainDisplays());
        assertThat(byDisplay.values()).allSatisfy(v -> {
            assertThat(v[0]).isBetween(2, 12);
            assertThat(v[1]).isEqualTo(1);
        });
        double meanAds = byDisplay.values().stream().mapToInt(v -> v[0]).average().orElseThrow();
        assertThat(meanAds).isBetween(4.8, 5.2);
    }

    @Test
    void shouldSplitLikeKaggleWithTestLabelsOnlyInTheTruth() throws IOException {
        List<Event> events = rows("events.csv", OutbrainFile.EVENTS);
        List<ClickTest> test = rows("clicks_test.csv", OutbrainFile.CLICKS_TEST);
        Set<Long> testDisplays = new HashSet<>();
        test.forEach(c -> testDisplays.add(c.getDisplayId()));
        List<String> truth = Files.readAllLines(data.resolve("truth/clicks_test_truth.csv"));

        assertThat(testDisplays).hasSize((int) summary.testDisplays());
        assertThat(summary.trainDisplays() + summary.testDisplays()).isEqualTo(DISPLAYS);
        assertThat((double) summary.testDisplays() / DISPLAYS).isBetween(0.17, 0.27);
        assertThat(truth.get(0)).isEqualTo("display_id,ad_id,clicked");
        assertThat(truth).hasSize(test.size() + 1);
        for (int i = 0; i < test.size(); i++) {
            assertThat(truth.get(i + 1)).startsWith(test.get(i).getDisplayId() + "," + test.get(i).getAdId() + ",");
        }
        long lastTwoDays = 13L * 86_400_000L;
        assertThat(events).filteredOn(e -> e.getTimestamp() >= lastTwoDays)
                .allSatisfy(e -> assertThat(testDisplays).contains(e.getDisplayId()));
        assertThat(events).extracting(Event::getDisplayId).isSorted();
        long firstTest = summary.trainDisplays() + 1;
        assertThat(testDisplays).allSatisfy(d -> assertThat(d).isGreaterThanOrEqualTo(firstTest));
        assertThat(events).filteredOn(e -> e.getDisplayId() < firstTest).extracting(Event::getTimestamp).isSorted();
        assertThat(events).filteredOn(e -> e.getDisplayId() >= firstTest).extracting(Event::getTimestamp).isSorted();
    }

    @Test
    void shouldPrecedeEveryEventWithAPageViewOfItsPageByItsUser() throws IOException {
        Map<String, Long> firstView = new HashMap<>();
        List<PageView> views = rows("page_views.csv", OutbrainFile.PAGE_VIEWS);
        assertThat(views).extracting(PageView::getTimestamp).isSorted();
        for (PageView v : views) {
            firstView.merge(v.getUuid() + "/" + v.getDocumentId(), v.getTimestamp(), Math::min);
        }

        for (Event e : rows("events.csv", OutbrainFile.EVENTS)) {
            Long viewed = firstView.get(e.getUuid() + "/" + e.getDocumentId());
            assertThat(viewed).as("page view of display %d", e.getDisplayId()).isNotNull();
            assertThat(viewed).isLessThanOrEqualTo(e.getTimestamp());
        }
    }

    @Test
    void shouldPlantTheQuirksOfTheRealData() throws IOException {
        List<Event> events = rows("events.csv", OutbrainFile.EVENTS);
        List<DocumentMeta> meta = rows("documents_meta.csv", OutbrainFile.DOCUMENTS_META);

        assertThat(events).anyMatch(e -> e.getPlatform() == null);
        assertThat(events).extracting(Event::getGeoLocation).contains("SG>00", "RS", "--")
                .anyMatch(g -> g.matches("US>[A-Z]{2}>\\d{3}"));
        assertThat(events).allMatch(e -> e.getUuid().matches("[0-9a-f]{14}"));
        assertThat(events).allMatch(e -> e.getTimestamp() >= 0 && e.getTimestamp() < 15 * 86_400_000L);
        assertThat(meta).anyMatch(m -> m.getSourceId() == null);
        assertThat(meta).anyMatch(m -> m.getSourceId() != null && m.getPublisherId() == null);
        assertThat(meta).anyMatch(m -> m.getPublishTime() == null);
        assertThat(Files.readAllLines(data.resolve("documents_entities.csv")).get(1)).matches("\\d+,[0-9a-f]{32},0\\.\\d+");
    }

    @Test
    void shouldSummariseTheTruthWithTheOptimalMapAboveTheRandomOne() throws IOException {
        JsonNode json = new ObjectMapper().readTree(data.resolve("truth/summary.json").toFile());

        assertThat(json.path("displays").asLong()).isEqualTo(DISPLAYS);
        assertThat(json.path("test_displays").asLong()).isEqualTo(summary.testDisplays());
        assertThat(json.path("seed").asLong()).isEqualTo(42);
        assertThat(json.path("map12_random").asDouble()).isBetween(0.40, 0.55);
        assertThat(json.path("map12_optimal").asDouble()).isGreaterThan(json.path("map12_random").asDouble() + 0.1);
        assertThat(summary.map12Optimal()).isEqualTo(json.path("map12_optimal").asDouble(), org.assertj.core.data.Offset.offset(1e-9));
        List<String> probabilities = Files.readAllLines(data.resolve("truth/test_probabilities.csv"));
        Map<String, Double> sums = new HashMap<>();
        for (String line : probabilities.subList(1, probabilities.size())) {
            String[] f = line.split(",");
            sums.merge(f[0], Double.parseDouble(f[2]), Double::sum);
        }
        assertThat(sums.values()).allSatisfy(s -> assertThat(s).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6)));
    }
}
