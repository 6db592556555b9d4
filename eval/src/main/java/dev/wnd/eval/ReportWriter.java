package dev.wnd.eval;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Writes a {@link Report} as a self-contained directory: {@code index.html} (no JavaScript, no network: it opens
 * from disk), its PNG charts drawn with Java2D beside it, and {@code report.json} with every number.
 *
 * <p>The charts: MAP@12 of the model against the baselines (and the planted optimum on generated data), the online
 * learning curves from the learner's {@code metrics.jsonl} (logloss with the training loss, AUC, MAP@12 over stream
 * time), a reliability diagram and MAP@12 per day.
 */
public final class ReportWriter {

    /** The page. */
    public static final String INDEX = "index.html";
    /** Every number, as {@link Report#toJson()}. */
    public static final String JSON = "report.json";

    private static final int WIDE = 1000;
    private static final int HALF = 492;

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private ReportWriter() {
    }

    /**
     * Writes the report into {@code dir} (created if missing; files of an earlier report are replaced).
     *
     * @return the path of {@code index.html}
     */
    public static Path write(Report report, Path dir) throws IOException {
        Files.createDirectories(dir);
        EvaluationResult e = report.evaluation();
        List<String> charts = new ArrayList<>();

        // 1. MAP@12 of the model against the baselines.
        List<Charts.Reference> optimum = report.planted().map(t -> List.of(
                new Charts.Reference("planted optimum (test displays)", t.map12Optimal(), Charts.OPTIMUM)))
                .orElse(List.of());
        List<EvaluationResult.MethodScores> methods = e.methods();
        Charts.writePng(Charts.bars(WIDE, 400, "MAP@12 on the validation displays",
                String.format(Locale.ROOT, "exact, all ads of a display ranked together; %,d displays with a click",
                        e.counts().rankedDisplays()),
                null, "MAP@12", methods.stream().map(m -> Report.label(m.name())).toList(),
                List.of(new Charts.Bars("MAP@12", Charts.MODEL,
                        methods.stream().mapToDouble(EvaluationResult.MethodScores::map12).toArray())),
                optimum, methods.stream().map(m -> color(m.name())).toArray(Color[]::new)),
                dir.resolve("map12.png"));
        charts.add("map12.png");

        // 2. Online learning curves.
        LearningCurve curve = report.curve();
        boolean hasCurve = !curve.points().isEmpty();
        if (hasCurve) {
            int n = curve.points().size();
            double[] x = new double[n];
            double[] logloss = new double[n];
            double[] trainLoss = new double[n];
            double[] auc = new double[n];
            double[] map = new double[n];
            for (int i = 0; i < n; i++) {
                LearningCurve.Point p = curve.points().get(i);
                x[i] = p.streamDay();
                logloss[i] = p.logloss();
                trainLoss[i] = p.trainLoss();
                auc[i] = p.auc();
                map[i] = p.map12();
            }
            String sub = "window of recent validation displays, each scored before learning";
            Charts.writePng(Charts.lines(HALF, 360, "Online logloss", sub, "stream time (days)", "logloss",
                    List.of(new Charts.Series("validation window", Charts.MODEL, x, logloss, false),
                            new Charts.Series("training batch", Charts.TRAIN, x, trainLoss, true)),
                    List.of(), null, true), dir.resolve("learning-logloss.png"));
            Charts.writePng(Charts.lines(HALF, 360, "Online AUC", sub, "stream time (days)", "AUC",
                    List.of(new Charts.Series("validation window", Charts.MODEL, x, auc, false)),
                    List.of(new Charts.Reference("random", 0.5, Charts.RANDOM)), null, true),
                    dir.resolve("learning-auc.png"));
            List<Charts.Reference> refs = new ArrayList<>();
            refs.add(new Charts.Reference("random", e.random().map12(), Charts.RANDOM));
            report.planted().ifPresent(t -> refs.add(new Charts.Reference("optimum", t.map12Optimal(),
                    Charts.OPTIMUM)));
            Charts.writePng(Charts.lines(WIDE, 380, "Online MAP@12 while learning",
                    "sliding window of the latest validation displays, each ranked by the model as it was when the "
                            + "display arrived; dashed: offline references",
                    "stream time (days)", "MAP@12",
                    List.of(new Charts.Series("online window", Charts.MODEL, x, map, false)), refs, null, true),
                    dir.resolve("learning-map12.png"));
            charts.addAll(List.of("learning-logloss.png", "learning-auc.png", "learning-map12.png"));
        }

        // 3. Calibration.
        List<EvaluationResult.CalibrationBin> bins = e.calibration().bins();
        double[] predicted = bins.stream().mapToDouble(EvaluationResult.CalibrationBin::meanPredicted).toArray();
        double[] observed = bins.stream().mapToDouble(EvaluationResult.CalibrationBin::observedCtr).toArray();
        Charts.writePng(Charts.reliability(HALF, 440, "Calibration",
                String.format(Locale.ROOT, "deciles of the predicted probability; ECE %.4f", e.calibration().ece()),
                predicted, observed), dir.resolve("calibration.png"));
        charts.add("calibration.png");

        // 4. Per day.
        List<String> days = new ArrayList<>();
        int d = e.perDay().size();
        double[] dm = new double[d];
        double[] dc = new double[d];
        double[] dr = new double[d];
        for (int i = 0; i < d; i++) {
            EvaluationResult.DayScores s = e.perDay().get(i);
            days.add("day " + s.day());
            dm[i] = s.map12();
            dc[i] = s.map12AdCtr();
            dr[i] = s.map12Random();
        }
        Charts.writePng(Charts.bars(WIDE, 380, "MAP@12 per day",
                "validation displays grouped by the day of the display (timestamp / 86,400,000 ms)", null, "MAP@12",
                days, List.of(new Charts.Bars("model", Charts.MODEL, dm), new Charts.Bars("ad CTR", Charts.AD_CTR, dc),
                        new Charts.Bars("random", Charts.RANDOM, dr)), List.of(), null),
                dir.resolve("per-day-map12.png"));
        charts.add("per-day-map12.png");

        Files.writeString(dir.resolve(JSON), report.toJson());
        Path index = dir.resolve(INDEX);
        Files.writeString(index, html(report, hasCurve));
        return index;
    }

    // ---- HTML ----

    private static String html(Report report, boolean hasCurve) {
        EvaluationResult e = report.evaluation();
        EvaluationResult.Counts n = e.counts();
        Report.Context c = report.context();
        StringBuilder h = new StringBuilder(16_384);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>wnd evaluation: ").append(esc(c.modelVersion())).append("</title>\n")
                .append("<style>\n").append(CSS).append("</style>\n</head>\n<body>\n<main>\n");
        h.append("<header><h1>Wide &amp; Deep evaluation</h1>\n<p class=\"meta\">model <code>")
                .append(esc(c.modelVersion())).append("</code> (").append(fmtInt(c.modelExamplesTrained()))
                .append(" examples trained) from <code>").append(esc(c.modelDir())).append("</code><br>data <code>")
                .append(esc(c.dataDir())).append("</code>, validation split &middot; evaluated ")
                .append(esc(c.createdAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString()))
                .append("</p></header>\n");

        // Headline numbers.
        h.append("<section class=\"cards\">\n");
        card(h, "MAP@12", f4(e.model().map12()), "model, exact", "accent");
        for (EvaluationResult.MethodScores peer : e.peers()) {
            card(h, "vs " + peer.name().toUpperCase(Locale.ROOT), signed(e.model().map12() - peer.map12()),
                    Report.label(peer.name()) + " " + f4(peer.map12()), "");
        }
        card(h, "vs ad CTR", signed(e.model().map12() - e.adCtr().map12()), "ad CTR " + f4(e.adCtr().map12()), "");
        card(h, "vs random", signed(e.model().map12() - e.random().map12()), "random " + f4(e.random().map12()), "");
        card(h, "AUC", f4(e.model().auc()), "ad CTR " + f4(e.adCtr().auc()), "");
        card(h, "logloss", f4(e.model().logloss()), "ad CTR " + f4(e.adCtr().logloss()), "");
        report.planted().ifPresent(t -> card(h, "normalized", f3(report.normalizedMap12(e.model())),
                "0 = random, 1 = planted optimum", "good"));
        h.append("</section>\n");

        // Model against baselines.
        h.append("<section>\n<h2>Model and baselines</h2>\n<p>").append(fmtInt(n.rows()))
                .append(" validation rows in ").append(fmtInt(n.displays())).append(" displays (")
                .append(String.format(Locale.ROOT, "%.2f", n.adsPerDisplay())).append(" ads each, CTR ")
                .append(f4(n.ctr())).append("). MAP@12 averages over the ").append(fmtInt(n.rankedDisplays()))
                .append(" displays with a click");
        if (n.displaysWithoutClick() > 0) {
            h.append("; ").append(fmtInt(n.displaysWithoutClick())).append(" without one are left out of it");
        }
        if (n.duplicateRows() > 0) {
            h.append("; ").append(fmtInt(n.duplicateRows())).append(" repeated (display, ad) rows were ignored");
        }
        h.append(".</p>\n<table>\n<thead><tr><th>method</th><th>MAP@12</th><th>vs random</th><th>AUC</th>")
                .append("<th>logloss</th>");
        boolean planted = report.planted().isPresent();
        if (planted) {
            h.append("<th>normalized</th>");
        }
        h.append("</tr></thead>\n<tbody>\n");
        for (EvaluationResult.MethodScores m : e.methods()) {
            h.append("<tr").append(m == e.model() ? " class=\"hl\"" : "").append("><td><span class=\"sw\" style=\"")
                    .append("background:").append(swatch(m.name())).append("\"></span>").append(esc(Report.label(m.name())))
                    .append("</td><td>").append(f4(m.map12())).append("</td><td>")
                    .append(m == e.random() ? "&ndash;" : signed(m.map12() - e.random().map12())).append("</td><td>")
                    .append(dash(f4(m.auc()))).append("</td><td>").append(dash(f4(m.logloss()))).append("</td>");
            if (planted) {
                h.append("<td>").append(dash(f3(report.normalizedMap12(m)))).append("</td>");
            }
            h.append("</tr>\n");
        }
        report.planted().ifPresent(t -> h.append("<tr class=\"muted\"><td><span class=\"sw\" style=\"background:")
                .append(hex(Charts.OPTIMUM)).append("\"></span>planted optimum*</td><td>").append(f4(t.map12Optimal()))
                .append("</td><td>").append(signed(t.map12Optimal() - t.map12Random()))
                .append("*</td><td>&ndash;</td><td>&ndash;</td><td>1.000</td></tr>\n"));
        h.append("</tbody>\n</table>\n");
        e.peerDetails().forEach((name, details) -> {
            h.append("<p class=\"note\">").append(esc(Report.label(name))).append(": ");
            StringBuilder d = new StringBuilder();
            details.forEach((k, v) -> {
                if (!(v instanceof Collection<?>)) {
                    d.append(d.length() == 0 ? "" : ", ").append(k.replace('_', ' ')).append(' ').append(v);
                }
            });
            h.append(esc(d.toString())).append(". Trained on the same point-in-time TRAIN Examples as the model, ")
                    .append("scored on the same VALIDATION Examples.</p>\n");
        });
        report.planted().ifPresent(t -> h.append("<p class=\"note\">* The generator knows the true click ")
                .append("probabilities of its ").append(fmtInt(t.testDisplays())).append(" test displays only: the ")
                .append("optimum ranks their ads by those, and random scores ").append(f4(t.map12Random()))
                .append(" there. normalized = (MAP@12 &minus; random on the validation displays) / (optimum ")
                .append("&minus; random on the test displays); both sets come from the same click model.</p>\n"));
        img(h, "map12.png", "MAP@12 of the model, its peers, the ad-CTR baseline and random ranking", WIDE);
        h.append("</section>\n");

        // Learning curves.
        h.append("<section>\n<h2>Online learning curves</h2>\n");
        if (hasCurve) {
            LearningCurve.Point last = report.curve().last().orElseThrow();
            h.append("<p>From the learner&rsquo;s <code>metrics.jsonl</code>: ")
                    .append(fmtInt(report.curve().points().size())).append(" points up to ")
                    .append(fmtInt(last.examplesTrained())).append(" examples trained. Test-then-train: every ")
                    .append("validation display was scored by the model as it was when the display arrived, ")
                    .append("so these numbers are out of sample and track the model over stream time; the ")
                    .append("offline numbers above score every display with the final model instead.</p>\n")
                    .append("<div class=\"row\">");
            img(h, "learning-logloss.png", "online logloss and training loss over stream time", HALF);
            img(h, "learning-auc.png", "online AUC over stream time", HALF);
            h.append("</div>\n");
            img(h, "learning-map12.png", "online MAP@12 over stream time", WIDE);
        } else {
            h.append("<p class=\"note\">The model directory has no <code>metrics.jsonl</code>: no learning curve ")
                    .append("to draw.</p>\n");
        }
        h.append("</section>\n");

        // Calibration.
        h.append("<section>\n<h2>Calibration</h2>\n<p>Rows sorted by predicted probability and cut into ten ")
                .append("groups of equal size; a calibrated model&rsquo;s points lie on the diagonal. Expected ")
                .append("calibration error (row-weighted mean gap): <b>").append(f4(e.calibration().ece()))
                .append("</b>.</p>\n<div class=\"row\">");
        img(h, "calibration.png", "reliability diagram", HALF);
        h.append("<table class=\"compact\">\n<thead><tr><th>decile</th><th>rows</th><th>predicted</th>")
                .append("<th>observed</th><th>range</th></tr></thead>\n<tbody>\n");
        for (EvaluationResult.CalibrationBin b : e.calibration().bins()) {
            h.append("<tr><td>").append(b.decile()).append("</td><td>").append(fmtInt(b.rows())).append("</td><td>")
                    .append(f4(b.meanPredicted())).append("</td><td>").append(f4(b.observedCtr()))
                    .append("</td><td class=\"muted\">").append(f3(b.minPredicted())).append("&ndash;")
                    .append(f3(b.maxPredicted())).append("</td></tr>\n");
        }
        h.append("</tbody>\n</table></div>\n</section>\n");

        // Per day.
        h.append("<section>\n<h2>Per day</h2>\n");
        img(h, "per-day-map12.png", "MAP@12 per day of the model and the baselines", WIDE);
        h.append("<table>\n<thead><tr><th>day</th><th>displays</th><th>MAP@12</th><th>ad CTR</th><th>random</th>")
                .append("<th>AUC</th><th>logloss</th></tr></thead>\n<tbody>\n");
        for (EvaluationResult.DayScores s : e.perDay()) {
            h.append("<tr><td>").append(s.day()).append("</td><td>").append(fmtInt(s.displays())).append("</td><td>")
                    .append(dash(f4(s.map12()))).append("</td><td>").append(dash(f4(s.map12AdCtr())))
                    .append("</td><td>").append(dash(f4(s.map12Random()))).append("</td><td>")
                    .append(dash(f4(s.auc()))).append("</td><td>").append(dash(f4(s.logloss())))
                    .append("</td></tr>\n");
        }
        h.append("</tbody>\n</table>\n</section>\n");

        // Definitions.
        h.append("<section>\n<h2>How the numbers are computed</h2>\n<dl>\n")
                .append("<dt>MAP@12</dt><dd>Kaggle&rsquo;s Outbrain metric, exact: per display, every ad ranked by ")
                .append("predicted probability, best first; AP@12 = 1/rank of the click (0 beyond rank 12); the mean ")
                .append("over displays with a click. Ties are broken by a fixed hash of (display, ad), never by ad id ")
                .append("or input order. The seed&rsquo;s TensorFlow metric grouped displays inside each evaluation ")
                .append("batch instead (a display split by a batch boundary counted twice) and counted a clickless ")
                .append("group&rsquo;s first ad as clicked.</dd>\n")
                .append("<dt>ad CTR baseline</dt><dd>Each ad&rsquo;s click-through rate from the TRAIN labels known ")
                .append("before the display (a label counts ").append(esc(duration(e.config().labelDelayMs())))
                .append(" after its display: the replay&rsquo;s label delay), smoothed towards the global CTR ")
                .append("so far: (clicks + m&middot;g) / (views + m), m = ")
                .append(String.format(Locale.ROOT, "%.3g", e.config().priorStrength()))
                .append(". An ad never seen scores g.</dd>\n")
                .append(e.peers().isEmpty() ? "" : "<dt>GBDT peer</dt><dd>Gradient-boosted trees (XGBoost, on the "
                        + "CPU) trained on the same point-in-time TRAIN Examples as the model (the same features, "
                        + "categorical slots as numeric codes unless the note above says otherwise), the number of "
                        + "rounds chosen on the most recent 10% of them, and scored on the same VALIDATION Examples: "
                        + "the usual strong baseline for tabular click data, on exactly the model&rsquo;s "
                        + "inputs.</dd>\n")
                .append("<dt>random</dt><dd>The exact expected MAP@12 of a uniformly random order of each ")
                .append("display&rsquo;s ads: (1/n)&sum;<sub>r&le;min(n,12)</sub>1/r for n ads and one click.</dd>\n")
                .append("<dt>AUC, logloss</dt><dd>Over all validation rows: AUC as the rank statistic (ties count ")
                .append("one half), logloss as mean binary cross-entropy with probabilities clipped to ")
                .append("[10<sup>&minus;7</sup>, 1&minus;10<sup>&minus;7</sup>].</dd>\n")
                .append("<dt>validation split</dt><dd>The seed&rsquo;s: a seeded 20% of the displays of days 0&ndash;10 ")
                .append("and every display of day 11 and later; the learner never trains on them.</dd>\n")
                .append("</dl>\n</section>\n");
        h.append("<footer>Every number on this page is in <a href=\"").append(JSON).append("\">").append(JSON)
                .append("</a>. Written by <code>wnd evaluate</code>.</footer>\n</main>\n</body>\n</html>\n");
        return h.toString();
    }

    private static final String CSS = """
            :root { --text:#111827; --muted:#6b7280; --line:#e5e7eb; --bg:#f8fafc; --accent:#2563eb; }
            * { box-sizing: border-box; }
            body { margin:0; background:var(--bg); color:var(--text);
              font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",Helvetica,Arial,sans-serif; }
            main { max-width:1100px; margin:0 auto; padding:28px 24px 48px; }
            header h1 { margin:0 0 4px; font-size:28px; letter-spacing:-0.01em; }
            .meta { margin:0; color:var(--muted); font-size:13.5px; }
            code { font:12.5px ui-monospace,"DejaVu Sans Mono",Menlo,monospace; background:#eef2f7; padding:1px 5px;
              border-radius:4px; word-break:break-all; }
            section { background:#fff; border:1px solid var(--line); border-radius:10px; padding:18px 22px;
              margin-top:18px; }
            h2 { margin:0 0 10px; font-size:19px; }
            .cards { display:flex; flex-wrap:wrap; gap:12px; background:none; border:none; padding:0; }
            .card { flex:1 1 140px; background:#fff; border:1px solid var(--line); border-radius:10px;
              padding:12px 16px; }
            .card .k { color:var(--muted); font-size:12.5px; text-transform:uppercase; letter-spacing:.04em; }
            .card .v { font-size:26px; font-weight:650; font-variant-numeric:tabular-nums; }
            .card .s { color:var(--muted); font-size:12.5px; }
            .card.accent .v { color:var(--accent); }
            .card.good .v { color:#16a34a; }
            table { border-collapse:collapse; width:100%; margin:10px 0 14px; font-variant-numeric:tabular-nums; }
            th, td { padding:6px 10px; border-bottom:1px solid var(--line); text-align:right; white-space:nowrap; }
            th { font-size:12.5px; color:var(--muted); font-weight:600; text-transform:uppercase;
              letter-spacing:.03em; }
            th:first-child, td:first-child { text-align:left; }
            tr.hl td { font-weight:650; }
            tr.muted td, td.muted { color:var(--muted); }
            table.compact { width:auto; flex:1; margin:0; }
            .sw { display:inline-block; width:10px; height:10px; border-radius:2px; margin-right:8px; }
            .row { display:flex; flex-wrap:wrap; gap:16px; align-items:flex-start; }
            img { max-width:100%; height:auto; display:block; border:1px solid var(--line); border-radius:6px; }
            .note { color:var(--muted); font-size:13.5px; }
            dt { font-weight:650; margin-top:8px; }
            dd { margin:2px 0 0 0; color:#374151; }
            footer { margin-top:18px; color:var(--muted); font-size:13px; text-align:center; }
            """;

    private static void card(StringBuilder h, String key, String value, String sub, String cls) {
        h.append("<div class=\"card ").append(cls).append("\"><div class=\"k\">").append(esc(key))
                .append("</div><div class=\"v\">").append(esc(value)).append("</div><div class=\"s\">").append(esc(sub))
                .append("</div></div>\n");
    }

    private static void img(StringBuilder h, String file, String alt, int width) {
        h.append("<img src=\"").append(file).append("\" width=\"").append(width).append("\" alt=\"")
                .append(esc(alt)).append("\">\n");
    }

    private static String swatch(String method) {
        return hex(color(method));
    }

    private static Color color(String method) {
        return switch (method) {
            case "model" -> Charts.MODEL;
            case "ad_ctr" -> Charts.AD_CTR;
            case "random" -> Charts.RANDOM;
            default -> Charts.PEER;
        };
    }

    private static String hex(Color c) {
        return String.format(Locale.ROOT, "#%02x%02x%02x", c.getRed(), c.getGreen(), c.getBlue());
    }

    private static String duration(long ms) {
        if (ms % 3_600_000 == 0) {
            long hours = ms / 3_600_000;
            return hours + (hours == 1 ? " hour" : " hours");
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + " min";
        }
        return ms + " ms";
    }

    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(ch);
            }
        }
        return b.toString();
    }

    private static String dash(String s) {
        return s.equals("-") ? "&ndash;" : s;
    }

    private static String f4(double v) {
        return Report.f4(v);
    }

    private static String f3(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.3f", v) : "-";
    }

    private static String signed(double v) {
        return Report.signed(v);
    }

    private static String fmtInt(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }
}
