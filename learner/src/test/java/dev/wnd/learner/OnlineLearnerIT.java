package dev.wnd.learner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wnd.embedded.EmbeddedRuntime;
import dev.wnd.model.checkpoint.CheckpointStore;
import dev.wnd.model.checkpoint.LoadedCheckpoint;
import dev.wnd.schemas.avro.DeadLetter;
import dev.wnd.schemas.avro.Example;
import dev.wnd.schemas.avro.ModelVersion;
import dev.wnd.schemas.avro.Split;
import dev.wnd.schemas.kafka.KafkaConnection;
import dev.wnd.schemas.topic.AppTopics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The learner loop on the embedded broker (examples topic with 2 partitions): the real DJL model on the CPU for
 * what it trains and checkpoints, a recording test double for the exact batches of the deterministic mode.
 */
class OnlineLearnerIT {

    private static final String FOREIGN_HASH = "0000-not-the-model-spec";

    @TempDir
    Path work;

    private EmbeddedRuntime runtime;
    private AppTopics topics;
    private final String specHash = TestExamples.spec().hash();

    @BeforeEach
    void startBroker() {
        runtime = EmbeddedRuntime.start(new EmbeddedRuntime.Config(work.resolve("kafka")));
        topics = KafkaSupport.topics(runtime);
        KafkaSupport.createTopics(runtime, topics, 2);
    }

    @AfterEach
    void stopBroker() {
        runtime.close();
    }

    @Test
    void shouldTrainEveryTrainExampleScoreEveryValidationExampleAndAnnounceACheckpointAtTheEndOffsets()
            throws Exception {
        List<Example> examples = new ArrayList<>(TestExamples.generate(11, 900, 0, 0, specHash));
        long train = TestExamples.count(examples, Split.TRAIN);
        long validation = TestExamples.count(examples, Split.VALIDATION);
        Example foreign = Example.newBuilder(examples.get(1000)).setSpecHash(FOREIGN_HASH).setSplit(Split.TRAIN)
                .build();
        examples.add(1500, foreign);
        List<KafkaSupport.Placed> placed = KafkaSupport.produce(runtime, topics, examples);
        assertThat(placed).extracting(KafkaSupport.Placed::partition).contains(0, 1);
        Path modelDir = work.resolve("model");

        OnlineLearner.Summary summary = learn(modelDir, false, 128);

        assertThat(examples.size()).isGreaterThan(3000);
        assertThat(summary.examplesTrained()).isEqualTo(train);
        assertThat(summary.validationExamples()).isEqualTo(validation);
        assertThat(summary.deadLetters()).isEqualTo(1);
        assertThat(summary.validation().displays()).isPositive();
        assertThat(summary.validation().auc()).isBetween(0.0, 1.0);
        assertThat(summary.validation().map12()).isBetween(0.0, 1.0);

        // The newest checkpoint is the announced one, trained on every train example, positioned at the end.
        LoadedCheckpoint checkpoint = new CheckpointStore(modelDir, 3).loadNewestValid().orElseThrow();
        assertThat(checkpoint.version()).isEqualTo(summary.lastVersion());
        assertThat(checkpoint.manifest().examplesTrained()).isEqualTo(train);
        assertThat(checkpoint.offsets()).isEqualTo(KafkaSupport.endOffsets(runtime.bootstrapServers(), "examples"))
                .containsOnlyKeys("examples-0", "examples-1");
        List<ConsumerRecord<String, ModelVersion>> versions = KafkaSupport.readAll(runtime.bootstrapServers(),
                topics.modelVersions);
        assertThat(versions).hasSizeGreaterThanOrEqualTo(1 + (int) (train / 1_000));
        ConsumerRecord<String, ModelVersion> last = versions.get(versions.size() - 1);
        assertThat(last.key()).isEqualTo("wnd");
        assertThat(last.value().getVersion()).isEqualTo(checkpoint.version());
        assertThat(last.value().getPath()).isEqualTo(checkpoint.info().directory().toString());
        assertThat(last.value().getSpecHash()).isEqualTo(specHash);
        assertThat(last.value().getExamplesTrained()).isEqualTo(train);

        // The foreign example was dead-lettered with where it came from and why, and not trained.
        KafkaSupport.Placed foreignAt = placed.get(1500);
        List<ConsumerRecord<String, DeadLetter>> letters = KafkaSupport.readAll(runtime.bootstrapServers(),
                topics.deadLetters);
        assertThat(letters).hasSize(1);
        DeadLetter letter = letters.get(0).value();
        assertThat(letter.getStage()).isEqualTo("learner");
        assertThat(letter.getSource()).isEqualTo("examples");
        assertThat(letter.getPartition()).isEqualTo(foreignAt.partition());
        assertThat(letter.getOffset()).isEqualTo(foreignAt.offset());
        assertThat(letter.getReason()).contains("feature spec", FOREIGN_HASH, specHash);
        assertThat(letter.getPayload()).isNotNull();
    }

    @Test
    void shouldLearnANewClustersTopicFromItsBeginningWhenTheCheckpointsOffsetsLiePastItsEnd() throws Exception {
        Path modelDir = work.resolve("model");
        List<Example> first = TestExamples.generate(21, 400, 0, 0, specHash);
        KafkaSupport.produce(runtime, topics, first);
        OnlineLearner.Summary one = learn(modelDir, false, 128);
        long trainedFirst = TestExamples.count(first, Split.TRAIN);
        assertThat(one.examplesTrained()).isEqualTo(trainedFirst);

        // A fresh cluster, as a second `wnd train` formats, with a smaller examples topic of the same name.
        runtime.close();
        runtime = EmbeddedRuntime.startFresh(work.resolve("kafka-2"), 0, 0, 1);
        topics = KafkaSupport.topics(runtime);
        KafkaSupport.createTopics(runtime, topics, 2);
        List<Example> second = TestExamples.generate(22, 100, 0, 0, specHash);
        KafkaSupport.produce(runtime, topics, second);

        OnlineLearner.Summary two = learn(modelDir, false, 128);

        assertThat(two.examplesTrained()).as("the model kept what it had learned and learned every new example")
                .isEqualTo(trainedFirst + TestExamples.count(second, Split.TRAIN));
    }

    @Test
    void shouldNeitherRetrainNorRescoreNorDeadLetterAgainAfterARestart() throws Exception {
        Path modelDir = work.resolve("model");
        List<Example> first = TestExamples.generate(12, 300, 0, 0, specHash);
        KafkaSupport.produce(runtime, topics, first);
        OnlineLearner.Summary one = learn(modelDir, false, 128);
        assertThat(one.examplesTrained()).isEqualTo(TestExamples.count(first, Split.TRAIN));

        // Only validation examples and a foreign one: nothing to train, yet the position moves past them.
        List<Example> second = TestExamples.generate(13, 60, 10_000, 100_000, specHash);
        second.forEach(e -> e.setSplit(Split.VALIDATION));
        second.add(Example.newBuilder(second.get(0)).setSpecHash(FOREIGN_HASH).build());
        KafkaSupport.produce(runtime, topics, second);
        OnlineLearner.Summary two = learn(modelDir, false, 128);
        assertThat(two.examplesTrained()).isEqualTo(one.examplesTrained());
        assertThat(two.validationExamples()).isEqualTo(second.size() - 1);
        assertThat(two.deadLetters()).isEqualTo(1);
        assertThat(new CheckpointStore(modelDir, 3).loadNewestValid().orElseThrow().offsets())
                .isEqualTo(KafkaSupport.endOffsets(runtime.bootstrapServers(), "examples"));

        List<Example> third = TestExamples.generate(14, 200, 20_000, 200_000, specHash);
        KafkaSupport.produce(runtime, topics, third);
        OnlineLearner.Summary three = learn(modelDir, false, 128);
        assertThat(three.examplesTrained()).isEqualTo(one.examplesTrained() + TestExamples.count(third, Split.TRAIN));
        assertThat(three.validationExamples()).isEqualTo(TestExamples.count(third, Split.VALIDATION));
        assertThat(three.deadLetters()).isZero();
        assertThat(KafkaSupport.readAll(runtime.bootstrapServers(), topics.deadLetters)).hasSize(1);
    }

    @Test
    void shouldTrainInTimestampThenPartitionOrderWithBatchesCutBySizeWhenDeterministic() throws Exception {
        List<Example> examples = new ArrayList<>(TestExamples.generate(21, 450, 0, 0, specHash));
        examples.add(700, Example.newBuilder(examples.get(700)).setSpecHash(FOREIGN_HASH).build());
        List<KafkaSupport.Placed> canonical = canonical(KafkaSupport.produce(runtime, topics, examples));
        RecordingModel model = new RecordingModel(specHash, 2, Map.of(), 0);

        OnlineLearner.Summary summary;
        try (OnlineLearner learner = new OnlineLearner(config(true, 50, 200), topics, model, new OnlineMetrics(100))) {
            summary = learner.run(() -> true);
        }

        List<Integer> trainOrder = seqs(canonical, Split.TRAIN);
        assertThat(model.batches).isEqualTo(chunks(trainOrder, 50));
        assertThat(model.scored).isEqualTo(seqs(canonical, Split.VALIDATION));
        assertThat(summary.deadLetters()).isEqualTo(1);
        // Each checkpoint by count lies right after a full batch, at the position just past that batch's last record.
        List<RecordingModel.Saved> saved = model.checkpoints;
        for (RecordingModel.Saved s : saved.subList(0, saved.size() - 1)) {
            assertThat(s.examplesTrained() % 200).isZero();
            assertThat(s.offsets()).isEqualTo(positionAfterTrainExample(canonical, s.examplesTrained()));
        }
        assertThat(saved.get(saved.size() - 1))
                .isEqualTo(new RecordingModel.Saved(KafkaSupport.endOffsets(runtime.bootstrapServers(), "examples"),
                        trainOrder.size()));
    }

    @Test
    void shouldLeaveThePartialBatchToTheNextRunWhenStoppedInDeterministicMode() throws Exception {
        List<KafkaSupport.Placed> canonical = canonical(KafkaSupport.produce(runtime, topics,
                TestExamples.generate(22, 300, 0, 0, specHash)));
        List<List<Integer>> expected = chunks(seqs(canonical, Split.TRAIN), 50);

        RecordingModel first = new RecordingModel(specHash, 2, Map.of(), 0);
        AtomicReference<OnlineLearner> running = new AtomicReference<>();
        first.afterTrain = () -> {
            if (first.batches.size() == 3) {
                running.get().stop();
            }
        };
        try (OnlineLearner learner = new OnlineLearner(config(true, 50, 1_000), topics, first,
                new OnlineMetrics(100))) {
            running.set(learner);
            learner.run(() -> true);
        }
        // The fourth batch was not trained part-way: the checkpoint lies just past the third.
        assertThat(first.batches).isEqualTo(expected.subList(0, 3));
        RecordingModel.Saved stopped = first.checkpoints.get(first.checkpoints.size() - 1);
        assertThat(stopped).isEqualTo(new RecordingModel.Saved(positionAfterTrainExample(canonical, 150), 150));

        RecordingModel second = new RecordingModel(specHash, 2, stopped.offsets(), stopped.examplesTrained());
        try (OnlineLearner learner = new OnlineLearner(config(true, 50, 1_000), topics, second,
                new OnlineMetrics(100))) {
            learner.run(() -> true);
        }
        assertThat(second.batches).isEqualTo(expected.subList(3, expected.size()));
        List<Integer> scored = new ArrayList<>(first.scored);
        scored.addAll(second.scored);
        assertThat(scored).isEqualTo(seqs(canonical, Split.VALIDATION));
    }

    @Test
    void shouldTrainEveryTrainExampleOncePerPassAndScoreValidationOnlyInTheFirstWhenGivenTwoEpochs()
            throws Exception {
        List<KafkaSupport.Placed> canonical = canonical(KafkaSupport.produce(runtime, topics,
                TestExamples.generate(23, 300, 0, 0, specHash)));
        List<List<Integer>> pass = chunks(seqs(canonical, Split.TRAIN), 50);
        RecordingModel model = new RecordingModel(specHash, 2, Map.of(), 0);

        OnlineLearner.Summary summary;
        try (OnlineLearner learner = new OnlineLearner(config(true, 50, 1_000, 2), topics, model,
                new OnlineMetrics(100))) {
            summary = learner.run(() -> true);
        }

        // The same batches twice (each pass ends with its partial batch); validation scored once, never trained.
        List<List<Integer>> twice = new ArrayList<>(pass);
        twice.addAll(pass);
        assertThat(model.batches).isEqualTo(twice);
        assertThat(summary.examplesTrained()).isEqualTo(2L * seqs(canonical, Split.TRAIN).size());
        assertThat(model.scored).isEqualTo(seqs(canonical, Split.VALIDATION));
        // Between the passes: a checkpoint at the beginning of the second pass; at the end, its end offsets.
        int rewind = model.checkpointEpochs.indexOf(1);
        assertThat(model.checkpoints.get(rewind).offsets()).isEqualTo(Map.of("examples-0", 0L, "examples-1", 0L));
        assertThat(model.checkpoints.get(rewind).examplesTrained()).isEqualTo(seqs(canonical, Split.TRAIN).size());
        assertThat(model.checkpointEpochs.get(model.checkpointEpochs.size() - 1)).isEqualTo(1);
        assertThat(model.checkpoints.get(model.checkpoints.size() - 1).offsets())
                .isEqualTo(KafkaSupport.endOffsets(runtime.bootstrapServers(), "examples"));
    }

    @Test
    void shouldResumeTheSecondPassWhereItStoppedAndTrainNothingTwiceInIt() throws Exception {
        List<KafkaSupport.Placed> canonical = canonical(KafkaSupport.produce(runtime, topics,
                TestExamples.generate(24, 300, 0, 0, specHash)));
        List<List<Integer>> pass = chunks(seqs(canonical, Split.TRAIN), 50);

        RecordingModel first = new RecordingModel(specHash, 2, Map.of(), 0);
        AtomicReference<OnlineLearner> running = new AtomicReference<>();
        first.afterTrain = () -> {
            if (first.batches.size() == pass.size() + 2) {
                running.get().stop();
            }
        };
        try (OnlineLearner learner = new OnlineLearner(config(true, 50, 1_000, 2), topics, first,
                new OnlineMetrics(100))) {
            running.set(learner);
            learner.run(() -> true);
        }
        RecordingModel.Saved stopped = first.checkpoints.get(first.checkpoints.size() - 1);
        assertThat(first.checkpointEpochs.get(first.checkpointEpochs.size() - 1)).isEqualTo(1);
        assertThat(stopped.offsets()).isEqualTo(positionAfterTrainExample(canonical, 100));

        RecordingModel second = new RecordingModel(specHash, 2, stopped.offsets(), 1, stopped.examplesTrained());
        try (OnlineLearner learner = new OnlineLearner(config(true, 50, 1_000, 2), topics, second,
                new OnlineMetrics(100))) {
            learner.run(() -> true);
        }
        assertThat(second.batches).isEqualTo(pass.subList(2, pass.size()));
        assertThat(second.scored).isEmpty();
        assertThat(second.examplesTrained()).isEqualTo(2L * seqs(canonical, Split.TRAIN).size());
    }

    @Test
    void shouldAnnounceServingSnapshotsBetweenCheckpointsWithoutMovingTheCheckpointedPosition() throws Exception {
        List<Example> examples = TestExamples.generate(31, 300, 0, 0, specHash);
        KafkaSupport.produce(runtime, topics, examples);
        long train = TestExamples.count(examples, Split.TRAIN);
        RecordingModel model = new RecordingModel(specHash, 2, Map.of(), 0);
        LearnerConfig config = new LearnerConfig(KafkaConnection.plaintext(runtime.bootstrapServers()), 64,
                Duration.ofMillis(200), 0, Duration.ZERO, true, "wnd", null, 1, Duration.ofNanos(1));
        try (OnlineLearner learner = new OnlineLearner(config, topics, model, new OnlineMetrics(1_000))) {
            learner.run(() -> true);
        }

        // No checkpoint cadence: one checkpoint, at the end of the input; a snapshot after every full batch, with
        // the position just past it. The checkpoint alone is where a restart resumes.
        assertThat(model.batches).hasSize((int) ((train + 63) / 64));
        assertThat(model.checkpoints).hasSize(1);
        assertThat(model.checkpoints.get(0).offsets())
                .isEqualTo(KafkaSupport.endOffsets(runtime.bootstrapServers(), "examples"));
        List<Long> fullBatches = new ArrayList<>();
        for (long n = 64; n <= train; n += 64) {
            fullBatches.add(n);
        }
        assertThat(model.snapshots).extracting(RecordingModel.Saved::examplesTrained)
                .containsExactlyElementsOf(fullBatches);
        List<ConsumerRecord<String, ModelVersion>> versions = KafkaSupport.readAll(runtime.bootstrapServers(),
                topics.modelVersions);
        assertThat(versions).extracting(r -> r.value().getVersion()).hasSize(model.snapshots.size() + 1)
                .startsWith("s1", "s2").endsWith("v1");
        assertThat(versions).allSatisfy(r -> {
            assertThat(r.key()).isEqualTo("wnd");
            assertThat(r.value().getSpecHash()).isEqualTo(specHash);
        });
    }

    private OnlineLearner.Summary learn(Path modelDir, boolean deterministic, int batchSize) {
        try (DjlTrainableModel model = DjlTrainableModel.open(TestExamples.spec(), TestExamples.modelConfig(3),
                modelDir, 3);
                OnlineLearner learner = new OnlineLearner(config(deterministic, batchSize, 1_000), topics, model,
                        new OnlineMetrics(1_000))) {
            return learner.run(() -> true);
        }
    }

    private LearnerConfig config(boolean deterministic, int batchSize, long checkpointEvery) {
        return config(deterministic, batchSize, checkpointEvery, 1);
    }

    private LearnerConfig config(boolean deterministic, int batchSize, long checkpointEvery, int epochs) {
        return new LearnerConfig(KafkaConnection.plaintext(runtime.bootstrapServers()), batchSize,
                Duration.ofMillis(200), checkpointEvery, Duration.ZERO, deterministic, "wnd",
                work.resolve("metrics.jsonl"), epochs);
    }

    /** The deterministic mode's order: record timestamp, then partition, then offset. */
    private static List<KafkaSupport.Placed> canonical(List<KafkaSupport.Placed> placed) {
        return placed.stream().sorted(Comparator.comparingLong(KafkaSupport.Placed::timestamp)
                .thenComparingInt(KafkaSupport.Placed::partition)
                .thenComparingLong(KafkaSupport.Placed::offset)).toList();
    }

    /** Sequence numbers of the model's examples with {@code split}, in {@code order}. */
    private List<Integer> seqs(List<KafkaSupport.Placed> order, Split split) {
        return order.stream().map(KafkaSupport.Placed::example)
                .filter(e -> e.getSplit() == split && e.getSpecHash().equals(specHash))
                .map(TestExamples::seq).toList();
    }

    private static List<List<Integer>> chunks(List<Integer> all, int size) {
        List<List<Integer>> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i += size) {
            out.add(all.subList(i, Math.min(all.size(), i + size)));
        }
        return out;
    }

    /** Next offset per partition once the canonical order has been processed up to its {@code n}-th train example. */
    private Map<String, Long> positionAfterTrainExample(List<KafkaSupport.Placed> canonical, long n) {
        Map<String, Long> position = new HashMap<>();
        long trained = 0;
        for (KafkaSupport.Placed p : canonical) {
            position.put("examples-" + p.partition(), p.offset() + 1);
            Example e = p.example();
            if (e.getSplit() == Split.TRAIN && e.getSpecHash().equals(specHash) && ++trained == n) {
                return position;
            }
        }
        throw new IllegalArgumentException("fewer than " + n + " train examples");
    }
}
