package dev.wnd.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wnd.ingest.generate.DataGenerator;
import dev.wnd.ingest.generate.GeneratorConfig;
import dev.wnd.model.checkpoint.CheckpointStore;
import dev.wnd.model.checkpoint.LoadedCheckpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code wnd train} then {@code wnd predict} as a user runs them, in-process, on the embedded broker. */
class TrainPredictIT {

    @TempDir
    Path dir;

    @Test
    void shouldTrainTwoPassesThenWriteASubmissionWithEveryTestDisplayOnceAndAllItsAds() throws Exception {
        Path data = dir.resolve("data");
        DataGenerator.generate(GeneratorConfig.defaults(1_500, 5), data);
        Path models = dir.resolve("models");

        int trained = Wnd.commandLine().execute("train", "--data", data.toString(), "--model-dir", models.toString(),
                "--work-dir", dir.resolve("train-work").toString(), "--deep-hidden-units", "32,32",
                "--global-batch-size", "512", "--epochs", "2");
        assertThat(trained).isZero();
        // Two passes: the rewind checkpoint opens the second pass at offset 0 after one pass of training; the last
        // one lies in the second pass, after twice as many examples.
        CheckpointStore store = new CheckpointStore(models, 3);
        List<LoadedCheckpoint> checkpoints = new ArrayList<>();
        for (Path checkpoint : store.checkpointDirectories()) {
            checkpoints.add(store.load(checkpoint));
        }
        LoadedCheckpoint last = checkpoints.get(0);
        LoadedCheckpoint rewind = checkpoints.get(1);
        assertThat(last.epoch()).isEqualTo(1);
        assertThat(rewind.epoch()).isEqualTo(1);
        assertThat(rewind.offsets().values()).containsOnly(0L);
        long firstPass = rewind.manifest().examplesTrained();
        assertThat(firstPass).isPositive();
        assertThat(last.manifest().examplesTrained()).isEqualTo(2 * firstPass);

        Path submission = dir.resolve("submission.csv");
        int predicted = Wnd.commandLine().execute("predict", "--data", data.toString(), "--model-dir",
                models.toString(), "--out", submission.toString(), "--work-dir", dir.resolve("predict-work").toString());
        assertThat(predicted).isZero();

        Map<Long, Set<Long>> requested = new LinkedHashMap<>();
        PredictCommand.readClicksTest(data.resolve("clicks_test.csv"))
                .forEach((display, ads) -> requested.put(display, new HashSet<>(ads)));
        List<String> lines = Files.readAllLines(submission);
        assertThat(lines.get(0)).isEqualTo("display_id,ad_id");
        Map<Long, Set<Long>> written = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] parts = line.split(",");
            List<Long> ads = Arrays.stream(parts[1].split(" ")).map(Long::parseLong).toList();
            assertThat(new HashSet<>(ads)).hasSameSizeAs(ads);
            assertThat(written.put(Long.parseLong(parts[0]), new HashSet<>(ads))).as("display written twice").isNull();
        }
        assertThat(written).isEqualTo(requested);
    }

    @Test
    void shouldListADisplayWithoutFeaturesOnceInFileOrder() throws Exception {
        Path out = dir.resolve("s.csv");
        Map<Long, List<Long>> requested = new LinkedHashMap<>();
        requested.put(7L, List.of(1L, 2L, 3L));
        requested.put(8L, List.of(4L, 5L));
        int fallback = PredictCommand.writeSubmission(out, requested, Map.of(7L, List.of(3L, 1L, 2L)));
        assertThat(fallback).isEqualTo(1);
        assertThat(Files.readAllLines(out)).containsExactly("display_id,ad_id", "7,3 1 2", "8,4 5");
    }
}
