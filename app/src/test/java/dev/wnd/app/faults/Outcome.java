package dev.wnd.app.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wnd.app.faults.PipelineUnderTest.Stage;
import dev.wnd.schemas.avro.Example;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The end state every fault scenario of the pipeline promises, and how long to wait for it. */
final class Outcome {

    private Outcome() {
    }

    /**
     * Waits until the features have committed as many Examples as the reference has and the scorer has answered
     * every request, failing at once when a stage exits on its own with an error.
     */
    static void await(PipelineUnderTest pipeline, List<Example> expected, Duration timeout) throws Exception {
        Set<Long> requested = pipeline.requestedDisplays();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            assertNoStageDied(pipeline);
            int examples = pipeline.examples().size();
            Set<Long> missing = new HashSet<>(requested);
            missing.removeAll(pipeline.answeredDisplays());
            if (examples >= expected.size() && missing.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("after " + timeout + ": " + examples + " of " + expected.size()
                        + " Examples, " + missing.size() + " of " + requested.size() + " requests unanswered\n"
                        + tails(pipeline));
            }
            Thread.sleep(2_000);
        }
    }

    /** Fails when a stage's JVM has exited with an error by itself. */
    static void assertNoStageDied(PipelineUnderTest pipeline) {
        assertThat(pipeline.deadStages()).as("stages that exited with an error").isEmpty();
    }

    /**
     * The Examples are the reference's, each once; the learner (stopped, then resumed to the end of the examples) has
     * the parameters of an uninterrupted learner, bit for bit; every request was answered.
     */
    static void assertNothingLostNothingTwice(PipelineUnderTest pipeline, List<Example> expected) throws Exception {
        pipeline.assertExamplesEqualTheReferenceEachOnce(expected, pipeline.examples());
        assertThat(pipeline.answeredDisplays()).containsAll(pipeline.requestedDisplays());

        pipeline.process(Stage.LEARNER).stop(Duration.ofSeconds(90));
        long resumed = pipeline.learnToTheEnd(pipeline.modelDir());
        Path uninterrupted = pipeline.modelDir().resolveSibling("uninterrupted");
        long clean = pipeline.learnToTheEnd(uninterrupted);
        long train = PipelineUnderTest.trainCount(expected);
        assertThat(resumed).as("examples trained by the learner that lived through the faults").isEqualTo(train);
        assertThat(clean).as("examples trained by an uninterrupted learner").isEqualTo(train);
        assertThat(ModelComparison.differences(pipeline.modelDir(), uninterrupted))
                .as("tensors that differ from an uninterrupted run").isEmpty();
    }

    private static String tails(PipelineUnderTest pipeline) {
        StringBuilder b = new StringBuilder();
        for (Stage s : Stage.values()) {
            WndProcess p = pipeline.process(s);
            if (p != null) {
                b.append(p.tail()).append('\n');
            }
        }
        return b.toString();
    }
}
