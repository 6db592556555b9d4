package dev.wnd.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The learner's online (prequential) learning curve, as it appends it to {@code <modelDir>/metrics.jsonl}: one JSON
 * object per line with {@code wall_ms, stream_time, examples_trained, validation_examples, train_loss,
 * window_displays, logloss, auc, map12} (null where undefined). Each validation display was scored by the model as
 * it was when the display arrived, and the metrics are over a sliding window of the latest such displays.
 *
 * <p>A model directory trained twice from scratch holds two runs one after the other; a run starts wherever
 * {@code examples_trained} goes down, and only the last run is kept. Lines that do not parse are skipped and
 * counted.
 *
 * @param points the last run's points in file order
 * @param skippedLines lines that were not a metrics object
 */
public record LearningCurve(List<Point> points, int skippedLines) {

    /** The file name the learner appends to inside a model directory. */
    public static final String FILE_NAME = "metrics.jsonl";

    public LearningCurve {
        points = List.copyOf(points);
    }

    /**
     * One line of the log; NaN where the learner wrote null.
     *
     * @param streamTime the latest event time the learner had read, ms after the Outbrain base time
     */
    public record Point(long wallMs, long streamTime, long examplesTrained, long validationExamples,
            double trainLoss, long windowDisplays, double logloss, double auc, double map12) {

        /** {@link #streamTime()} in days since the start of the data. */
        public double streamDay() {
            return streamTime / (double) ScoredRow.DAY_MS;
        }
    }

    /** No points. */
    public static LearningCurve empty() {
        return new LearningCurve(List.of(), 0);
    }

    /** Reads {@code file}; an absent file is an empty curve. */
    public static LearningCurve read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return empty();
        }
        return parse(Files.readAllLines(file));
    }

    /** Parses the lines of a metrics log. */
    public static LearningCurve parse(List<String> lines) {
        List<Point> points = new ArrayList<>();
        int skipped = 0;
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            Point p;
            try {
                JsonNode n = Json.MAPPER.readTree(line);
                if (n == null || !n.isObject() || !n.hasNonNull("examples_trained") || !n.hasNonNull("stream_time")) {
                    skipped++;
                    continue;
                }
                p = new Point(n.path("wall_ms").asLong(), n.get("stream_time").asLong(),
                        n.get("examples_trained").asLong(), n.path("validation_examples").asLong(),
                        Json.number(n, "train_loss"), n.path("window_displays").asLong(), Json.number(n, "logloss"),
                        Json.number(n, "auc"), Json.number(n, "map12"));
            } catch (JsonProcessingException e) {
                skipped++;
                continue;
            }
            if (!points.isEmpty() && p.examplesTrained() < points.get(points.size() - 1).examplesTrained()) {
                points.clear(); // a new run from scratch appended to the same file
            }
            points.add(p);
        }
        return new LearningCurve(points, skipped);
    }

    /** The last point, if any. */
    public java.util.Optional<Point> last() {
        return points.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(points.get(points.size() - 1));
    }

    ArrayNode toNode() {
        ArrayNode array = Json.MAPPER.createArrayNode();
        for (Point p : points) {
            ObjectNode n = array.addObject();
            n.put("wall_ms", p.wallMs());
            n.put("stream_time", p.streamTime());
            n.put("examples_trained", p.examplesTrained());
            n.put("validation_examples", p.validationExamples());
            Json.put(n, "train_loss", p.trainLoss());
            n.put("window_displays", p.windowDisplays());
            Json.put(n, "logloss", p.logloss());
            Json.put(n, "auc", p.auc());
            Json.put(n, "map12", p.map12());
        }
        return array;
    }
}
