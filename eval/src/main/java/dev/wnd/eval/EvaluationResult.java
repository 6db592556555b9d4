package dev.wnd.eval;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the {@link Evaluator} measured on one validation set; immutable. Undefined numbers are NaN (null in
 * JSON): e.g. AUC on a day with no click, or the logloss of the random ranking, which has no probabilities.
 *
 * @param counts what was evaluated
 * @param config the baseline settings used
 * @param model the model's scores
 * @param adCtr the point-in-time ad-CTR baseline's scores, on the same rows
 * @param random the random ranking's expected scores, on the same displays (AUC 0.5 by definition, no logloss)
 * @param calibration the model's reliability by probability decile
 * @param perDay the model and baselines per day of the display, days ascending
 * @param peers other methods measured on the same rows, such as the GBDT peer ({@link GbdtPeer#NAME})
 * @param peerDetails how each peer was trained, by name
 */
public record EvaluationResult(Counts counts, EvaluatorConfig config, MethodScores model, MethodScores adCtr,
        MethodScores random, Calibration calibration, List<DayScores> perDay, List<MethodScores> peers,
        Map<String, Map<String, Object>> peerDetails) {

    /** How ties between equal scores are broken, for the record. */
    public static final String TIE_BREAK = "score descending, then a fixed hash of (display_id, ad_id) ascending "
            + "(see Rankings.tieKey)";

    public EvaluationResult {
        Objects.requireNonNull(counts, "counts");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(adCtr, "adCtr");
        Objects.requireNonNull(random, "random");
        Objects.requireNonNull(calibration, "calibration");
        perDay = List.copyOf(perDay);
        peers = List.copyOf(peers);
        peerDetails = Collections.unmodifiableMap(new LinkedHashMap<>(peerDetails));
    }

    /** A result without peers. */
    public EvaluationResult(Counts counts, EvaluatorConfig config, MethodScores model, MethodScores adCtr,
            MethodScores random, Calibration calibration, List<DayScores> perDay) {
        this(counts, config, model, adCtr, random, calibration, perDay, List.of(), Map.of());
    }

    /** The peer named {@code name}, if measured. */
    public Optional<MethodScores> peer(String name) {
        return peers.stream().filter(m -> m.name().equals(name)).findFirst();
    }

    /**
     * What was evaluated.
     *
     * @param rows distinct validation (display, ad) pairs
     * @param duplicateRows rows dropped because their (display, ad) pair came before
     * @param displays distinct validation displays
     * @param rankedDisplays displays with at least one click: the ones MAP@12 averages over
     * @param displaysWithoutClick displays without a click: left out of MAP@12 (AP is undefined without a relevant
     *     ad), still in AUC, logloss and calibration
     * @param clicks rows with label 1
     * @param trainLabels TRAIN labels available to the ad-CTR baseline
     */
    public record Counts(long rows, long duplicateRows, long displays, long rankedDisplays, long displaysWithoutClick,
            long clicks, long trainLabels) {

        /** Observed click-through rate of the validation rows. */
        public double ctr() {
            return rows == 0 ? Double.NaN : (double) clicks / rows;
        }

        /** Mean number of ads per display. */
        public double adsPerDisplay() {
            return displays == 0 ? Double.NaN : (double) rows / displays;
        }
    }

    /**
     * One ranking method's scores.
     *
     * @param name {@code "model"}, {@code "ad_ctr"}, {@code "random"} or a peer's name such as {@code "gbdt"}
     * @param map12 exact MAP@12 over the displays with a click
     * @param auc ROC AUC over all rows
     * @param logloss mean binary cross-entropy over all rows
     */
    public record MethodScores(String name, double map12, double auc, double logloss) {

        public MethodScores {
            Objects.requireNonNull(name, "name");
        }
    }

    /**
     * Reliability of the model's probabilities.
     *
     * @param bins the deciles, lowest probabilities first; empty deciles (fewer than 10 rows) left out
     * @param ece expected calibration error: the row-weighted mean of |mean predicted − observed CTR| over the bins
     */
    public record Calibration(List<CalibrationBin> bins, double ece) {

        public Calibration {
            bins = List.copyOf(bins);
        }
    }

    /**
     * One probability decile: rows sorted by predicted probability, cut into ten groups as equal in size as
     * possible (decile d holds sorted rows {@code [floor((d-1) n/10), floor(d n/10))}).
     *
     * @param decile 1 (lowest probabilities) to 10
     */
    public record CalibrationBin(int decile, long rows, double meanPredicted, double observedCtr,
            double minPredicted, double maxPredicted) {
    }

    /**
     * One day's scores: the displays whose time falls on that day ({@code timestamp / 86,400,000}).
     *
     * @param displays the day's displays
     * @param rankedDisplays those with a click (MAP@12's denominator)
     * @param rows their rows (AUC's and logloss's)
     */
    public record DayScores(int day, long displays, long rankedDisplays, long rows, double map12, double map12AdCtr,
            double map12Random, double auc, double logloss) {
    }

    /** Every method: the model first, then the peers, the ad-CTR baseline and random. */
    public List<MethodScores> methods() {
        List<MethodScores> all = new ArrayList<>();
        all.add(model);
        all.addAll(peers);
        all.add(adCtr);
        all.add(random);
        return List.copyOf(all);
    }

    /** Pretty-printed JSON of every number, snake_case keys, null for undefined. */
    public String toJson() {
        return Json.write(toNode());
    }

    ObjectNode toNode() {
        ObjectNode root = Json.object();
        ObjectNode c = root.putObject("counts");
        c.put("rows", counts.rows());
        c.put("duplicate_rows", counts.duplicateRows());
        c.put("displays", counts.displays());
        c.put("ranked_displays", counts.rankedDisplays());
        c.put("displays_without_click", counts.displaysWithoutClick());
        c.put("clicks", counts.clicks());
        Json.put(c, "ctr", counts.ctr());
        Json.put(c, "ads_per_display", counts.adsPerDisplay());
        c.put("train_labels", counts.trainLabels());
        ObjectNode settings = root.putObject("settings");
        settings.put("tie_break", TIE_BREAK);
        settings.put("displays_without_click", "left out of MAP@12; kept in AUC, logloss and calibration");
        settings.put("ad_ctr_label_delay_ms", config.labelDelayMs());
        Json.put(settings, "ad_ctr_prior_strength", config.priorStrength());
        ObjectNode methods = root.putObject("methods");
        for (MethodScores m : methods()) {
            ObjectNode n = methods.putObject(m.name());
            Json.put(n, "map12", m.map12());
            Json.put(n, "auc", m.auc());
            Json.put(n, "logloss", m.logloss());
        }
        ObjectNode peerNode = root.putObject("peers");
        peerDetails.forEach((name, details) -> peerNode.set(name, Json.MAPPER.valueToTree(details)));
        ObjectNode cal = root.putObject("calibration");
        Json.put(cal, "ece", calibration.ece());
        ArrayNode bins = cal.putArray("deciles");
        for (CalibrationBin b : calibration.bins()) {
            ObjectNode n = bins.addObject();
            n.put("decile", b.decile());
            n.put("rows", b.rows());
            Json.put(n, "mean_predicted", b.meanPredicted());
            Json.put(n, "observed_ctr", b.observedCtr());
            Json.put(n, "min_predicted", b.minPredicted());
            Json.put(n, "max_predicted", b.maxPredicted());
        }
        ArrayNode days = root.putArray("per_day");
        for (DayScores d : perDay) {
            ObjectNode n = days.addObject();
            n.put("day", d.day());
            n.put("displays", d.displays());
            n.put("ranked_displays", d.rankedDisplays());
            n.put("rows", d.rows());
            Json.put(n, "map12", d.map12());
            Json.put(n, "map12_ad_ctr", d.map12AdCtr());
            Json.put(n, "map12_random", d.map12Random());
            Json.put(n, "auc", d.auc());
            Json.put(n, "logloss", d.logloss());
        }
        return root;
    }
}
