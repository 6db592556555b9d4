package dev.wnd.app.faults;

import dev.wnd.app.faults.PipelineUnderTest.Stage;
import dev.wnd.schemas.avro.Example;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault suite, "broker bounce": the embedded broker (and the registry on it) stops for {@value #DOWN_SECONDS} s while
 * the stages work, and comes back on the same directory and ports; the learner and the scorer are also killed and
 * started again while it is down. The stages wait it out, none exits, and the end state is the same as without the
 * outage ({@link Outcome}).
 */
class BrokerBounceIT {

    private static final long DOWN_SECONDS = 60;

    @TempDir
    Path work;

    @Test
    void shouldWaitOutABrokerOutageAndEndAsIfThereHadBeenNone() throws Exception {
        try (PipelineUnderTest pipeline = new PipelineUnderTest(work, 1_500, 6)) {
            List<Example> expected = pipeline.referenceExamples();
            pipeline.startAll();
            Thread.sleep(8_000); // mid-run: the stages have started and read part of the data
            pipeline.stopCluster();
            // A stage that starts during the outage (a container restarted meanwhile) waits for the broker too.
            Thread.sleep(10_000);
            pipeline.killAndRestart(Stage.LEARNER);
            pipeline.killAndRestart(Stage.SCORER);
            Thread.sleep(Duration.ofSeconds(DOWN_SECONDS).toMillis() - 10_000);
            Outcome.assertNoStageDied(pipeline);
            pipeline.startCluster();

            Outcome.await(pipeline, expected, Duration.ofMinutes(6));
            Outcome.assertNothingLostNothingTwice(pipeline, expected);
        }
    }
}
