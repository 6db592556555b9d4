package dev.wnd.ingest.replay;

import dev.wnd.ingest.csv.CsvRow;
import dev.wnd.ingest.csv.OutbrainFile;
import dev.wnd.ingest.csv.OutbrainReader;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * The rows of one clicks file that belong to one events run, read in file order and handed out display by display
 * for the merge join with events.csv.
 *
 * @param <T> ClickTrain or ClickTest
 */
final class ClickSegment<T> implements Closeable {

    private final OutbrainReader<T> reader;
    private final long endLine;
    private final long firstDisplay;
    private final ToLongFunction<T> displayOf;
    private final Function<T, String> csv;
    private final String eventsName;
    private CsvRow<T> head;
    private long lastDisplay = Long.MIN_VALUE;
    private boolean ended;

    private ClickSegment(OutbrainReader<T> reader, long endLine, long firstDisplay, ToLongFunction<T> displayOf,
            Function<T, String> csv, String eventsName) {
        this.reader = reader;
        this.endLine = endLine;
        this.firstDisplay = firstDisplay;
        this.displayOf = displayOf;
        this.csv = csv;
        this.eventsName = eventsName;
    }

    /** A cursor over {@code segment} of {@code path}, or null when the segment is empty. */
    static <T> ClickSegment<T> open(Path path, OutbrainFile<T> file, StreamPlan.Segment segment, long firstDisplay,
            ToLongFunction<T> displayOf, Function<T, String> csv, String eventsName) throws IOException {
        if (segment.isEmpty()) {
            return null;
        }
        OutbrainReader<T> reader = segment.fromStart() ? OutbrainReader.open(path, file)
                : OutbrainReader.openAt(path, file, segment.startLine(), segment.startOffset());
        return new ClickSegment<>(reader, segment.endLine(), firstDisplay, displayOf, csv, eventsName);
    }

    /** Receives the rows of one display. */
    interface RowSink<T> {
        void accept(CsvRow.Parsed<T> row);
    }

    /**
     * Hands the rows of display {@code display} to {@code sink} (none when it is null); rows before it that were not taken (their display
     * has no event), rejected rows and rows out of display_id order become dead letters.
     */
    void take(long display, RowSink<T> sink, Emitter out) {
        while (true) {
            CsvRow<T> row = peek();
            if (row == null) {
                return;
            }
            if (row instanceof CsvRow.Rejected<T> rejected) {
                head = null;
                out.deadLetter(DeadLetters.REJECTED_ROW, DeadLetters.of(rejected.file(), rejected.line(),
                        rejected.reason(), rejected.text()));
                continue;
            }
            CsvRow.Parsed<T> parsed = (CsvRow.Parsed<T>) row;
            long d = displayOf.applyAsLong(parsed.value());
            if (d > display) {
                return;
            }
            head = null;
            if (d < lastDisplay || d < firstDisplay) {
                out.deadLetter(DeadLetters.OUT_OF_ORDER, DeadLetters.of(reader.fileName(), parsed.line(),
                        "display_id " + d + " out of order: " + reader.fileName()
                                + " must be sorted by display_id", csv.apply(parsed.value())));
                continue;
            }
            lastDisplay = d;
            if (d < display || sink == null) {
                out.deadLetter(DeadLetters.CLICK_WITHOUT_EVENT, DeadLetters.of(reader.fileName(), parsed.line(),
                        "display_id " + d + " has no row in " + eventsName, csv.apply(parsed.value())));
            } else {
                sink.accept(parsed);
            }
        }
    }

    /** Every remaining row: dead letters (no event is left to join them with). */
    void drain(Emitter out) {
        take(Long.MAX_VALUE, null, out);
    }

    private CsvRow<T> peek() {
        if (head == null && !ended) {
            if (reader.hasNext()) {
                CsvRow<T> row = reader.next();
                if (row.line() < endLine) {
                    head = row;
                } else {
                    ended = true;
                }
            } else {
                ended = true;
            }
        }
        return head;
    }

    String fileName() {
        return reader.fileName();
    }

    long bytesRead() {
        return reader.bytesRead();
    }

    long rows() {
        return reader.rows();
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
