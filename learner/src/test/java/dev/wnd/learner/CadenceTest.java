package dev.wnd.learner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wnd.schemas.kafka.KafkaConnection;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** When the learner trains, checkpoints and publishes, on a hand-moved clock. */
class CadenceTest {

    private static final long SECOND = 1_000_000_000L;

    private static LearnerConfig config(boolean deterministic, long everyExamples, Duration every,
            Duration snapshots) {
        return new LearnerConfig(KafkaConnection.plaintext("unused:9092"), 4, Duration.ofSeconds(1), everyExamples,
                every, deterministic, "wnd", null, 1, snapshots, 2);
    }

    @Test
    void shouldCutBatchesBySizeAndTrainAPartialOneAfterItsWaitUnlessDeterministic() {
        Cadence live = new Cadence(config(false, 0, Duration.ZERO, Duration.ZERO), 0);
        live.buffered(1, 10 * SECOND);
        assertThat(live.full(3)).isFalse();
        assertThat(live.full(4)).isTrue();
        assertThat(live.waitedEnough(1, 10 * SECOND + SECOND / 2)).isFalse();
        assertThat(live.waitedEnough(1, 11 * SECOND)).isTrue();
        assertThat(live.waitedEnough(0, 11 * SECOND)).isFalse();

        Cadence deterministic = new Cadence(config(true, 0, Duration.ZERO, Duration.ZERO), 0);
        deterministic.buffered(1, 0);
        assertThat(deterministic.waitedEnough(1, 100 * SECOND)).as("batches by size alone").isFalse();
    }

    @Test
    void shouldCheckpointByCountOrTimeAndPublishSnapshotsInBetween() {
        Cadence c = new Cadence(config(false, 10, Duration.ofSeconds(60), Duration.ofSeconds(5)), 0);
        c.trained(4);
        assertThat(c.due(SECOND)).isEqualTo(Cadence.Due.NOTHING);
        assertThat(c.due(5 * SECOND)).isEqualTo(Cadence.Due.SERVING_SNAPSHOT);
        c.published(5 * SECOND);
        c.trained(6);
        assertThat(c.due(6 * SECOND)).as("10 examples").isEqualTo(Cadence.Due.CHECKPOINT);
        c.checkpointWritten(6 * SECOND);
        c.published(6 * SECOND);
        assertThat(c.trainedSinceWritten()).isZero();
        assertThat(c.due(66 * SECOND)).as("a minute since the last one").isEqualTo(Cadence.Due.CHECKPOINT);
    }

    @Test
    void shouldOweASnapshotBetweenBatchesOnlyForWhatWasTrainedSinceTheLastPublishedVersion() {
        Cadence c = new Cadence(config(false, 0, Duration.ZERO, Duration.ofSeconds(1)), 0);
        assertThat(c.snapshotOwed(5 * SECOND)).as("nothing trained yet").isFalse();
        c.trained(3);
        assertThat(c.snapshotOwed(SECOND / 2)).as("within the period").isFalse();
        assertThat(c.snapshotOwed(SECOND)).as("a trained batch does not wait for the next one").isTrue();
        c.published(SECOND);
        assertThat(c.snapshotOwed(10 * SECOND)).as("published already").isFalse();
        c.trained(1);
        c.snapshotFailed(11 * SECOND);
        assertThat(c.snapshotOwed(11 * SECOND + SECOND / 2)).isFalse();
        assertThat(c.snapshotOwed(12 * SECOND)).as("a failed one is owed a period later").isTrue();
    }

    @Test
    void shouldRetryAFailedCheckpointAFullPeriodLaterAndStopAfterTooManyInARow() {
        Cadence c = new Cadence(config(false, 10, Duration.ZERO, Duration.ZERO), 0);
        c.trained(10);
        assertThat(c.due(SECOND)).isEqualTo(Cadence.Due.CHECKPOINT);
        assertThat(c.checkpointFailed(SECOND)).isFalse();
        assertThat(c.trainedSinceWritten()).as("a failed checkpoint does not count").isEqualTo(10);
        assertThat(c.due(2 * SECOND)).isEqualTo(Cadence.Due.NOTHING);
        c.trained(10);
        assertThat(c.due(3 * SECOND)).isEqualTo(Cadence.Due.CHECKPOINT);
        assertThat(c.checkpointFailed(3 * SECOND)).isFalse();
        assertThat(c.checkpointFailed(4 * SECOND)).as("the third in a row, more than the 2 tolerated").isTrue();
        c.checkpointWritten(5 * SECOND);
        assertThat(c.failedInARow()).isZero();
    }
}
