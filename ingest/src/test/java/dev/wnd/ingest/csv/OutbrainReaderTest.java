package dev.wnd.ingest.csv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wnd.ingest.TestFiles;
import dev.wnd.schemas.avro.ClickTrain;
import dev.wnd.schemas.avro.DocumentEntity;
import dev.wnd.schemas.avro.DocumentMeta;
import dev.wnd.schemas.avro.DocumentTopic;
import dev.wnd.schemas.avro.Event;
import dev.wnd.schemas.avro.PageView;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutbrainReaderTest {

    private static final String EVENTS_HEADER = "display_id,uuid,document_id,timestamp,platform,geo_location";

    @TempDir
    Path dir;

    private static <T> List<CsvRow<T>> readAll(Path path, OutbrainFile<T> file) throws IOException {
        try (OutbrainReader<T> reader = OutbrainReader.open(path, file)) {
            List<CsvRow<T>> rows = new ArrayList<>();
            reader.forEachRemaining(rows::add);
            return rows;
        }
    }

    private static <T> List<T> values(List<CsvRow<T>> rows) {
        assertThat(rows).allSatisfy(r -> assertThat(r).isInstanceOf(CsvRow.Parsed.class));
        return rows.stream().map(r -> ((CsvRow.Parsed<T>) r).value()).toList();
    }

    private static <T> CsvRow.Rejected<T> onlyReject(List<CsvRow<T>> rows) {
        List<CsvRow.Rejected<T>> rejects = rows.stream().filter(r -> r instanceof CsvRow.Rejected<T>)
                .map(r -> (CsvRow.Rejected<T>) r).toList();
        assertThat(rejects).hasSize(1);
        return rejects.get(0);
    }

    @Test
    void shouldReadEventsPlatformBackslashNAsNull() throws IOException {
        Path events = TestFiles.csv(dir, "events.csv", EVENTS_HEADER,
                "1,cb8c55702adb93,379743,61,3,US>SC>519",
                "2,79a85fa78311b9,1794259,81,\\N,US>CA>807");

        List<Event> rows = values(readAll(events, OutbrainFile.EVENTS));

        assertThat(rows).extracting(Event::getPlatform).containsExactly(3, null);
    }

    @Test
    void shouldKeepEveryGeoLocationFormAndReadEmptyAsNull() throws IOException {
        Path events = TestFiles.csv(dir, "events.csv", EVENTS_HEADER,
                "1,cb8c55702adb93,1,61,1,US>CA>807",
                "2,cb8c55702adb93,1,62,1,SG>00",
                "3,cb8c55702adb93,1,63,1,RS",
                "4,cb8c55702adb93,1,64,1,--",
                "5,cb8c55702adb93,1,65,1,");

        List<Event> rows = values(readAll(events, OutbrainFile.EVENTS));

        assertThat(rows).extracting(Event::getGeoLocation).containsExactly("US>CA>807", "SG>00", "RS", "--", null);
    }

    @Test
    void shouldReadFourteenHexUuidsAndMillisecondTimestampsAsInTheFile() throws IOException {
        Path events = TestFiles.csv(dir, "events.csv", EVENTS_HEADER,
                "23100265,c600394d982f24,60164,1294773116,1,US>GA>524");

        Event e = values(readAll(events, OutbrainFile.EVENTS)).get(0);

        assertThat(e.getUuid()).isEqualTo("c600394d982f24").hasSize(14);
        assertThat(e.getTimestamp()).as("ms after 1465876799998, kept relative").isEqualTo(1294773116L);
        assertThat(e.getDisplayId()).isEqualTo(23100265L);
        assertThat(e.getDocumentId()).isEqualTo(60164L);
    }

    @Test
    void shouldReadEmptySourcePublisherAndPublishTimeOfDocumentsMetaAsNull() throws IOException {
        Path meta = TestFiles.csv(dir, "documents_meta.csv", "document_id,source_id,publisher_id,publish_time",
                "1595802,1,603,2016-06-14 04:00:00",
                "1524246,,,2016-06-05 00:00:00",
                "1617787,1,,",
                "1615583,1,603,");

        List<DocumentMeta> rows = values(readAll(meta, OutbrainFile.DOCUMENTS_META));

        assertThat(rows.get(0).getPublishTime()).isEqualTo(Instant.parse("2016-06-14T04:00:00Z").toEpochMilli());
        assertThat(rows.get(1).getSourceId()).isNull();
        assertThat(rows.get(1).getPublisherId()).isNull();
        assertThat(rows.get(1).getPublishTime()).isEqualTo(Instant.parse("2016-06-05T00:00:00Z").toEpochMilli());
        assertThat(rows.get(2).getSourceId()).isEqualTo(1L);
        assertThat(rows.get(2).getPublisherId()).isNull();
        assertThat(rows.get(2).getPublishTime()).isNull();
        assertThat(rows.get(3).getPublishTime()).isNull();
    }

    @Test
    void shouldReadAnUnparsablePublishTimeAsNullAndCountIt() throws IOException {
        Path meta = TestFiles.csv(dir, "documents_meta.csv", "document_id,source_id,publisher_id,publish_time",
                "1,2,3,2016-02-30 00:00:00",
                "2,2,3,yesterday",
                "3,2,3,1899-12-31 23:59:59");

        try (OutbrainReader<DocumentMeta> reader = OutbrainReader.open(meta, OutbrainFile.DOCUMENTS_META)) {
            List<CsvRow<DocumentMeta>> rows = new ArrayList<>();
            reader.forEachRemaining(rows::add);

            assertThat(values(rows)).extracting(DocumentMeta::getPublishTime)
                    .containsExactly(null, null, Instant.parse("1899-12-31T23:59:59Z").toEpochMilli());
            assertThat(reader.coercedToNull()).isEqualTo(2);
        }
    }

    @Test
    void shouldReadThirtyTwoHexEntityIdsAndConfidences() throws IOException {
        Path entities = TestFiles.csv(dir, "documents_entities.csv", "document_id,entity_id,confidence_level",
                "1524246,f9eec25663db4cd83183f5c805186f16,0.672865314504701",
                "1617787,55ebcfbdaff1d6f60b3907151f38527a,1");

        List<DocumentEntity> rows = values(readAll(entities, OutbrainFile.DOCUMENTS_ENTITIES));

        assertThat(rows.get(0).getEntityId()).isEqualTo("f9eec25663db4cd83183f5c805186f16").hasSize(32);
        assertThat(rows.get(0).getConfidenceLevel()).isEqualTo(0.672865314504701);
        assertThat(rows.get(1).getConfidenceLevel()).isEqualTo(1.0);
    }

    @Test
    void shouldParseConfidencesExactlyAsDoubleParseDouble() throws IOException {
        Random random = new Random(7);
        List<String> lines = new ArrayList<>();
        lines.add("document_id,topic_id,confidence_level");
        List<Double> expected = new ArrayList<>();
        String[] fixed = {"0.0731131601068925", "0.92", "1", "0", "0.5", ".25", "1e-05", "2.5E-3",
            "0.000000000000000000000001", "0.12345678901234567890", "123456789012345678"};
        for (String f : fixed) {
            lines.add("1," + lines.size() + "," + f);
            expected.add(Double.parseDouble(f));
        }
        for (int i = 0; i < 2000; i++) {
            double v = random.nextDouble();
            String text = i % 2 == 0 ? Double.toString(v) : String.format(Locale.ROOT, "%." + (1 + i % 17) + "f", v);
            lines.add("1," + lines.size() + "," + text);
            expected.add(Double.parseDouble(text));
        }
        Path topics = TestFiles.csv(dir, "documents_topics.csv", lines.toArray(String[]::new));

        List<DocumentTopic> rows = values(readAll(topics, OutbrainFile.DOCUMENTS_TOPICS));

        assertThat(rows).extracting(DocumentTopic::getConfidenceLevel).containsExactlyElementsOf(expected);
    }

    @Test
    void shouldRejectRowWithMissingDisplayId() throws IOException {
        Path clicks = TestFiles.csv(dir, "clicks_train.csv", "display_id,ad_id,clicked", "1,42337,0", ",139684,1");

        CsvRow.Rejected<ClickTrain> reject = onlyReject(readAll(clicks, OutbrainFile.CLICKS_TRAIN));

        assertThat(reject.file()).isEqualTo("clicks_train.csv");
        assertThat(reject.line()).isEqualTo(3);
        assertThat(reject.reason()).isEqualTo("display_id: missing");
        assertThat(reject.text()).isEqualTo(",139684,1");
    }

    @Test
    void shouldRejectRowWithWrongFieldCount() throws IOException {
        Path clicks = TestFiles.csv(dir, "clicks_train.csv", "display_id,ad_id,clicked", "1,42337", "1,2,0,4",
                "1,2,0");

        List<CsvRow<ClickTrain>> rows = readAll(clicks, OutbrainFile.CLICKS_TRAIN);

        assertThat(rows).hasSize(3);
        assertThat(rows.get(0)).isInstanceOfSatisfying(CsvRow.Rejected.class, r -> {
            assertThat(r.line()).isEqualTo(2);
            assertThat(r.reason()).isEqualTo("expected 3 fields (display_id,ad_id,clicked), found 2");
        });
        assertThat(rows.get(1)).isInstanceOfSatisfying(CsvRow.Rejected.class,
                r -> assertThat(r.reason()).endsWith("found 4"));
        assertThat(rows.get(2)).isInstanceOf(CsvRow.Parsed.class);
    }

    @Test
    void shouldRejectUnparsableNumberNamingTheColumn() throws IOException {
        Path views = TestFiles.csv(dir, "page_views.csv",
                "uuid,document_id,timestamp,platform,geo_location,traffic_source",
                "1fd5f051fba643,120,31905835,1,RS,x2",
                "1fd5f051fba643,12a,31905835,1,RS,2",
                "1fd5f051fba643,120,99999999999999999999,1,RS,2",
                "1fd5f051fba643,120,1,3000000000,RS,2");

        List<CsvRow<PageView>> rows = readAll(views, OutbrainFile.PAGE_VIEWS);

        assertThat(rows).extracting(r -> ((CsvRow.Rejected<PageView>) r).reason()).containsExactly(
                "traffic_source: not an integer: 'x2'",
                "document_id: not an integer: '12a'",
                "timestamp: out of long range: '99999999999999999999'",
                "platform: out of int range: '3000000000'");
    }

    @Test
    void shouldRejectClickedOtherThanZeroOrOne() throws IOException {
        Path clicks = TestFiles.csv(dir, "clicks_train.csv", "display_id,ad_id,clicked", "1,2,2");

        assertThat(onlyReject(readAll(clicks, OutbrainFile.CLICKS_TRAIN)).reason())
                .isEqualTo("clicked: must be 0 or 1, was '2'");
    }

    @Test
    void shouldRejectMissingUuidAndMissingConfidence() throws IOException {
        Path events = TestFiles.csv(dir, "events.csv", EVENTS_HEADER, "1,,379743,61,3,US>SC>519");
        Path topics = TestFiles.csv(dir, "documents_topics.csv", "document_id,topic_id,confidence_level", "1,2,",
                "1,2,abc");

        assertThat(onlyReject(readAll(events, OutbrainFile.EVENTS)).reason()).isEqualTo("uuid: missing");
        assertThat(readAll(topics, OutbrainFile.DOCUMENTS_TOPICS)).extracting(r ->
                ((CsvRow.Rejected<DocumentTopic>) r).reason())
                .containsExactly("confidence_level: missing", "confidence_level: not a number: 'abc'");
    }

    @Test
    void shouldCountLinesFromTheHeaderSkippingBlankLinesAndCarriageReturns() throws IOException {
        Path clicks = dir.resolve("clicks_test.csv");
        Files.writeString(clicks, "\uFEFFdisplay_id,ad_id\r\n1,2\r\n\r\n3,4\r\nbad\r\n5,6");

        try (OutbrainReader<?> reader = OutbrainReader.open(clicks)) {
            List<CsvRow<?>> rows = new ArrayList<>();
            reader.forEachRemaining(rows::add);

            assertThat(rows).extracting(CsvRow::line).containsExactly(2L, 4L, 5L, 6L);
            assertThat(rows.get(2)).isInstanceOf(CsvRow.Rejected.class);
            assertThat(reader.rows()).isEqualTo(3);
            assertThat(reader.rejected()).isEqualTo(1);
            assertThat(reader.blankLines()).isEqualTo(1);
        }
    }

    @Test
    void shouldRefuseAFileWhoseHeaderIsNotOutbrainsNamingTheFile() {
        Path events = TestFiles.csv(dir, "events.csv", "id,name", "1,x");

        assertThatThrownBy(() -> OutbrainReader.open(events, OutbrainFile.EVENTS))
                .isInstanceOf(NotAnOutbrainFileException.class)
                .hasMessageContaining("events.csv")
                .hasMessageContaining("'id,name'")
                .hasMessageContaining(EVENTS_HEADER);
    }

    @Test
    void shouldRefuseAnEmptyFileAndAnUnknownName() throws IOException {
        Path empty = dir.resolve("clicks_test.csv");
        Files.writeString(empty, "");
        Path other = TestFiles.csv(dir, "clicks.csv", "display_id,ad_id");

        assertThatThrownBy(() -> OutbrainReader.open(empty)).isInstanceOf(NotAnOutbrainFileException.class)
                .hasMessageContaining("clicks_test.csv is empty");
        assertThatThrownBy(() -> OutbrainReader.open(other)).isInstanceOf(NotAnOutbrainFileException.class)
                .hasMessageContaining("clicks.csv is not named like an Outbrain file");
    }

    @Test
    void shouldReadGzipAndZipLikeThePlainFile() throws IOException {
        Path plain = TestFiles.csv(dir, "events.csv", EVENTS_HEADER, "1,cb8c55702adb93,379743,61,3,US>SC>519",
                "2,79a85fa78311b9,1794259,81,\\N,", "x");
        Path gz = TestFiles.gzip(plain, dir.resolve("events.csv.gz"));
        Path zip = TestFiles.zip(plain, dir.resolve("events.csv.zip"));

        List<CsvRow<Event>> expected = readAll(plain, OutbrainFile.EVENTS);

        assertThat(readAll(gz, OutbrainFile.EVENTS)).usingRecursiveFieldByFieldElementComparator()
                .isEqualTo(expected.stream().map(r -> r instanceof CsvRow.Rejected<Event> x
                        ? new CsvRow.Rejected<Event>("events.csv.gz", x.line(), x.reason(), x.text()) : r).toList());
        assertThat(readAll(zip, OutbrainFile.EVENTS)).hasSize(3).first().isEqualTo(expected.get(0));
        assertThat(((CsvRow.Rejected<?>) readAll(zip, OutbrainFile.EVENTS).get(2)).file())
                .isEqualTo("events.csv.zip");
    }

    @Test
    void shouldContinueAtALineAndOffsetInPlainAndCompressedFiles() throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("display_id,ad_id");
        for (int i = 1; i <= 50_000; i++) {
            lines.add(i + "," + (i * 7));
        }
        Path plain = TestFiles.csv(dir, "clicks_test.csv", lines.toArray(String[]::new));
        Path gz = TestFiles.gzip(plain, dir.resolve("clicks_test.csv.gz"));
        long line;
        long offset;
        try (OutbrainReader<?> reader = OutbrainReader.open(plain)) {
            for (int i = 0; i < 40_000; i++) {
                reader.next();
            }
            line = reader.line();
            offset = reader.lineOffset();
        }

        for (Path path : List.of(plain, gz)) {
            try (OutbrainReader<?> reader = OutbrainReader.openAt(path, OutbrainFile.CLICKS_TEST, line, offset)) {
                CsvRow<?> first = reader.next();
                assertThat(first.line()).isEqualTo(40_001);
                assertThat(((CsvRow.Parsed<?>) first).value().toString()).contains("\"display_id\": 40000");
                long n = 1;
                while (reader.hasNext()) {
                    reader.next();
                    n++;
                }
                assertThat(n).isEqualTo(10_001);
            }
        }
    }

    @Test
    void shouldCutAnOverlongLineAndGoOn() throws IOException {
        Path clicks = dir.resolve("clicks_test.csv");
        String longLine = "1," + "9".repeat(3 << 20);
        Files.writeString(clicks, "display_id,ad_id\n" + longLine + "\n2,3\n", StandardCharsets.US_ASCII);

        List<CsvRow<dev.wnd.schemas.avro.ClickTest>> rows = readAll(clicks, OutbrainFile.CLICKS_TEST);

        assertThat(rows).hasSize(2);
        assertThat(rows.get(0)).isInstanceOfSatisfying(CsvRow.Rejected.class, r -> {
            assertThat(r.reason()).startsWith("line longer than");
            assertThat(r.text()).hasSize(CsvRow.Rejected.MAX_TEXT);
        });
        assertThat(rows.get(1).line()).isEqualTo(3);
        assertThat(rows.get(1)).isInstanceOf(CsvRow.Parsed.class);
    }

    @Test
    void shouldRecogniseTheNineFilesByNameWithTheirCompression() {
        assertThat(OutbrainFile.forFileName("events.csv")).contains(OutbrainFile.EVENTS);
        assertThat(OutbrainFile.forFileName("page_views_sample.csv.zip")).contains(OutbrainFile.PAGE_VIEWS);
        assertThat(OutbrainFile.forFileName("documents_meta.csv.gz")).contains(OutbrainFile.DOCUMENTS_META);
        assertThat(OutbrainFile.forFileName("events.json")).isEmpty();
        assertThat(OutbrainFile.forFileName("sample_submission.csv")).isEmpty();
        assertThat(OutbrainFile.all()).hasSize(9);
    }
}
