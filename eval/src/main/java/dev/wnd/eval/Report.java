package dev.wnd.eval;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Collection;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Everything an evaluation report shows: where the numbers come from, the {@link EvaluationResult}, the learner's
 * online learning curve and, on generated data, the planted optimum. Immutable.
 *
 * @param context which data and which model
 * @param evaluation the offline metrics on the validation split
 * @param curve the online learning curve ({@link LearningCurve#empty()} when the model directory has none)
 * @param planted the planted optimum of a generated data set; empty for real data
 */
public record Report(Context context, EvaluationResult evaluation, LearningCurve curve,
        Optional<PlantedTruth> planted) {

    public Report {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(evaluation, "evaluation");
        Objects.requireNonNull(curve, "curve");
        Objects.requireNonNull(planted, "planted");
    }

    /**
     * Where the numbers come from.
     *
     * @param dataDir the data directory evaluated
     * @param modelDir the checkpoint directory
     * @param modelVersion the checkpoint evaluated
     * @param modelExamplesTrained how many examples that checkpoint had trained on
     * @param createdAt when the evaluation ran
     */
    public record Context(String dataDir, String modelDir, String modelVersion, long modelExamplesTrained,
            Instant createdAt) {

        public Context {
            Objects.requireNonNull(dataDir, "dataDir");
            Objects.requireNonNull(modelDir, "modelDir");
            Objects.requireNonNull(modelVersion, "modelVersion");
            Objects.requireNonNull(createdAt, "createdAt");
        }
    }

    /**
     * {@link PlantedTruth#normalize} of a method's MAP@12 against the random baseline on the same displays; NaN
     * without a planted truth.
     */
    public double normalizedMap12(EvaluationResult.MethodScores method) {
        return planted.map(t -> t.normalize(method.map12(), evaluation.random().map12())).orElse(Double.NaN);
    }

    /** The whole report as pretty-printed JSON (the content of {@code report.json} and of {@code --json}). */
    public String toJson() {
        ObjectNode root = Json.object();
        ObjectNode c = root.putObject("context");
        c.put("data_dir", context.dataDir());
        c.put("model_dir", context.modelDir());
        c.put("model_version", context.modelVersion());
        c.put("model_examples_trained", context.modelExamplesTrained());
        c.put("created_at", context.createdAt().toString());
        root.set("evaluation", evaluation.toNode());
        if (planted.isPresent()) {
            PlantedTruth t = planted.get();
            ObjectNode p = root.putObject("planted");
            Json.put(p, "map12_optimal", t.map12Optimal());
            Json.put(p, "map12_random", t.map12Random());
            p.put("test_displays", t.testDisplays());
            p.put("note", "expected MAP@12 on the generator's test displays; normalized = (MAP@12 - random on "
                    + "the validation displays) / (map12_optimal - map12_random)");
            Json.put(p, "normalized_map12_model", normalizedMap12(evaluation.model()));
            for (EvaluationResult.MethodScores peer : evaluation.peers()) {
                Json.put(p, "normalized_map12_" + peer.name(), normalizedMap12(peer));
            }
            Json.put(p, "normalized_map12_ad_ctr", normalizedMap12(evaluation.adCtr()));
        } else {
            root.putNull("planted");
        }
        root.set("learning_curve", curve.toNode());
        return Json.write(root);
    }

    /** A readable summary table for a terminal. */
    public String toText() {
        EvaluationResult e = evaluation;
        EvaluationResult.Counts n = e.counts();
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "wnd evaluate: model %s (%,d examples trained) on %s%n",
                context.modelVersion(), context.modelExamplesTrained(), context.dataDir()));
        s.append(String.format(Locale.ROOT, "  validation  %,d rows in %,d displays (%.2f ads each), CTR %.4f%n",
                n.rows(), n.displays(), n.adsPerDisplay(), n.ctr()));
        s.append(String.format(Locale.ROOT, "              MAP@12 over the %,d displays with a click%s%n",
                n.rankedDisplays(), n.displaysWithoutClick() == 0 ? ""
                        : String.format(Locale.ROOT, " (%,d without one left out)", n.displaysWithoutClick())));
        s.append(String.format(Locale.ROOT, "%n  %-22s %8s %8s %8s %10s%n", "method", "MAP@12", "AUC", "logloss",
                "vs random"));
        s.append("  ").append("-".repeat(60)).append('\n');
        for (EvaluationResult.MethodScores m : e.methods()) {
            s.append(String.format(Locale.ROOT, "  %-22s %8s %8s %8s %10s%n", label(m.name()), f4(m.map12()),
                    f4(m.auc()), f4(m.logloss()), m == e.random() ? "" : signed(m.map12() - e.random().map12())));
        }
        planted.ifPresent(t -> s.append(String.format(Locale.ROOT, "  %-22s %8s %8s %8s %10s%n",
                "planted optimum*", f4(t.map12Optimal()), "", "", signed(t.map12Optimal() - t.map12Random()))));
        if (planted.isPresent()) {
            StringBuilder peers = new StringBuilder();
            for (EvaluationResult.MethodScores peer : e.peers()) {
                peers.append(String.format(Locale.ROOT, ", %s %.3f", peer.name(), normalizedMap12(peer)));
            }
            s.append(String.format(Locale.ROOT, "  * on the generator's test displays (random there: %.4f); "
                    + "normalized MAP@12: model %.3f%s, ad CTR %.3f%n", planted.get().map12Random(),
                    normalizedMap12(e.model()), peers, normalizedMap12(e.adCtr())));
        }
        e.peerDetails().forEach((name, details) -> s.append(String.format(Locale.ROOT, "  %s: %s%n", label(name),
                details.entrySet().stream().filter(d -> !(d.getValue() instanceof Collection<?>))
                        .map(d -> d.getKey() + " " + d.getValue()).collect(Collectors.joining(", ")))));
        s.append(String.format(Locale.ROOT, "%n  calibration: expected calibration error %.4f over %d deciles%n",
                e.calibration().ece(), e.calibration().bins().size()));
        s.append(String.format(Locale.ROOT, "%n  %-5s %9s %8s %8s %8s %8s %8s%n", "day", "displays", "MAP@12",
                "ad CTR", "random", "AUC", "logloss"));
        for (EvaluationResult.DayScores d : e.perDay()) {
            s.append(String.format(Locale.ROOT, "  %-5d %,9d %8s %8s %8s %8s %8s%n", d.day(), d.displays(),
                    f4(d.map12()), f4(d.map12AdCtr()), f4(d.map12Random()), f4(d.auc()), f4(d.logloss())));
        }
        return s.toString();
    }

    static String label(String method) {
        return switch (method) {
            case "model" -> "model (Wide & Deep)";
            case "ad_ctr" -> "ad CTR (point in time)";
            case "random" -> "random ranking";
            case GbdtPeer.NAME -> "GBDT (XGBoost)";
            default -> method;
        };
    }

    static String f4(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "-";
    }

    static String signed(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%+.4f", v) : "-";
    }
}
