package dev.wnd.ingest.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wnd.ingest.TestFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InspectorTest {

    @TempDir
    Path dir;

    @Test
    void shouldAcceptEveryRowOfTheRealKaggleSlice() throws IOException {
        InspectionReport report = Inspector.inspect(TestFiles.realData());

        assertThat(report.rejected()).isZero();
        assertThat(report.hasErrors()).isFalse();
        assertThat(report.files()).containsOnlyKeys("promoted_content.csv", "page_views.csv", "events.csv",
                "clicks_train.csv", "clicks_test.csv");
        assertThat(report.files().get("clicks_train.csv").rows()).isEqualTo(9_999);
        assertThat(report.files().get("events.csv").rows()).isEqualTo(27_876);
        assertThat(report.files().get("page_views.csv").rows()).isEqualTo(25_508);
        assertThat(report.files().get("promoted_content.csv").rows()).isEqualTo(804);
        assertThat(report.files().get("clicks_test.csv").rows()).isEqualTo(1_000);
        assertThat(report.missingFiles()).containsExactly("documents_meta", "documents_topics",
                "documents_entities", "documents_categories");
        FileReport events = report.files().get("events.csv");
        assertThat(events.columns().get("timestamp").max()).isEqualTo(1294773116L);
        assertThat(events.counts().get("geo_form")).containsEntry("--", 1L);
        assertThat(events.counts().get("uuid_form")).containsEntry("14_hex", 27_876L);
        assertThat(report.files().get("clicks_train.csv").counts().get("clicks_per_display"))
                .isEqualTo(Map.of("1", 1_959L));
    }

    @Test
    void shouldCountDanglingReferencesOfTheRealSliceWithoutRejectingThem() throws IOException {
        InspectionReport report = Inspector.inspect(TestFiles.realData());

        assertThat(reference(report, "clicks_train.csv", "display_id").rows()).isZero();
        assertThat(reference(report, "clicks_train.csv", "ad_id").rows()).isEqualTo(6_951);
        assertThat(reference(report, "clicks_test.csv", "display_id").distinct()).isEqualTo(193);
        assertThat(reference(report, "events.csv", "display_id").rows()).isEqualTo(27_876 - 1_959 - 1);
    }

    private static ReferenceCheck reference(InspectionReport report, String from, String column) {
        return report.references().stream().filter(r -> r.from().equals(from) && r.column().equals(column))
                .findFirst().orElseThrow();
    }

    @Test
    void shouldWriteJsonWithFilesRowsRejectedAndRejectsByLine() throws IOException {
        TestFiles.csv(dir, "clicks_train.csv", "display_id,ad_id,clicked", "1,10,0", "1,11,1", "x,12,0", "2,13,5");
        TestFiles.csv(dir, "promoted_content.csv", "ad_id,document_id,campaign_id,advertiser_id", "10,1,1,1");

        JsonNode json = new ObjectMapper().readTree(Inspector.inspect(dir).toJson());

        JsonNode clicks = json.path("files").path("clicks_train.csv");
        assertThat(clicks.path("rows").asLong()).isEqualTo(2);
        assertThat(clicks.path("rejected").asLong()).isEqualTo(2);
        assertThat(clicks.path("rejects").get(0).path("line").asLong()).isEqualTo(4);
        assertThat(clicks.path("rejects").get(0).path("reason").asText()).isEqualTo("display_id: not an integer: 'x'");
        assertThat(clicks.path("rejects").get(1).path("line").asLong()).isEqualTo(5);
        assertThat(clicks.path("columns").path("ad_id").path("max").asLong()).isEqualTo(11);
        assertThat(json.path("files").path("promoted_content.csv").path("rows").asLong()).isEqualTo(1);
        assertThat(json.path("rejected").asLong()).isEqualTo(2);
        JsonNode ads = json.path("references").get(0);
        assertThat(ads.path("description").asText()).isEqualTo("ads without promoted_content");
        assertThat(ads.path("rows").asLong()).isEqualTo(1);
    }

    @Test
    void shouldInspectCompressedFilesUnderTheirOwnNames() throws IOException {
        Path sources = Files.createDirectories(dir.resolve("sources"));
        Path data = Files.createDirectories(dir.resolve("data"));
        Path plain = TestFiles.csv(sources, "clicks_test.csv", "display_id,ad_id", "1,2", "1,3", "oops");
        TestFiles.gzip(plain, data.resolve("clicks_test.csv.gz"));
        TestFiles.zip(TestFiles.csv(sources, "events.csv",
                "display_id,uuid,document_id,timestamp,platform,geo_location", "1,cb8c55702adb93,1,61,1,RS"),
                data.resolve("events.csv.zip"));

        InspectionReport report = Inspector.inspect(data);

        assertThat(report.files()).containsOnlyKeys("events.csv.zip", "clicks_test.csv.gz");
        assertThat(report.files().get("clicks_test.csv.gz").rows()).isEqualTo(2);
        assertThat(report.files().get("clicks_test.csv.gz").rejects()).containsExactly(new RejectEntry(4,
                "expected 2 fields (display_id,ad_id), found 1"));
        assertThat(reference(report, "clicks_test.csv.gz", "display_id").rows()).isZero();
    }

    @Test
    void shouldListAtMostTheLimitOfRejectsButCountThemAll() throws IOException {
        List<String> lines = new ArrayList<>(List.of("display_id,ad_id"));
        for (int i = 0; i < 250; i++) {
            lines.add("bad" + i);
        }
        TestFiles.csv(dir, "clicks_test.csv", lines.toArray(String[]::new));

        FileReport clicks = Inspector.inspect(dir).files().get("clicks_test.csv");

        assertThat(clicks.rejected()).isEqualTo(250);
        assertThat(clicks.rejects()).hasSize(Inspector.DEFAULT_MAX_REJECTS_LISTED);
        assertThat(Inspector.inspect(dir, 3).files().get("clicks_test.csv").rejects()).extracting(RejectEntry::line)
                .containsExactly(2L, 3L, 4L);
    }

    @Test
    void shouldReportAFileWithAForeignHeaderAndReadTheOthers() throws IOException {
        TestFiles.csv(dir, "events.csv", "a,b,c", "1,2,3");
        TestFiles.csv(dir, "clicks_test.csv", "display_id,ad_id", "1,2");

        InspectionReport report = Inspector.inspect(dir);

        assertThat(report.hasErrors()).isTrue();
        assertThat(report.files().get("events.csv").error()).contains("events.csv").contains("'a,b,c'");
        assertThat(report.files().get("clicks_test.csv").rows()).isEqualTo(1);
        assertThat(report.toText()).contains("ERROR: events.csv is not an Outbrain events file");
    }

    @Test
    void shouldCountDocumentsWithoutMetadataAndQuirksInTheText() throws IOException {
        TestFiles.csv(dir, "documents_meta.csv", "document_id,source_id,publisher_id,publish_time",
                "1,2,3,2016-06-01 00:00:00", "2,,,");
        TestFiles.csv(dir, "documents_topics.csv", "document_id,topic_id,confidence_level", "1,5,0.5", "3,5,0.5");
        TestFiles.csv(dir, "events.csv", "display_id,uuid,document_id,timestamp,platform,geo_location",
                "1,cb8c55702adb93,1,61,\\N,SG>00", "2,cb8c55702adb93,4,62,2,");

        InspectionReport report = Inspector.inspect(dir);

        assertThat(reference(report, "documents_topics.csv", "document_id").rows()).isEqualTo(1);
        assertThat(reference(report, "events.csv", "document_id").rows()).isEqualTo(1);
        FileReport meta = report.files().get("documents_meta.csv");
        assertThat(meta.columns().get("source_id").nulls()).isEqualTo(1);
        assertThat(meta.columns().get("publish_time").nulls()).isEqualTo(1);
        FileReport events = report.files().get("events.csv");
        assertThat(events.counts().get("platform")).containsEntry("null", 1L).containsEntry("2", 1L);
        assertThat(events.counts().get("geo_form")).containsEntry("country>state", 1L).containsEntry("empty", 1L);
        assertThat(report.toText()).contains("documents without metadata").contains("publish_time")
                .contains("2016-06-01T00:00:00Z");
    }
}
