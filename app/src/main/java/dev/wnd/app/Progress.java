package dev.wnd.app;

import dev.wnd.ingest.replay.ProgressListener;
import dev.wnd.ingest.replay.ReplayProgress;
import dev.wnd.ingest.replay.ReplayStart;
import dev.wnd.ingest.replay.ReplaySummary;
import dev.wnd.learner.LearnerMetrics;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * Whether a stage that is not a Kafka Streams application (ingest, learner) is making progress, for its health
 * check: a stage is unhealthy when it has made no progress for its stall timeout while it has work waiting. A hung
 * replay (a send blocked on a lost broker) or a learner stuck with unread examples then shows as unhealthy, while a
 * learner with nothing to read, or a replay pacing itself to real time, stays healthy. Thread-safe.
 */
final class Progress {

    private final Duration stallTimeout;
    private volatile long lastNanos = System.nanoTime();
    private volatile boolean done;
    private volatile Consumer<?, ?> input;

    /** @param stallTimeout how long without progress, with work waiting, is unhealthy */
    Progress(Duration stallTimeout) {
        if (stallTimeout.isNegative() || stallTimeout.isZero()) {
            throw new IllegalArgumentException("the stall timeout must be positive, was " + stallTimeout);
        }
        this.stallTimeout = stallTimeout;
    }

    /** Something moved. */
    void made() {
        lastNanos = System.nanoTime();
    }

    /** The stage's work ended; it stays healthy until the command exits. */
    void finished() {
        done = true;
    }

    /** True unless the stage has made no progress for the stall timeout while work waits. */
    boolean healthy() {
        return done || System.nanoTime() - lastNanos < stallTimeout.toNanos() || !workWaits();
    }

    /** Whether the stage's input has records it has not read: any input for a replay, lag for the learner. */
    private boolean workWaits() {
        Consumer<?, ?> c = input;
        if (c == null) {
            return true;
        }
        for (Map.Entry<MetricName, ? extends Metric> m : c.metrics().entrySet()) {
            if (m.getKey().name().equals("records-lag-max") && m.getValue().metricValue() instanceof Double lag
                    && lag > 0) {
                return true;
            }
        }
        return false;
    }

    /** A replay listener that tells {@code next} everything and counts every report as progress. */
    ProgressListener replay(ProgressListener next) {
        Objects.requireNonNull(next, "next");
        return new ProgressListener() {
            @Override
            public void onStart(ReplayStart start) {
                made();
                next.onStart(start);
            }

            @Override
            public void onProgress(ReplayProgress progress) {
                made();
                next.onProgress(progress);
            }

            @Override
            public void onFinish(ReplaySummary summary) {
                finished();
                next.onFinish(summary);
            }
        };
    }

    /** Learner metrics that tell {@code next} everything and count every step, score and version as progress. */
    LearnerMetrics learner(LearnerMetrics next) {
        Objects.requireNonNull(next, "next");
        return new LearnerMetrics() {
            @Override
            public void consumerOpened(Consumer<?, ?> consumer) {
                input = consumer;
                next.consumerOpened(consumer);
            }

            @Override
            public void trained(int examples, long stepNanos, double loss) {
                made();
                next.trained(examples, stepNanos, loss);
            }

            @Override
            public void validationScored(int examples) {
                made();
                next.validationScored(examples);
            }

            @Override
            public void checkpointed(String version, long examplesTrained, long wallMs) {
                made();
                next.checkpointed(version, examplesTrained, wallMs);
            }

            @Override
            public void servingSnapshotPublished(String version, long examplesTrained, long wallMs) {
                made();
                next.servingSnapshotPublished(version, examplesTrained, wallMs);
            }

            @Override
            public void deadLettered(String sourceTopic) {
                made();
                next.deadLettered(sourceTopic);
            }
        };
    }
}
