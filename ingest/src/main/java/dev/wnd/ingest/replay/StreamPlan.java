package dev.wnd.ingest.replay;

import dev.wnd.ingest.csv.CsvRow;
import dev.wnd.ingest.csv.OutbrainFile;
import dev.wnd.ingest.csv.OutbrainReader;
import dev.wnd.schemas.avro.Event;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Where each cursor of the display join starts and stops, found by one pass over events.csv and one over each clicks
 * file before the replay (the pass parses rows but keeps only a few numbers).
 *
 * <p>events.csv is cut into time-ordered runs: a new run starts where the timestamp falls more than the reorder
 * bound below the run's maximum while display_id keeps increasing (Kaggle: the test displays, numbered after the
 * training displays, start again at day 1). Run r covers display ids {@code [first_r, first_{r+1})}; each clicks file
 * is cut at the first row whose display_id reaches {@code first_r}, so every clicks row belongs to exactly one run.
 */
final class StreamPlan {

    /** Where a cursor starts ({@code line} is 2 for the file's start) and the line it stops before. */
    record Segment(long startLine, long startOffset, long endLine) {
        static final Segment EMPTY = new Segment(-1, -1, -1);

        boolean isEmpty() {
            return startLine < 0;
        }

        boolean fromStart() {
            return startLine == 2;
        }
    }

    /** A run of events.csv: its lines and the first display id it owns. */
    record Run(Segment lines, long firstDisplayId) {
    }

    final List<Run> runs;
    final List<Segment> trainSegments;
    final List<Segment> testSegments;

    private StreamPlan(List<Run> runs, List<Segment> trainSegments, List<Segment> testSegments) {
        this.runs = runs;
        this.trainSegments = trainSegments;
        this.testSegments = testSegments;
    }

    static StreamPlan scan(Path events, Path clicksTrain, Path clicksTest, StreamOptions options)
            throws IOException {
        List<long[]> starts = new ArrayList<>();
        long bound = options.reorderBound().toMillis();
        try (OutbrainReader<Event> reader = OutbrainReader.open(events, OutbrainFile.EVENTS)) {
            long runMax = Long.MIN_VALUE;
            long maxDisplay = Long.MIN_VALUE;
            while (reader.hasNext()) {
                if (!(reader.next() instanceof CsvRow.Parsed<Event> parsed)) {
                    continue;
                }
                Event e = parsed.value();
                long ts = e.getTimestamp();
                long display = e.getDisplayId();
                if (runMax != Long.MIN_VALUE && ts < runMax - bound && display > maxDisplay
                        && starts.size() + 1 < options.maxEventRuns()) {
                    starts.add(new long[] {parsed.line(), reader.lineOffset(), display});
                    runMax = ts;
                } else {
                    runMax = Math.max(runMax, ts);
                }
                maxDisplay = Math.max(maxDisplay, display);
            }
        }
        List<Run> runs = new ArrayList<>();
        long[] firsts = new long[starts.size() + 1];
        firsts[0] = Long.MIN_VALUE;
        for (int r = 0; r <= starts.size(); r++) {
            long startLine = r == 0 ? 2 : starts.get(r - 1)[0];
            long startOffset = r == 0 ? 0 : starts.get(r - 1)[1];
            long endLine = r == starts.size() ? Long.MAX_VALUE : starts.get(r)[0];
            long first = r == 0 ? Long.MIN_VALUE : starts.get(r - 1)[2];
            firsts[r] = first;
            runs.add(new Run(new Segment(startLine, startOffset, endLine), first));
        }
        List<Segment> train = clicksTrain == null ? null
                : segments(clicksTrain, OutbrainFile.CLICKS_TRAIN, c -> c.getDisplayId(), firsts);
        List<Segment> test = clicksTest == null ? null
                : segments(clicksTest, OutbrainFile.CLICKS_TEST, c -> c.getDisplayId(), firsts);
        return new StreamPlan(List.copyOf(runs), train, test);
    }

    /** Cuts a clicks file at the first row whose display id reaches each run's first display id. */
    private static <T> List<Segment> segments(Path path, OutbrainFile<T> file, ToLongFunction<T> displayOf,
            long[] firsts) throws IOException {
        int runs = firsts.length;
        long[] line = new long[runs + 1];
        long[] offset = new long[runs + 1];
        line[0] = 2;
        for (int r = 1; r <= runs; r++) {
            line[r] = -1;
        }
        if (runs > 1) {
            try (OutbrainReader<T> reader = OutbrainReader.open(path, file)) {
                int r = 1;
                while (r < runs && reader.hasNext()) {
                    if (!(reader.next() instanceof CsvRow.Parsed<T> parsed)) {
                        continue;
                    }
                    long display = displayOf.applyAsLong(parsed.value());
                    while (r < runs && display >= firsts[r]) {
                        line[r] = parsed.line();
                        offset[r] = reader.lineOffset();
                        r++;
                    }
                }
            }
        }
        List<Segment> segments = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            if (line[r] < 0) {
                segments.add(Segment.EMPTY);
                continue;
            }
            long end = Long.MAX_VALUE;
            for (int next = r + 1; next < runs; next++) {
                if (line[next] >= 0) {
                    end = line[next];
                    break;
                }
            }
            segments.add(end == line[r] ? Segment.EMPTY : new Segment(line[r], offset[r], end));
        }
        return List.copyOf(segments);
    }
}
