package dev.wnd.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LearningCurveTest {

    @TempDir
    Path dir;

    private static String line(long examples, String map) {
        return "{\"wall_ms\": 1, \"stream_time\": 86400000, \"examples_trained\": " + examples
                + ", \"validation_examples\": 3, \"train_loss\": 0.5, \"window_displays\": 2, \"logloss\": null, "
                + "\"auc\": 0.6, \"map12\": " + map + "}";
    }

    @Test
    void shouldReadTheLearnersLinesWithNullAsNaN() {
        LearningCurve c = LearningCurve.parse(List.of(line(10, "null"), "", line(20, "0.55")));

        assertThat(c.points()).hasSize(2);
        assertThat(c.points().get(0).map12()).isNaN();
        assertThat(c.points().get(0).logloss()).isNaN();
        assertThat(c.points().get(1).map12()).isEqualTo(0.55);
        assertThat(c.points().get(1).streamDay()).isEqualTo(1.0);
        assertThat(c.last()).hasValueSatisfying(p -> assertThat(p.examplesTrained()).isEqualTo(20));
        assertThat(c.skippedLines()).isZero();
    }

    @Test
    void shouldKeepOnlyTheLastRunAndSkipBrokenLines() {
        LearningCurve c = LearningCurve.parse(List.of(line(10, "0.5"), line(20, "0.6"), "{not json", "[1]",
                line(5, "0.4"), line(15, "0.45")));

        assertThat(c.points()).extracting(LearningCurve.Point::examplesTrained).containsExactly(5L, 15L);
        assertThat(c.skippedLines()).isEqualTo(2);
    }

    @Test
    void shouldReadAMissingFileAsAnEmptyCurve() throws Exception {
        assertThat(LearningCurve.read(dir.resolve("metrics.jsonl")).points()).isEmpty();
        Files.writeString(dir.resolve("metrics.jsonl"), line(1, "0.5") + "\n");
        assertThat(LearningCurve.read(dir.resolve("metrics.jsonl")).points()).hasSize(1);
    }

    @Test
    void shouldReadThePlantedTruthOfAGeneratedDataSet() throws Exception {
        assertThat(PlantedTruth.read(dir)).isEmpty();
        Files.createDirectories(dir.resolve("truth"));
        Files.writeString(dir.resolve("truth/summary.json"),
                "{\"seed\": 1, \"test_displays\": 300, \"map12_optimal\": 0.7, \"map12_random\": 0.5}");

        PlantedTruth t = PlantedTruth.read(dir).orElseThrow();

        assertThat(t).isEqualTo(new PlantedTruth(0.7, 0.5, 300));
        assertThat(t.normalize(0.6, 0.5)).isEqualTo(0.5, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(t.normalize(0.5, 0.5)).isZero();
    }
}
