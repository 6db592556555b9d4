package dev.wnd.app.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wnd.app.faults.PipelineUnderTest.Stage;
import dev.wnd.schemas.avro.Example;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault suite, "registry outage": the replay has written everything; then the schema registry goes down for
 * {@value #DOWN_SECONDS} s and the features, learner and scorer start in new JVMs, so every schema id they meet is
 * one they have not cached. They wait for the registry, dead-letter nothing, and end as without the outage
 * ({@link Outcome}).
 */
class RegistryOutagePipelineIT {

    private static final long DOWN_SECONDS = 30;

    @TempDir
    Path work;

    @Test
    void shouldWaitOutARegistryOutageWithUncachedSchemaIdsAndDeadLetterNothing() throws Exception {
        try (PipelineUnderTest pipeline = new PipelineUnderTest(work, 1_500, 7)) {
            List<Example> expected = pipeline.referenceExamples();
            WndProcess ingest = pipeline.start(Stage.INGEST);
            assertThat(ingest.waitFor(Duration.ofMinutes(3))).as(ingest.tail()).isTrue();
            assertThat(ingest.exitValue()).as(ingest.tail()).isZero();

            pipeline.stopRegistry();
            for (Stage s : List.of(Stage.FEATURES, Stage.LEARNER, Stage.SCORER)) {
                pipeline.start(s);
            }
            Thread.sleep(Duration.ofSeconds(DOWN_SECONDS).toMillis());
            Outcome.assertNoStageDied(pipeline);
            assertThat(pipeline.examples()).as("nothing could be decoded while the registry was down").isEmpty();
            pipeline.startRegistry();

            Outcome.await(pipeline, expected, Duration.ofMinutes(6));
            assertThat(pipeline.deadLetterReasons()).as("dead letters").isEmpty();
            Outcome.assertNothingLostNothingTwice(pipeline, expected);
        }
    }
}
