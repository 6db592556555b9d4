package dev.wnd.ingest.replay;

import dev.wnd.features.spec.EventTime;
import dev.wnd.ingest.csv.CsvRow;
import dev.wnd.ingest.csv.OutbrainFile;
import dev.wnd.ingest.csv.OutbrainReader;
import dev.wnd.schemas.avro.ClickTest;
import dev.wnd.schemas.avro.ClickTrain;
import dev.wnd.schemas.avro.Display;
import dev.wnd.schemas.avro.Event;
import dev.wnd.schemas.avro.Label;
import dev.wnd.schemas.avro.ScoreRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One run of events.csv merge-joined with its segments of clicks_train and clicks_test (all sorted by display_id):
 * an event with training ads becomes a {@link Display} now and a {@link Label} {@code labelDelay} later; an event
 * with test ads becomes a {@link ScoreRequest}. Everything that cannot be joined becomes a dead letter: clicks
 * whose display has no event, events without ads, test rows of a training display, rows out of display_id order.
 */
final class DisplayJoin implements TimedSource {

    private final OutbrainReader<Event> events;
    private final long endLine;
    private final ClickSegment<ClickTrain> train;
    private final ClickSegment<ClickTest> test;
    private final String clicksNames;
    private final long labelDelay;
    private long lastDisplay = Long.MIN_VALUE;
    private long maxTimestamp = Long.MIN_VALUE;
    private boolean done;

    private final List<CsvRow.Parsed<ClickTrain>> trainRows = new ArrayList<>();
    private final List<CsvRow.Parsed<ClickTest>> testRows = new ArrayList<>();

    DisplayJoin(Path eventsPath, StreamPlan.Run run, Path trainPath, StreamPlan.Segment trainSegment, Path testPath,
            StreamPlan.Segment testSegment, long labelDelayMs) throws IOException {
        StreamPlan.Segment lines = run.lines();
        events = lines.fromStart() ? OutbrainReader.open(eventsPath, OutbrainFile.EVENTS)
                : OutbrainReader.openAt(eventsPath, OutbrainFile.EVENTS, lines.startLine(), lines.startOffset());
        endLine = lines.endLine();
        String eventsName = eventsPath.getFileName().toString();
        ClickSegment<ClickTrain> trainCursor = null;
        ClickSegment<ClickTest> testCursor = null;
        try {
            if (trainPath != null) {
                trainCursor = ClickSegment.open(trainPath, OutbrainFile.CLICKS_TRAIN, trainSegment,
                        run.firstDisplayId(), ClickTrain::getDisplayId, DeadLetters::csv, eventsName);
            }
            if (testPath != null) {
                testCursor = ClickSegment.open(testPath, OutbrainFile.CLICKS_TEST, testSegment, run.firstDisplayId(),
                        ClickTest::getDisplayId, DeadLetters::csv, eventsName);
            }
        } catch (IOException | RuntimeException e) {
            events.close();
            if (trainCursor != null) {
                trainCursor.close();
            }
            throw e;
        }
        train = trainCursor;
        test = testCursor;
        List<String> names = new ArrayList<>();
        if (trainPath != null) {
            names.add(trainPath.getFileName().toString());
        }
        if (testPath != null) {
            names.add(testPath.getFileName().toString());
        }
        clicksNames = String.join(" or ", names);
        labelDelay = labelDelayMs;
    }

    @Override
    public boolean pull(Emitter out) {
        if (done) {
            return false;
        }
        CsvRow<Event> row = events.hasNext() ? events.next() : null;
        if (row == null || row.line() >= endLine) {
            finish(out);
            return false;
        }
        if (row instanceof CsvRow.Rejected<Event> r) {
            out.deadLetter(DeadLetters.REJECTED_ROW, DeadLetters.of(r.file(), r.line(), r.reason(), r.text()));
            return true;
        }
        Event e = ((CsvRow.Parsed<Event>) row).value();
        long display = e.getDisplayId();
        if (display <= lastDisplay) {
            out.deadLetter(DeadLetters.OUT_OF_ORDER, DeadLetters.of(events.fileName(), row.line(), "display_id "
                    + display + " after " + lastDisplay + ": " + events.fileName() + " must be sorted by display_id",
                    DeadLetters.csv(e)));
            return true;
        }
        lastDisplay = display;
        trainRows.clear();
        testRows.clear();
        if (train != null) {
            train.take(display, trainRows::add, out);
        }
        if (test != null) {
            test.take(display, testRows::add, out);
        }
        long ts = e.getTimestamp();
        maxTimestamp = Math.max(maxTimestamp, ts);
        long line = row.line();
        if (!trainRows.isEmpty()) {
            List<Long> ads = new ArrayList<>(trainRows.size());
            List<Long> clicked = new ArrayList<>(1);
            for (CsvRow.Parsed<ClickTrain> c : trainRows) {
                ads.add(c.value().getAdId());
                if (c.value().getClicked() == 1) {
                    clicked.add(c.value().getAdId());
                }
            }
            Display d = new Display(display, e.getUuid(), e.getDocumentId(), ts, e.getPlatform(),
                    e.getGeoLocation(), ads);
            out.timed(ts, Emitter.DISPLAY, line, new StreamRecord(Channel.DISPLAYS, e.getUuid(), d,
                    EventTime.EPOCH_BASE_MS + ts));
            long release = ts + labelDelay;
            Label label = new Label(display, e.getUuid(), ts, release, ads, clicked);
            out.timed(release, Emitter.LABEL, line, new StreamRecord(Channel.LABELS, e.getUuid(), label,
                    EventTime.EPOCH_BASE_MS + release));
            for (CsvRow.Parsed<ClickTest> c : testRows) {
                out.deadLetter(DeadLetters.TEST_CLICK_OF_TRAIN_DISPLAY, DeadLetters.of(testName(), c.line(),
                        "display_id " + display + " is also in clicks_train: trained on, not scored",
                        DeadLetters.csv(c.value())));
            }
        } else if (!testRows.isEmpty()) {
            List<Long> ads = new ArrayList<>(testRows.size());
            for (CsvRow.Parsed<ClickTest> c : testRows) {
                ads.add(c.value().getAdId());
            }
            ScoreRequest request = new ScoreRequest(display, e.getUuid(), e.getDocumentId(), ts, e.getPlatform(),
                    e.getGeoLocation(), ads);
            out.timed(ts, Emitter.DISPLAY, line, new StreamRecord(Channel.SCORE_REQUESTS, e.getUuid(), request,
                    EventTime.EPOCH_BASE_MS + ts));
        } else {
            out.deadLetter(DeadLetters.EVENT_WITHOUT_ADS, DeadLetters.of(events.fileName(), line,
                    "display_id " + display + " has no ads in " + clicksNames, DeadLetters.csv(e)));
        }
        return true;
    }

    private String testName() {
        return test == null ? "clicks_test" : test.fileName();
    }

    private void finish(Emitter out) {
        done = true;
        if (train != null) {
            train.drain(out);
        }
        if (test != null) {
            test.drain(out);
        }
    }

    @Override
    public long maxTimestamp() {
        return maxTimestamp;
    }

    @Override
    public long bytesRead() {
        return events.bytesRead() + (train == null ? 0 : train.bytesRead()) + (test == null ? 0 : test.bytesRead());
    }

    @Override
    public void close() throws IOException {
        try {
            events.close();
        } finally {
            try {
                if (train != null) {
                    train.close();
                }
            } finally {
                if (test != null) {
                    test.close();
                }
            }
        }
    }
}
