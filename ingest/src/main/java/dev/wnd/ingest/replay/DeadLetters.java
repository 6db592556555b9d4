package dev.wnd.ingest.replay;

import dev.wnd.schemas.avro.ClickTest;
import dev.wnd.schemas.avro.ClickTrain;
import dev.wnd.schemas.avro.DeadLetter;
import dev.wnd.schemas.avro.Event;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Builds the dead letters of the replay and the CSV text of rows that were parsed but could not be used. */
final class DeadLetters {

    static final String STAGE = "ingest";

    /** A line that did not parse. */
    static final String REJECTED_ROW = "rejected_row";
    /** A clicks row whose display has no row in events.csv. */
    static final String CLICK_WITHOUT_EVENT = "click_without_event";
    /** An events row whose display has no ads in the clicks files. */
    static final String EVENT_WITHOUT_ADS = "event_without_ads";
    /** A clicks_test row of a display that clicks_train also has. */
    static final String TEST_CLICK_OF_TRAIN_DISPLAY = "test_click_of_train_display";
    /** A row out of display_id order, which the merge join cannot place. */
    static final String OUT_OF_ORDER = "out_of_order";

    private DeadLetters() {
    }

    static StreamRecord of(String file, long line, String reason, String text) {
        long now = System.currentTimeMillis();
        DeadLetter letter = new DeadLetter(STAGE, file, null, null, line, reason,
                ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), now);
        return new StreamRecord(Channel.DEAD_LETTERS, file, letter, now);
    }

    static String csv(ClickTrain c) {
        return c.getDisplayId() + "," + c.getAdId() + "," + c.getClicked();
    }

    static String csv(ClickTest c) {
        return c.getDisplayId() + "," + c.getAdId();
    }

    static String csv(Event e) {
        return e.getDisplayId() + "," + e.getUuid() + "," + e.getDocumentId() + "," + e.getTimestamp() + ","
                + (e.getPlatform() == null ? "\\N" : e.getPlatform()) + ","
                + (e.getGeoLocation() == null ? "" : e.getGeoLocation());
    }
}
