package dev.wnd.ingest.replay;

/** Receives what a source makes of the rows it reads. */
interface Emitter {

    /** Kind ranks, the second sort key after the timestamp: labels, then page views, then displays and requests. */
    int LABEL = 0;
    int PAGE_VIEW = 1;
    int DISPLAY = 2;

    /** A record to be sent in event-time order, sorted by (relative timestamp, kind, line). */
    void timed(long timestamp, int kind, long line, StreamRecord record);

    /** A dead letter, sent as soon as possible, with the cause it is counted under. */
    void deadLetter(String cause, StreamRecord record);
}
