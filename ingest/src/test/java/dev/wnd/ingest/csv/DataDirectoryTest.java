package dev.wnd.ingest.csv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wnd.ingest.TestFiles;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryTest {

    @TempDir
    Path dir;

    @Test
    void shouldPreferKaggleNamesThenPlainThenGzipThenZip() throws IOException {
        TestFiles.csv(dir, "page_views_sample.csv", "x");
        TestFiles.csv(dir, "page_views.csv.gz", "x");
        TestFiles.csv(dir, "events.csv.zip", "x");
        TestFiles.csv(dir, "events.csv", "x");
        TestFiles.csv(dir, "notes.csv", "x");

        DataDirectory data = DataDirectory.scan(dir);

        assertThat(data.path(OutbrainFile.PAGE_VIEWS)).contains(dir.resolve("page_views.csv.gz"));
        assertThat(data.path(OutbrainFile.EVENTS)).contains(dir.resolve("events.csv"));
        assertThat(data.shadowed()).containsExactly(dir.resolve("events.csv.zip"),
                dir.resolve("page_views_sample.csv"));
        assertThat(data.files().keySet()).containsExactly(OutbrainFile.PAGE_VIEWS, OutbrainFile.EVENTS);
        assertThat(data.has(OutbrainFile.CLICKS_TRAIN)).isFalse();
    }

    @Test
    void shouldFailOnAMissingDirectory() {
        assertThatThrownBy(() -> DataDirectory.scan(dir.resolve("nope"))).isInstanceOf(NoSuchFileException.class);
    }
}
