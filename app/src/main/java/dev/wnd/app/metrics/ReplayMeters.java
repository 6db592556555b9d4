package dev.wnd.app.metrics;

import dev.wnd.ingest.replay.ProgressListener;
import dev.wnd.ingest.replay.ReplayProgress;
import dev.wnd.ingest.replay.ReplayStart;
import dev.wnd.ingest.replay.ReplaySummary;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The replay's meters, fed from its progress reports (a few times a second) and passed on to another listener:
 * {@value #RECORDS} per topic ({@code rate(wnd_ingest_records_total[1m])} is records replayed per second; the
 * dead letters are the {@code topic="dead-letters"} series) and {@value #EVENT_TIME}, the event time reached.
 * Called on the replaying thread; the gauge is read by scrapes.
 */
public final class ReplayMeters implements ProgressListener {

    public static final String RECORDS = "wnd.ingest.records";
    public static final String EVENT_TIME = "wnd.ingest.event.time";

    private final MeterRegistry registry;
    private final ProgressListener next;
    private final Map<String, Long> counted = new HashMap<>();
    private final AtomicLong eventTimeMs = new AtomicLong();

    /** @param next the listener that gets every call after the meters were updated (a progress bar) */
    public ReplayMeters(MeterRegistry registry, ProgressListener next) {
        this.registry = registry;
        this.next = next;
        Gauge.builder(EVENT_TIME, eventTimeMs, t -> t.get() == 0 ? Double.NaN : t.get() / 1000.0).baseUnit("seconds")
                .description("Event time of the last record replayed in order (epoch seconds)").register(registry);
    }

    @Override
    public void onStart(ReplayStart start) {
        next.onStart(start);
    }

    @Override
    public void onProgress(ReplayProgress progress) {
        count(progress.sentPerTopic());
        if (progress.streamTimeMs() > 0) {
            eventTimeMs.set(progress.streamTimeMs());
        }
        next.onProgress(progress);
    }

    @Override
    public void onFinish(ReplaySummary summary) {
        count(summary.sentPerTopic());
        next.onFinish(summary);
    }

    /** Adds what was sent since the last report; the reports carry running totals per topic. */
    private void count(Map<String, Long> sentPerTopic) {
        sentPerTopic.forEach((topic, sent) -> {
            long before = counted.getOrDefault(topic, 0L);
            if (sent > before) {
                Counter.builder(RECORDS).tag("topic", topic).description("Records replayed into Kafka")
                        .register(registry).increment(sent - before);
                counted.put(topic, sent);
            }
        });
    }
}
