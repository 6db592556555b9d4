package dev.wnd.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.ingest.generate.DataGenerator;
import dev.wnd.ingest.generate.GeneratorConfig;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wnd train} then {@code wnd evaluate} in-process on a generated data set, each on its own fresh embedded
 * broker: the JSON carries every number, the HTML report references charts that exist, and (when chromium is
 * installed) the page renders.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EvaluateCommandIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    private Path work;
    private Path data;
    private Path reportDir;
    private JsonNode json;
    private String stdout;

    @BeforeAll
    void trainAndEvaluate(@TempDir Path tempDir) throws Exception {
        work = tempDir;
        data = work.resolve("data");
        Path models = work.resolve("models");
        reportDir = work.resolve("report");
        DataGenerator.generate(GeneratorConfig.defaults(2_000, 1), data);
        int trained = Wnd.commandLine().execute("train", "--data", data.toString(), "--model-dir", models.toString(),
                "--work-dir", work.resolve("train").toString(), "--global-batch-size", "256",
                "--deep-hidden-units", "32,32");
        assertThat(trained).isZero();
        assertThat(models.resolve("metrics.jsonl")).exists();

        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int evaluated;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            evaluated = Wnd.commandLine().execute("evaluate", "--data", data.toString(), "--model-dir",
                    models.toString(), "--work-dir", work.resolve("evaluate").toString(), "--json",
                    work.resolve("out/evaluation.json").toString(), "--report", reportDir.toString());
        } finally {
            System.setOut(original);
        }
        stdout = captured.toString(StandardCharsets.UTF_8);
        System.out.print(stdout);
        assertThat(evaluated).isZero();
        json = new ObjectMapper().readTree(work.resolve("out/evaluation.json").toFile());
    }

    @Test
    void shouldMeasureTheModelAndTheBaselinesOnTheValidationDisplays() {
        JsonNode e = json.get("evaluation");
        long rows = e.at("/counts/rows").asLong();
        long displays = e.at("/counts/displays").asLong();
        assertThat(rows).isGreaterThan(displays).isGreaterThan(100);
        // every generated display has exactly one click
        assertThat(e.at("/counts/displays_without_click").asLong()).isZero();
        assertThat(e.at("/counts/clicks").asLong()).isEqualTo(displays);
        assertThat(e.at("/counts/train_labels").asLong()).isGreaterThan(rows);
        for (String method : List.of("model", "ad_ctr", "random")) {
            assertThat(e.at("/methods/" + method + "/map12").asDouble()).as(method).isBetween(0.0, 1.0);
        }
        assertThat(e.at("/methods/model/auc").asDouble()).isBetween(0.0, 1.0);
        assertThat(e.at("/methods/model/logloss").asDouble()).isPositive();
        assertThat(e.at("/methods/random/logloss").isNull()).isTrue();
        assertThat(e.at("/calibration/deciles")).hasSize(10);
        // validation: 20% of days 0-10 and all of days 11-12 (13 and 14 are the generator's test tail)
        assertThat(e.get("per_day")).hasSizeGreaterThanOrEqualTo(10);
        long perDayDisplays = 0;
        for (JsonNode d : e.get("per_day")) {
            perDayDisplays += d.get("displays").asLong();
        }
        assertThat(perDayDisplays).isEqualTo(displays);
        assertThat(json.at("/context/model_version").asText()).startsWith("ckpt-");
        assertThat(json.at("/planted/map12_optimal").asDouble())
                .isGreaterThan(json.at("/planted/map12_random").asDouble());
        assertThat(json.at("/planted/normalized_map12_model").isNumber()).isTrue();
        assertThat(json.get("learning_curve")).isNotEmpty();
        assertThat(stdout).contains("model (Wide & Deep)", "ad CTR (point in time)", "random ranking",
                "planted optimum");
    }

    @Test
    void shouldTrainTheGbdtPeerOnTheSameTrainExamplesAndScoreItOnTheSameValidationRows() {
        JsonNode e = json.get("evaluation");

        assertThat(e.at("/methods/gbdt/map12").asDouble()).as("the GBDT peer learns something")
                .isGreaterThan(e.at("/methods/random/map12").asDouble());
        assertThat(e.at("/methods/gbdt/auc").asDouble()).isGreaterThan(0.5);
        assertThat(e.at("/methods/gbdt/logloss").asDouble()).isPositive();
        assertThat(e.at("/peers/gbdt/train_examples").asLong()).as("every TRAIN example")
                .isEqualTo(e.at("/counts/train_labels").asLong());
        FeatureSpec spec = FeatureSpec.standard();
        assertThat(e.at("/peers/gbdt/features").asInt()).as("every numeric feature and categorical slot")
                .isEqualTo(spec.numericCount() + spec.categoricalSlots()).isEqualTo(32 + 41);
        assertThat(e.at("/peers/gbdt/rounds").asInt()).isPositive();
        assertThat(json.at("/planted/normalized_map12_gbdt").isNumber()).isTrue();
        assertThat(stdout).contains("GBDT (XGBoost)");
    }

    @Test
    void shouldWriteAReportWhoseChartsExist() throws Exception {
        String html = Files.readString(reportDir.resolve("index.html"));
        Matcher m = Pattern.compile("<img src=\"([^\"]+)\"").matcher(html);
        int images = 0;
        while (m.find()) {
            images++;
            Path png = reportDir.resolve(m.group(1));
            assertThat(png).exists();
            assertThat(ImageIO.read(png.toFile())).as(m.group(1)).isNotNull();
        }
        assertThat(images).isEqualTo(6); // MAP@12, three learning curves, calibration, per day
        assertThat(html).doesNotContain("<script");
        JsonNode report = new ObjectMapper().readTree(reportDir.resolve("report.json").toFile());
        assertThat(report.at("/evaluation/methods/model/map12").asDouble())
                .isEqualTo(json.at("/evaluation/methods/model/map12").asDouble());
    }

    @Test
    void shouldRenderTheReportInAHeadlessBrowser() throws Exception {
        assumeThat(Files.isExecutable(CHROMIUM)).as("chromium is installed").isTrue();
        Path shot = work.resolve("report-screenshot.png");
        Path profile = Files.createDirectories(work.resolve("chromium-profile"));
        Process p = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--hide-scrollbars", "--user-data-dir=" + profile, "--screenshot=" + shot,
                "--window-size=1280,2000", reportDir.resolve("index.html").toUri().toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("chromium.log").toFile()).start();
        try {
            assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("chromium finished").isTrue();
        } finally {
            p.destroyForcibly();
        }
        assertThat(shot).exists();
        BufferedImage image = ImageIO.read(shot.toFile());
        assertThat(image.getWidth()).isEqualTo(1280);
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 4) {
            for (int x = 0; x < image.getWidth(); x += 4) {
                colours.add(image.getRGB(x, y));
            }
        }
        assertThat(colours.size()).as("distinct colours in the screenshot").isGreaterThan(50);
        Path keep = Path.of(System.getProperty("wnd.screenshot.dir", "target"));
        Files.createDirectories(keep);
        Files.copy(shot, keep.resolve("evaluate-report-screenshot.png"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
