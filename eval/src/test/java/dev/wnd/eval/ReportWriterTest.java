package dev.wnd.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {

    @TempDir
    Path dir;

    /** A small but realistic validation set: 3 days, 4 ads per display, a model that is better than chance. */
    static Report sampleReport(boolean withCurve, boolean withTruth) {
        SplittableRandom random = new SplittableRandom(3);
        List<ScoredRow> rows = new ArrayList<>();
        List<TrainLabel> train = new ArrayList<>();
        for (int d = 0; d < 300; d++) {
            long time = d * 3 * ScoredRow.DAY_MS / 300;
            int clicked = random.nextInt(4);
            for (int a = 0; a < 4; a++) {
                long ad = random.nextInt(20);
                double p = Math.min(0.95, 0.15 + (a == clicked ? 0.06 : 0) + random.nextDouble() * 0.3);
                rows.add(new ScoredRow(d, ad * 10 + a, time, p, a == clicked ? 1 : 0));
                train.add(new TrainLabel(ad * 10 + a, time - 1, random.nextDouble() < 0.25 ? 1 : 0));
            }
        }
        EvaluationResult result = Evaluator.evaluate(rows, train, new EvaluatorConfig(0, 10));
        List<String> lines = new ArrayList<>();
        if (withCurve) {
            for (int i = 1; i <= 30; i++) {
                lines.add(String.format(java.util.Locale.ROOT, "{\"wall_ms\": %d, \"stream_time\": %d, "
                        + "\"examples_trained\": %d, \"validation_examples\": %d, \"train_loss\": %s, "
                        + "\"window_displays\": %d, \"logloss\": %s, \"auc\": %s, \"map12\": %s}", 1000L * i,
                        i * ScoredRow.DAY_MS / 10, 512L * i, 100L * i, 0.6 - i * 0.005, Math.min(i * 20, 500),
                        i < 3 ? "null" : Double.toString(0.58 - i * 0.003), i < 3 ? "null" : Double.toString(0.5 + i * 0.006),
                        i < 3 ? "null" : Double.toString(0.5 + i * 0.004)));
            }
        }
        return new Report(new Report.Context("/data/<gen>", "/models/m", "ckpt-0000000003-s12", 6144,
                Instant.parse("2026-05-01T10:00:00Z")), result, LearningCurve.parse(lines),
                withTruth ? Optional.of(new PlantedTruth(0.80, 0.52, 1234)) : Optional.empty());
    }

    @Test
    void shouldShowTheGbdtPeerBesideTheModelInTheTableTheChartAndTheJson() throws Exception {
        Report plain = sampleReport(false, true);
        EvaluationResult e = plain.evaluation();
        EvaluationResult.MethodScores gbdt = new EvaluationResult.MethodScores(GbdtPeer.NAME, 0.71, 0.66, 0.45);
        EvaluationResult withPeer = new EvaluationResult(e.counts(), e.config(), e.model(), e.adCtr(), e.random(),
                e.calibration(), e.perDay(), List.of(gbdt), java.util.Map.of(GbdtPeer.NAME,
                        java.util.Map.of("rounds", 120, "categorical", "codes")));
        Report report = new Report(plain.context(), withPeer, plain.curve(), plain.planted());

        String html = Files.readString(ReportWriter.write(report, dir));
        JsonNode json = new ObjectMapper().readTree(dir.resolve(ReportWriter.JSON).toFile());

        assertThat(html).contains("GBDT (XGBoost)").contains("rounds 120").contains("vs GBDT");
        assertThat(json.at("/evaluation/methods/gbdt/map12").asDouble()).isEqualTo(0.71);
        assertThat(json.at("/evaluation/peers/gbdt/rounds").asInt()).isEqualTo(120);
        assertThat(json.at("/planted/normalized_map12_gbdt").asDouble())
                .isEqualTo(report.normalizedMap12(gbdt));
        assertThat(report.toText()).contains("GBDT (XGBoost)").contains("gbdt " + String.format(
                java.util.Locale.ROOT, "%.3f", report.normalizedMap12(gbdt)));
        assertThat(withPeer.methods()).extracting(EvaluationResult.MethodScores::name)
                .containsExactly("model", "gbdt", "ad_ctr", "random");
    }

    @Test
    void shouldWriteAPageWhoseChartsAllExistAndAJsonWithEveryNumber() throws Exception {
        Report report = sampleReport(true, true);

        Path index = ReportWriter.write(report, dir);

        String html = Files.readString(index);
        assertThat(html).startsWith("<!DOCTYPE html>").doesNotContain("<script").doesNotContain("http://")
                .doesNotContain("https://");
        List<String> images = referencedImages(html);
        assertThat(images).contains("map12.png", "learning-logloss.png", "learning-auc.png", "learning-map12.png",
                "calibration.png", "per-day-map12.png");
        for (String image : images) {
            Path png = dir.resolve(image);
            assertThat(png).exists();
            BufferedImage read = ImageIO.read(png.toFile());
            assertThat(read).as(image).isNotNull();
            assertThat(read.getWidth()).isGreaterThanOrEqualTo(400 * Charts.SCALE);
            assertThat(distinctColours(read)).as(image + " is drawn, not blank").isGreaterThan(20);
        }
        // paths are escaped, the planted optimum and the normalized score are shown
        assertThat(html).contains("/data/&lt;gen&gt;").contains("planted optimum").contains("normalized");

        JsonNode json = new ObjectMapper().readTree(dir.resolve(ReportWriter.JSON).toFile());
        assertThat(json.at("/context/model_version").asText()).isEqualTo("ckpt-0000000003-s12");
        assertThat(json.at("/evaluation/methods/model/map12").asDouble())
                .isEqualTo(report.evaluation().model().map12());
        assertThat(json.at("/planted/map12_optimal").asDouble()).isEqualTo(0.80);
        assertThat(json.at("/planted/normalized_map12_model").asDouble()).isCloseTo(
                (report.evaluation().model().map12() - report.evaluation().random().map12()) / (0.80 - 0.52),
                org.assertj.core.api.Assertions.within(1e-12));
        assertThat(json.at("/learning_curve")).hasSize(30);
        assertThat(json.at("/learning_curve/0/logloss").isNull()).isTrue();
        assertThat(json.at("/evaluation/per_day")).hasSize(3);
    }

    @Test
    void shouldWriteAReportWithoutLearningCurveOrPlantedTruth() throws Exception {
        Report report = sampleReport(false, false);

        Path index = ReportWriter.write(report, dir);

        String html = Files.readString(index);
        List<String> images = referencedImages(html);
        assertThat(images).containsExactlyInAnyOrder("map12.png", "calibration.png", "per-day-map12.png");
        images.forEach(i -> assertThat(dir.resolve(i)).exists());
        assertThat(html).contains("no <code>metrics.jsonl</code>").doesNotContain("planted optimum");
        JsonNode json = new ObjectMapper().readTree(dir.resolve(ReportWriter.JSON).toFile());
        assertThat(json.get("planted").isNull()).isTrue();
        assertThat(json.at("/learning_curve")).isEmpty();
    }

    @Test
    void shouldPrintAReadableSummaryTable() {
        String text = sampleReport(true, true).toText();
        assertThat(text).contains("model (Wide & Deep)", "ad CTR (point in time)", "random ranking",
                "planted optimum", "normalized MAP@12", "day");
        assertThat(text.lines().filter(l -> l.matches("\\s+[0-2]\\s+.*"))).hasSize(3);
    }

    static List<String> referencedImages(String html) {
        Matcher m = Pattern.compile("<img src=\"([^\"]+)\"").matcher(html);
        List<String> images = new ArrayList<>();
        while (m.find()) {
            images.add(m.group(1));
        }
        return images;
    }

    private static long distinctColours(BufferedImage image) {
        java.util.Set<Integer> colours = new java.util.HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 3) {
            for (int x = 0; x < image.getWidth(); x += 3) {
                colours.add(image.getRGB(x, y));
            }
        }
        return colours.size();
    }
}
