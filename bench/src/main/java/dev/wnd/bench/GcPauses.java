package dev.wnd.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The collections this JVM reports while it listens, as wall-clock intervals (epoch milliseconds, to the JVM's
 * millisecond), so a benchmark can tell which requests were in flight during one. Every collection the collector
 * beans announce counts, concurrent cycles included where a bean reports them (JDK 17's G1 reports only its
 * pauses).
 *
 * <p>Threading: the JVM's notification thread records; call {@link #overlaps} after {@link #close()}, from the
 * thread that closed it. Lifecycle: listens from construction until {@link #close()}.
 */
final class GcPauses implements AutoCloseable {

    private final long jvmStartMillis = ManagementFactory.getRuntimeMXBean().getStartTime();
    private final List<long[]> intervals = new ArrayList<>();
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final NotificationListener listener = this::record;
    private long[] starts = new long[0];
    private long[] ends = new long[0];
    private boolean closed;

    GcPauses() {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(listener, null, null);
                emitters.add(emitter);
            }
        }
    }

    private void record(Notification n, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
            return;
        }
        var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData()).getGcInfo();
        synchronized (intervals) {
            intervals.add(new long[] {jvmStartMillis + info.getStartTime(), jvmStartMillis + info.getEndTime()});
        }
    }

    /** The number of collections recorded. */
    int count() {
        synchronized (intervals) {
            return intervals.size();
        }
    }

    /** Whether a recorded collection overlaps {@code [fromMillis, toMillis]}; valid after {@link #close()}. */
    boolean overlaps(long fromMillis, long toMillis) {
        for (int k = 0; k < starts.length && starts[k] <= toMillis; k++) {
            if (ends[k] >= fromMillis) {
                return true;
            }
        }
        return false;
    }

    /** Stops listening and fixes the intervals {@link #overlaps} reads; closing again does nothing. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (NotificationEmitter emitter : emitters) {
            try {
                emitter.removeNotificationListener(listener);
            } catch (ListenerNotFoundException e) {
                // already gone
            }
        }
        synchronized (intervals) {
            long[][] sorted = intervals.toArray(long[][]::new);
            Arrays.sort(sorted, (a, b) -> Long.compare(a[0], b[0]));
            starts = new long[sorted.length];
            ends = new long[sorted.length];
            for (int k = 0; k < sorted.length; k++) {
                starts[k] = sorted[k][0];
                ends[k] = sorted[k][1];
            }
        }
    }
}
