package dev.wnd.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;

/**
 * This JVM's garbage collections and their accumulated time (stop-the-world for the young and mixed pauses of G1
 * and every collection of the parallel collector), for the benchmarks' timed parts.
 */
record GcTotals(long count, long millis) {

    static GcTotals now() {
        long count = 0;
        long millis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, gc.getCollectionCount());
            millis += Math.max(0, gc.getCollectionTime());
        }
        return new GcTotals(count, millis);
    }

    GcTotals minus(GcTotals earlier) {
        return new GcTotals(count - earlier.count, millis - earlier.millis);
    }
}
