package dev.wnd.ingest.replay;

import dev.wnd.features.spec.EventTime;
import dev.wnd.ingest.csv.CsvRow;
import dev.wnd.ingest.csv.OutbrainFile;
import dev.wnd.ingest.csv.OutbrainReader;
import dev.wnd.schemas.avro.PageView;
import java.io.IOException;
import java.nio.file.Path;

/** page_views rows as they come (the file is time-ordered), keyed by uuid. */
final class PageViewSource implements TimedSource {

    private final OutbrainReader<PageView> reader;
    private long maxTimestamp = Long.MIN_VALUE;

    PageViewSource(Path path) throws IOException {
        reader = OutbrainReader.open(path, OutbrainFile.PAGE_VIEWS);
    }

    @Override
    public boolean pull(Emitter out) {
        if (!reader.hasNext()) {
            return false;
        }
        CsvRow<PageView> row = reader.next();
        if (row instanceof CsvRow.Rejected<PageView> r) {
            out.deadLetter(DeadLetters.REJECTED_ROW, DeadLetters.of(r.file(), r.line(), r.reason(), r.text()));
            return true;
        }
        PageView view = ((CsvRow.Parsed<PageView>) row).value();
        long ts = view.getTimestamp();
        maxTimestamp = Math.max(maxTimestamp, ts);
        out.timed(ts, Emitter.PAGE_VIEW, row.line(), new StreamRecord(Channel.PAGE_VIEWS, view.getUuid(), view,
                EventTime.EPOCH_BASE_MS + ts));
        return true;
    }

    @Override
    public long maxTimestamp() {
        return maxTimestamp;
    }

    @Override
    public long bytesRead() {
        return reader.bytesRead();
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
