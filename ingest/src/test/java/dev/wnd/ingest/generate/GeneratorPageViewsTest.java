package dev.wnd.ingest.generate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wnd.ingest.csv.CsvRow;
import dev.wnd.ingest.csv.OutbrainFile;
import dev.wnd.ingest.csv.OutbrainReader;
import dev.wnd.schemas.avro.Event;
import dev.wnd.schemas.avro.PageView;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data sets with Outbrain's proportions: many page views per display. Each display's page views are the given mean
 * (Poisson) in the 6 hours before it, plus the view of its own page and, after 10% of clicks, one of the landing
 * page; page_views.csv stays in time order.
 */
class GeneratorPageViewsTest {

    private static final int DISPLAYS = 500;
    private static final long SIX_HOURS_MS = 6 * 3_600_000L;

    @TempDir
    Path root;

    @Test
    void shouldWritePageViewsInProportionToTheMeanPerDisplay() throws IOException {
        long none = pageViews(generate("0", 0));
        long ten = pageViews(generate("10", 10));
        long hundred = pageViews(generate("100", 100));

        // Each display has its own page's view, and 10% of clicks are followed by a view of the ad's landing page.
        assertThat((double) none / DISPLAYS).isCloseTo(1.1, Offset.offset(0.05));
        assertThat((double) (ten - none) / DISPLAYS).isCloseTo(10, Offset.offset(0.5));
        assertThat((double) (hundred - none) / DISPLAYS).isCloseTo(100, Offset.offset(3.0));
    }

    @Test
    void shouldPutAHundredPageViewsPerDisplayInTheSixHoursBeforeItInTimeOrder() throws IOException {
        Path dir = generate("100", 100);
        List<PageView> views = rows(dir, "page_views.csv", OutbrainFile.PAGE_VIEWS);
        List<Event> events = rows(dir, "events.csv", OutbrainFile.EVENTS);
        Map<String, List<Long>> byUser = new HashMap<>();
        for (PageView v : views) {
            byUser.computeIfAbsent(v.getUuid(), u -> new ArrayList<>()).add(v.getTimestamp());
        }

        assertThat(views).extracting(PageView::getTimestamp).isSorted();
        long inTheSixHoursBefore = 0;
        for (Event e : events) {
            long ts = e.getTimestamp();
            inTheSixHoursBefore += byUser.get(e.getUuid()).stream().filter(t -> t < ts && t > ts - SIX_HOURS_MS)
                    .count();
        }
        // Poisson(100) of its own, the own page's view (also before it), and the views of the user's other displays
        // that fall in the same window.
        assertThat((double) inTheSixHoursBefore / DISPLAYS).isBetween(98.0, 130.0);
    }

    private Path generate(String name, double pageViewsPerDisplay) throws IOException {
        Path dir = root.resolve(name);
        DataGenerator.generate(GeneratorConfig.defaults(DISPLAYS, 3).withPageViewsPerDisplay(pageViewsPerDisplay),
                dir);
        return dir;
    }

    private static long pageViews(Path dir) throws IOException {
        return rows(dir, "page_views.csv", OutbrainFile.PAGE_VIEWS).size();
    }

    private static <T> List<T> rows(Path dir, String name, OutbrainFile<T> file) throws IOException {
        List<T> out = new ArrayList<>();
        try (OutbrainReader<T> reader = OutbrainReader.open(dir.resolve(name), file)) {
            reader.forEachRemaining(r -> out.add(((CsvRow.Parsed<T>) r).value()));
        }
        return out;
    }
}
