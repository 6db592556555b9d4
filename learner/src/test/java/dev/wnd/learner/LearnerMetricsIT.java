package dev.wnd.learner;

import dev.wnd.schemas.kafka.KafkaConnection;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wnd.embedded.EmbeddedRuntime;
import dev.wnd.schemas.avro.Example;
import dev.wnd.schemas.avro.Split;
import dev.wnd.schemas.topic.AppTopics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The learner tells its {@link LearnerMetrics} of its consumer, every step, validation scores and checkpoints. */
class LearnerMetricsIT {

    @TempDir
    Path work;

    private EmbeddedRuntime runtime;
    private AppTopics topics;

    /** Everything the learner told, in order. */
    private static final class Recording implements LearnerMetrics {
        final List<Consumer<?, ?>> consumers = new ArrayList<>();
        final List<Integer> steps = new ArrayList<>();
        long stepNanos;
        long validated;
        final List<String> checkpoints = new ArrayList<>();
        final List<String> deadLetters = new ArrayList<>();

        @Override
        public void consumerOpened(Consumer<?, ?> consumer) {
            consumers.add(consumer);
        }

        @Override
        public void trained(int examples, long nanos, double loss) {
            steps.add(examples);
            stepNanos += nanos;
        }

        @Override
        public void validationScored(int examples) {
            validated += examples;
        }

        @Override
        public void checkpointed(String version, long examplesTrained, long wallMs) {
            checkpoints.add(version + "@" + examplesTrained);
        }

        @Override
        public void deadLettered(String sourceTopic) {
            deadLetters.add(sourceTopic);
        }
    }

    @BeforeEach
    void startBroker() {
        runtime = EmbeddedRuntime.start(new EmbeddedRuntime.Config(work.resolve("kafka")));
        topics = KafkaSupport.topics(runtime);
        KafkaSupport.createTopics(runtime, topics, 1);
    }

    @AfterEach
    void stopBroker() {
        runtime.close();
    }

    @Test
    void shouldTellTheMetricsOfEveryStepValidationScoreCheckpointAndDeadLetter() throws Exception {
        String specHash = TestExamples.spec().hash();
        List<Example> examples = new ArrayList<>(TestExamples.generate(31, 200, 0, 0, specHash));
        examples.add(50, Example.newBuilder(examples.get(50)).setSpecHash("not-this-spec").build());
        KafkaSupport.produce(runtime, topics, examples);
        long train = TestExamples.count(examples, Split.TRAIN) - (examples.get(50).getSplit() == Split.TRAIN ? 1 : 0);
        long validation = TestExamples.count(examples, Split.VALIDATION)
                - (examples.get(50).getSplit() == Split.VALIDATION ? 1 : 0);
        RecordingModel model = new RecordingModel(specHash, TestExamples.spec().numericCount(), Map.of(), 0);
        Recording recording = new Recording();
        LearnerConfig config = new LearnerConfig(KafkaConnection.plaintext(runtime.bootstrapServers()), 64, Duration.ofMillis(200), 0,
                Duration.ZERO, true, "wnd", null);

        OnlineLearner.Summary summary;
        try (OnlineLearner learner = new OnlineLearner(config, topics, model, new OnlineMetrics(100), recording)) {
            assertThat(recording.consumers).hasSize(1);
            summary = learner.run(() -> true);
        }

        assertThat(recording.steps.stream().mapToLong(Integer::longValue).sum()).isEqualTo(train)
                .isEqualTo(summary.examplesTrained());
        assertThat(recording.steps).hasSameSizeAs(model.batches);
        assertThat(recording.stepNanos).isPositive();
        assertThat(recording.validated).isEqualTo(validation).isEqualTo(summary.validationExamples());
        assertThat(recording.checkpoints).containsExactly(summary.lastVersion() + "@" + train);
        assertThat(recording.deadLetters).containsExactly(topics.examples.name());
    }
}
