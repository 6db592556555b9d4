package dev.wnd.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wnd.model.ModelConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole flow on real components: a generated data set replayed into the in-process KRaft broker with the
 * embedded registry, the features topology under exactly-once, the DJL learner on CPU, the scorer topology.
 */
class PipelineIT {

    @TempDir
    Path work;

    /** With two partitions the features and scorer tasks exchange CTR updates; the learner reads both partitions. */
    @ParameterizedTest(name = "{0} partition(s)")
    @ValueSource(ints = {1, 2})
    void shouldTurnRawRecordsIntoExamplesAModelAndAScoreForEveryTestDisplay(int partitions) throws Exception {
        ClusterOptions cluster = new ClusterOptions();
        cluster.workDir(work);
        cluster.partitions = partitions;
        ModelConfig model = ModelConfig.defaults().toBuilder().deepHiddenUnits(List.of(64, 64)).seed(3).build();
        ByteArrayOutputStream progress = new ByteArrayOutputStream();

        Pipeline.Report r = Pipeline.run(new Pipeline.Config(work, 3_000, 11, 0, model, 512, Duration.ofHours(1),
                Duration.ofMinutes(5)), cluster, WorkDirLock.claim(work),
                new PrintStream(progress, true, StandardCharsets.UTF_8));

        long displays = r.replay().sentPerTopic().get("displays");
        long labels = r.replay().sentPerTopic().get("labels");
        long requests = r.replay().sentPerTopic().get("score-requests");
        assertThat(displays).isEqualTo(r.data().trainDisplays());
        assertThat(labels).isEqualTo(displays);
        assertThat(requests).isEqualTo(r.data().testDisplays());
        // Every labelled display became examples, split between training and validation; none was lost.
        assertThat(r.learner().examplesTrained()).isPositive();
        assertThat(r.learner().validationExamples()).isPositive();
        assertThat(r.learner().examplesTrained() + r.learner().validationExamples())
                .as("one example per (display, ad) of clicks_train.csv").isEqualTo(r.data().rows().get("clicks_train.csv"));
        assertThat(r.learner().deadLetters()).isZero();
        // Every test display was ranked by the trained model.
        assertThat(r.scored()).isEqualTo(requests);
        assertThat(r.servedBy()).containsOnlyKeys(r.learner().lastVersion());
        assertThat(r.map12()).isBetween(0.0, 1.0);
        assertThat(progress.toString(StandardCharsets.UTF_8)).contains("[5/5]");
    }
}
