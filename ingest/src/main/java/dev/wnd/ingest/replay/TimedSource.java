package dev.wnd.ingest.replay;

import java.io.Closeable;
import java.io.IOException;

/** A time-ordered (within the reorder bound) source of the merge: page views, or one run of the display join. */
interface TimedSource extends Closeable {

    /** Reads the next row and emits what it makes of it; {@code false} once the source is exhausted. */
    boolean pull(Emitter out) throws IOException;

    /** Largest relative timestamp read so far, {@link Long#MIN_VALUE} before the first. */
    long maxTimestamp();

    /** Bytes of the input consumed so far. */
    long bytesRead();
}
