package dev.wnd.ingest.replay;

import dev.wnd.features.spec.EventTime;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wnd.ingest.TestFiles;
import dev.wnd.ingest.csv.OutbrainFile;
import dev.wnd.ingest.generate.DataGenerator;
import dev.wnd.ingest.generate.GeneratorConfig;
import dev.wnd.ingest.generate.GeneratorSummary;
import dev.wnd.schemas.avro.DeadLetter;
import dev.wnd.schemas.avro.Display;
import dev.wnd.schemas.avro.Label;
import dev.wnd.schemas.avro.PageView;
import dev.wnd.schemas.avro.PromotedContent;
import dev.wnd.schemas.avro.ScoreRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayStreamTest {

    private static final long BASE = EventTime.EPOCH_BASE_MS;
    private static final StreamOptions OPTIONS = new StreamOptions(Duration.ofMillis(1000), Duration.ofMillis(100),
            StreamOptions.DEFAULT_MAX_EVENT_RUNS);

    @TempDir
    Path dir;

    private static List<StreamRecord> readAll(Path dir, StreamOptions options) throws IOException {
        try (ReplayStream stream = ReplayStream.open(dir, options)) {
            List<StreamRecord> out = new ArrayList<>();
            stream.forEachRemaining(out::add);
            return out;
        }
    }

    private static List<StreamRecord> timed(List<StreamRecord> records) {
        return records.stream().filter(r -> r.channel() != Channel.DEAD_LETTERS
                && r.timestampMs() >= BASE).toList();
    }

    private static List<DeadLetter> deadLetters(List<StreamRecord> records) {
        return records.stream().filter(r -> r.channel() == Channel.DEAD_LETTERS).map(r -> (DeadLetter) r.value())
                .toList();
    }

    /** Two runs of events like Kaggle's (training displays, then test displays from the start again). */
    private void writeSmallDataSet() {
        TestFiles.csv(dir, "promoted_content.csv", "ad_id,document_id,campaign_id,advertiser_id", "100,7,1,1",
                "101,8,1,1");
        TestFiles.csv(dir, "events.csv", "display_id,uuid,document_id,timestamp,platform,geo_location",
                "1,aaaaaaaaaaaaaa,10,1000,1,US>CA>807",
                "2,bbbbbbbbbbbbbb,11,2000,\\N,SG>00",
                "10,cccccccccccccc,12,500,2,RS",
                "11,aaaaaaaaaaaaaa,13,3000,3,--");
        TestFiles.csv(dir, "clicks_train.csv", "display_id,ad_id,clicked",
                "1,100,0", "1,101,1", "2,102,1", "2,103,0", "4,104,1");
        TestFiles.csv(dir, "clicks_test.csv", "display_id,ad_id", "10,100", "10,101", "11,102", "12,103");
        TestFiles.csv(dir, "page_views.csv", "uuid,document_id,timestamp,platform,geo_location,traffic_source",
                "aaaaaaaaaaaaaa,9,900,1,US>CA>807,1",
                "aaaaaaaaaaaaaa,10,1000,1,US>CA>807,2");
    }

    @Test
    void shouldSendDimensionsFirstKeyedByIdOneMillisecondBeforeTheData() throws IOException {
        writeSmallDataSet();

        List<StreamRecord> records = readAll(dir, OPTIONS);

        assertThat(records.subList(0, 2)).allSatisfy(r -> {
            assertThat(r.channel()).isEqualTo(Channel.PROMOTED_CONTENT);
            assertThat(r.timestampMs()).isEqualTo(BASE - 1);
        });
        assertThat(records.get(0).key()).isEqualTo(100L);
        assertThat(((PromotedContent) records.get(1).value()).getDocumentId()).isEqualTo(8L);
    }

    @Test
    void shouldMergePageViewsDisplaysRequestsAndLabelsInEventTimeWithLabelsFirstOnTies() throws IOException {
        writeSmallDataSet();

        List<String> order = timed(readAll(dir, OPTIONS)).stream().map(r -> (r.timestampMs() - BASE) + " "
                + switch (r.channel()) {
                    case PAGE_VIEWS -> "view " + ((PageView) r.value()).getDocumentId();
                    case DISPLAYS -> "display " + ((Display) r.value()).getDisplayId();
                    case LABELS -> "label " + ((Label) r.value()).getDisplayId();
                    case SCORE_REQUESTS -> "request " + ((ScoreRequest) r.value()).getDisplayId();
                    default -> r.channel().toString();
                }).toList();

        assertThat(order).containsExactly("500 request 10", "900 view 9", "1000 view 10", "1000 display 1",
                "2000 label 1", "2000 display 2", "3000 label 2", "3000 request 11");
    }

    @Test
    void shouldJoinEventsWithTheirAdsAndReleaseLabelsAfterTheDelay() throws IOException {
        writeSmallDataSet();

        List<StreamRecord> records = timed(readAll(dir, OPTIONS));

        StreamRecord display = records.stream().filter(r -> r.channel() == Channel.DISPLAYS).findFirst()
                .orElseThrow();
        assertThat(display.key()).isEqualTo("aaaaaaaaaaaaaa");
        assertThat(display.value()).isEqualTo(new Display(1L, "aaaaaaaaaaaaaa", 10L, 1000L, 1, "US>CA>807",
                List.of(100L, 101L)));
        StreamRecord label = records.stream().filter(r -> r.channel() == Channel.LABELS).findFirst().orElseThrow();
        assertThat(label.key()).isEqualTo("aaaaaaaaaaaaaa");
        assertThat(label.timestampMs()).isEqualTo(BASE + 2000);
        assertThat(label.value()).isEqualTo(new Label(1L, "aaaaaaaaaaaaaa", 1000L, 2000L, List.of(100L, 101L),
                List.of(101L)));
        Display second = (Display) records.stream().filter(r -> r.channel() == Channel.DISPLAYS).toList().get(1)
                .value();
        assertThat(second.getPlatform()).isNull();
        StreamRecord request = records.stream().filter(r -> r.channel() == Channel.SCORE_REQUESTS).findFirst()
                .orElseThrow();
        assertThat(request.value()).isEqualTo(new ScoreRequest(10L, "cccccccccccccc", 12L, 500L, 2, "RS",
                List.of(100L, 101L)));
        assertThat(request.timestampMs()).isEqualTo(BASE + 500);
    }

    @Test
    void shouldDeadLetterClicksWithoutEventWithFileLineAndReason() throws IOException {
        writeSmallDataSet();

        try (ReplayStream stream = ReplayStream.open(dir, OPTIONS)) {
            List<StreamRecord> records = new ArrayList<>();
            stream.forEachRemaining(records::add);

            assertThat(deadLetters(records)).extracting(DeadLetter::getSource, DeadLetter::getLine,
                    DeadLetter::getReason).containsExactlyInAnyOrder(
                            org.assertj.core.groups.Tuple.tuple("clicks_train.csv", 6L,
                                    "display_id 4 has no row in events.csv"),
                            org.assertj.core.groups.Tuple.tuple("clicks_test.csv", 5L,
                                    "display_id 12 has no row in events.csv"));
            DeadLetter first = deadLetters(records).stream().filter(d -> d.getLine() == 6L).findFirst()
                    .orElseThrow();
            assertThat(StandardCharsets.UTF_8.decode(first.getPayload()).toString()).isEqualTo("4,104,1");
            assertThat(first.getStage()).isEqualTo("ingest");
            assertThat(stream.deadLettersByCause()).isEqualTo(Map.of("click_without_event", 2L));
            assertThat(stream.eventRuns()).isEqualTo(2);
            assertThat(stream.late()).isZero();
            assertThat(stream.emitted()).containsEntry(Channel.DISPLAYS, 2L).containsEntry(Channel.LABELS, 2L)
                    .containsEntry(Channel.SCORE_REQUESTS, 2L).containsEntry(Channel.PAGE_VIEWS, 2L)
                    .containsEntry(Channel.DEAD_LETTERS, 2L);
        }
    }

    @Test
    void shouldDeadLetterRejectedRowsAndEventsWithoutAdsAndGoOn() throws IOException {
        writeSmallDataSet();
        TestFiles.csv(dir, "events.csv", "display_id,uuid,document_id,timestamp,platform,geo_location",
                "1,aaaaaaaaaaaaaa,10,1000,1,US>CA>807",
                "1x,bbbbbbbbbbbbbb,11,1500,1,RS",
                "2,bbbbbbbbbbbbbb,11,2000,\\N,SG>00",
                "3,bbbbbbbbbbbbbb,11,2100,2,SG>00");
        TestFiles.csv(dir, "page_views.csv", "uuid,document_id,timestamp,platform,geo_location,traffic_source",
                "aaaaaaaaaaaaaa,9,900,1,US>CA>807,1", "aaaaaaaaaaaaaa,9,,1,US>CA>807,1");

        try (ReplayStream stream = ReplayStream.open(dir, OPTIONS)) {
            List<StreamRecord> records = new ArrayList<>();
            stream.forEachRemaining(records::add);

            assertThat(deadLetters(records)).extracting(DeadLetter::getSource, DeadLetter::getLine,
                    DeadLetter::getReason).contains(
                            org.assertj.core.groups.Tuple.tuple("events.csv", 3L, "display_id: not an integer: '1x'"),
                            org.assertj.core.groups.Tuple.tuple("page_views.csv", 3L, "timestamp: missing"),
                            org.assertj.core.groups.Tuple.tuple("events.csv", 5L,
                                    "display_id 3 has no ads in clicks_train.csv or clicks_test.csv"));
            assertThat(stream.rejectedByFile()).isEqualTo(Map.of("events.csv", 1L, "page_views.csv", 1L));
            assertThat(stream.deadLettersByCause()).containsEntry("rejected_row", 2L)
                    .containsEntry("event_without_ads", 1L);
            assertThat(stream.emitted()).containsEntry(Channel.DISPLAYS, 2L);
        }
    }

    @Test
    void shouldCountRecordsLaterThanTheReorderBoundAndStillSendThem() throws IOException {
        TestFiles.csv(dir, "page_views.csv", "uuid,document_id,timestamp,platform,geo_location,traffic_source",
                "aaaaaaaaaaaaaa,1,1000,1,RS,1", "aaaaaaaaaaaaaa,2,1050,1,RS,1", "aaaaaaaaaaaaaa,3,1020,1,RS,1",
                "aaaaaaaaaaaaaa,4,5000,1,RS,1", "aaaaaaaaaaaaaa,5,6000,1,RS,1", "aaaaaaaaaaaaaa,6,2000,1,RS,1",
                "aaaaaaaaaaaaaa,7,7000,1,RS,1");

        try (ReplayStream stream = ReplayStream.open(dir, OPTIONS)) {
            List<Long> docs = new ArrayList<>();
            stream.forEachRemaining(r -> docs.add(((PageView) r.value()).getDocumentId()));

            assertThat(docs).as("1020 is within the bound and put in order; 2000 comes after 5000 was sent")
                    .containsExactly(1L, 3L, 2L, 4L, 6L, 5L, 7L);
            assertThat(stream.late()).isEqualTo(1);
        }
    }

    @Test
    void shouldReplayAnySubsetOfTheFiles() throws IOException {
        writeSmallDataSet();
        Files.delete(dir.resolve("clicks_train.csv"));
        Files.delete(dir.resolve("clicks_test.csv"));

        try (ReplayStream stream = ReplayStream.open(dir, OPTIONS)) {
            List<StreamRecord> records = new ArrayList<>();
            stream.forEachRemaining(records::add);

            assertThat(stream.unusedFiles()).containsExactly("events.csv");
            assertThat(records).extracting(StreamRecord::channel).containsExactly(Channel.PROMOTED_CONTENT,
                    Channel.PROMOTED_CONTENT, Channel.PAGE_VIEWS, Channel.PAGE_VIEWS);
        }
        Files.delete(dir.resolve("page_views.csv"));
        Files.delete(dir.resolve("promoted_content.csv"));
        assertThat(readAll(dir, OPTIONS)).isEmpty();
    }

    @Test
    void shouldRefuseToOpenWhenAFileIsNotAnOutbrainFile() {
        writeSmallDataSet();
        TestFiles.csv(dir, "documents_topics.csv", "document_id,topic,confidence", "1,2,0.5");

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ReplayStream.open(dir, OPTIONS))
                .isInstanceOf(dev.wnd.ingest.csv.NotAnOutbrainFileException.class)
                .hasMessageContaining("documents_topics.csv");
    }

    @Test
    void shouldReplayTheRealSliceWithItsTwoEventRuns() throws IOException {
        try (ReplayStream stream = ReplayStream.open(TestFiles.realData(), StreamOptions.defaults())) {
            long previous = Long.MIN_VALUE;
            while (stream.hasNext()) {
                StreamRecord r = stream.next();
                if (r.channel() != Channel.DEAD_LETTERS) {
                    assertThat(r.timestampMs()).isGreaterThanOrEqualTo(previous);
                    previous = r.timestampMs();
                }
            }

            assertThat(stream.eventRuns()).isEqualTo(2);
            assertThat(stream.late()).isZero();
            assertThat(stream.rejectedByFile()).isEmpty();
            assertThat(stream.emitted()).containsEntry(Channel.PROMOTED_CONTENT, 804L)
                    .containsEntry(Channel.PAGE_VIEWS, 25_508L).containsEntry(Channel.DISPLAYS, 1_959L)
                    .containsEntry(Channel.LABELS, 1_959L).containsEntry(Channel.SCORE_REQUESTS, 1L);
            assertThat(stream.deadLettersByCause()).containsEntry("click_without_event", 991L)
                    .containsEntry("event_without_ads", 27_876L - 1_959L - 1L);
        }
    }

    @Test
    void shouldStreamAGeneratedDataSetDeterministicallyInOrderAndTheSameFromGzip() throws IOException {
        Path data = dir.resolve("data");
        GeneratorSummary summary = DataGenerator.generate(GeneratorConfig.defaults(3_000, 5), data);
        Path gz = dir.resolve("gz");
        Files.createDirectories(gz);
        try (Stream<Path> files = Files.list(data)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                TestFiles.gzip(p, gz.resolve(p.getFileName() + ".gz"));
            }
        }

        List<StreamRecord> first = readAll(data, StreamOptions.defaults());
        List<StreamRecord> again = readAll(data, StreamOptions.defaults());
        List<StreamRecord> fromGzip = readAll(gz, StreamOptions.defaults());

        assertThat(again).isEqualTo(first);
        assertThat(fromGzip).isEqualTo(first);
        assertThat(first).filteredOn(r -> r.channel() == Channel.DISPLAYS).hasSize((int) summary.trainDisplays());
        assertThat(first).filteredOn(r -> r.channel() == Channel.LABELS).hasSize((int) summary.trainDisplays());
        assertThat(first).filteredOn(r -> r.channel() == Channel.SCORE_REQUESTS)
                .hasSize((int) summary.testDisplays());
        assertThat(first).filteredOn(r -> r.channel() == Channel.PAGE_VIEWS)
                .hasSize(summary.rows().get("page_views.csv").intValue());
        assertThat(first).noneMatch(r -> r.channel() == Channel.DEAD_LETTERS);
        assertThat(timed(first)).extracting(StreamRecord::timestampMs).isSorted();
        long rows = summary.rows().values().stream().mapToLong(Long::longValue).sum();
        assertThat(first).hasSize((int) (rows - summary.rows().get("events.csv")
                - summary.rows().get("clicks_train.csv") - summary.rows().get("clicks_test.csv")
                + 2 * summary.trainDisplays() + summary.testDisplays()));
    }
}
