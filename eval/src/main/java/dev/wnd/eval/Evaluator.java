package dev.wnd.eval;

import dev.wnd.eval.metrics.RankingMetrics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Offline evaluation of scored validation rows against two baselines on the same displays. Pure: no Kafka, no
 * model, the same input always gives the same result.
 *
 * <h2>MAP@12</h2>
 * Exact, with Kaggle's definition ({@link RankingMetrics#averagePrecisionAt12}): every ad of a display is ranked
 * together, best first, ties broken as {@link Rankings} documents; the mean is over displays with at least one
 * click. A display without a click has no AP and is left out of MAP@12 (counted in
 * {@link EvaluationResult.Counts#displaysWithoutClick()}); its rows still count in AUC, logloss and calibration.
 * The seed's evaluator instead grouped inside each evaluation batch, split a display that straddled two batches, and
 * treated the first ad of a clickless group as clicked (see {@link RankingMetrics}).
 *
 * <h2>Baselines</h2>
 * <ul>
 *   <li>random: the exact expected AP@12 of a uniformly random order of each display's ads
 *       ({@link RankingMetrics#expectedRandomAp} for one click; the same expectation generalised for several),
 *       AUC 0.5 by definition, no logloss.</li>
 *   <li>ad CTR: each ad's smoothed click-through rate from the TRAIN labels known before the display
 *       ({@link AdCtrBaseline}), ranked with the same tie-break, and taken as a probability for AUC and
 *       logloss.</li>
 * </ul>
 * Peers ({@link PeerScores}, such as the GBDT peer) are ranked the same way on the same rows and displays.
 *
 * <h2>Other numbers</h2>
 * AUC ({@link RankingMetrics#auc}) and logloss ({@link RankingMetrics#logloss}) over all rows; calibration by
 * decile of the predicted probability; and all of it per day of the display ({@link ScoredRow#day()}). A
 * (display, ad) pair seen twice is counted once, the first time ({@link EvaluationResult.Counts#duplicateRows()}).
 */
public final class Evaluator {

    private static final int DECILES = 10;

    private Evaluator() {
    }

    /**
     * Evaluates {@code validation} (any order) with the ad-CTR baseline learned from {@code train} (any order).
     *
     * @throws IllegalArgumentException if {@code validation} is empty
     */
    public static EvaluationResult evaluate(Collection<ScoredRow> validation, Collection<TrainLabel> train,
            EvaluatorConfig config) {
        return evaluate(new ArrayList<>(validation), train, List.of(), config);
    }

    /**
     * Evaluates {@code validation} (any order) with the ad-CTR baseline learned from {@code train} (any order), and
     * each peer on the same rows: a peer's row i is {@code validation.get(i)}.
     *
     * @throws IllegalArgumentException if {@code validation} is empty, or a peer's rows are not the validation rows
     */
    public static EvaluationResult evaluate(List<ScoredRow> validation, Collection<TrainLabel> train,
            List<PeerScores> peers, EvaluatorConfig config) {
        Objects.requireNonNull(config, "config");
        if (validation.isEmpty()) {
            throw new IllegalArgumentException("no validation rows to evaluate");
        }
        for (PeerScores peer : peers) {
            if (peer.size() != validation.size()) {
                throw new IllegalArgumentException("peer " + peer.name() + " scored " + peer.size() + " rows, not the "
                        + validation.size() + " validation rows");
            }
            for (int i = 0; i < validation.size(); i++) {
                ScoredRow r = validation.get(i);
                if (!peer.isRow(i, r.displayId(), r.adId())) {
                    throw new IllegalArgumentException("peer " + peer.name() + "'s row " + i + " is not (display "
                            + r.displayId() + ", ad " + r.adId() + ")");
                }
            }
        }
        int peerCount = peers.size();
        // Group by display, dropping repeated (display, ad) pairs.
        Map<Long, List<ScoredRow>> byDisplay = new LinkedHashMap<>();
        Map<ScoredRow, Integer> rowIndex = new IdentityHashMap<>();
        Map<Long, Set<Long>> adsSeen = new LinkedHashMap<>();
        long duplicates = 0;
        for (int idx = 0; idx < validation.size(); idx++) {
            ScoredRow r = validation.get(idx);
            if (adsSeen.computeIfAbsent(r.displayId(), d -> new HashSet<>()).add(r.adId())) {
                byDisplay.computeIfAbsent(r.displayId(), d -> new ArrayList<>()).add(r);
                rowIndex.put(r, idx);
            } else {
                duplicates++;
            }
        }
        // Displays in time order (then by id), each at its earliest row's time: the order the CTR baseline needs.
        List<Display> displays = new ArrayList<>(byDisplay.size());
        byDisplay.forEach((id, rows) -> displays.add(Display.of(id, rows)));
        displays.sort(Comparator.comparingLong(Display::time).thenComparingLong(Display::id));

        AdCtrBaseline ctrBaseline = new AdCtrBaseline(train, config);
        int n = byDisplay.values().stream().mapToInt(List::size).sum();
        double[] p = new double[n];
        double[] ctr = new double[n];
        double[][] peerRows = new double[peerCount][n];
        double[] apPeers = new double[peerCount];
        int[] y = new int[n];
        int[] rowDay = new int[n];
        long[] rowDisplay = new long[n];
        long[] rowAd = new long[n];
        Accumulator all = new Accumulator();
        Map<Integer, Accumulator> days = new TreeMap<>();
        int i = 0;
        for (Display d : displays) {
            ctrBaseline.advanceTo(d.time());
            int start = i;
            int size = d.rows().size();
            long[] ads = new long[size];
            double[] modelScores = new double[size];
            double[] ctrScores = new double[size];
            double[][] peerScores = new double[peerCount][size];
            List<Long> clicked = new ArrayList<>(1);
            for (ScoredRow r : d.rows()) {
                int k = i - start;
                ads[k] = r.adId();
                modelScores[k] = r.probability();
                ctrScores[k] = ctrBaseline.ctr(r.adId());
                int idx = rowIndex.get(r);
                for (int q = 0; q < peerCount; q++) {
                    peerScores[q][k] = peers.get(q).score(idx);
                    peerRows[q][i] = peerScores[q][k];
                }
                if (r.label() == 1) {
                    clicked.add(r.adId());
                }
                p[i] = r.probability();
                ctr[i] = ctrScores[k];
                y[i] = r.label();
                rowDay[i] = d.day();
                rowDisplay[i] = d.id();
                rowAd[i] = r.adId();
                i++;
            }
            Accumulator day = days.computeIfAbsent(d.day(), k -> new Accumulator());
            day.rows += size;
            all.rows += size;
            day.displays++;
            all.displays++;
            if (clicked.isEmpty()) {
                continue;
            }
            double apModel = RankingMetrics.averagePrecisionAt12(Rankings.rank(d.id(), ads, modelScores), clicked);
            double apCtr = RankingMetrics.averagePrecisionAt12(Rankings.rank(d.id(), ads, ctrScores), clicked);
            double apRandom = expectedRandomAp(size, clicked.size());
            for (int q = 0; q < peerCount; q++) {
                apPeers[q] += RankingMetrics.averagePrecisionAt12(Rankings.rank(d.id(), ads, peerScores[q]), clicked);
            }
            all.add(apModel, apCtr, apRandom);
            day.add(apModel, apCtr, apRandom);
        }

        long clicks = Arrays.stream(y).filter(v -> v == 1).count();
        EvaluationResult.Counts counts = new EvaluationResult.Counts(n, duplicates, all.displays, all.ranked,
                all.displays - all.ranked, clicks, train.size());
        EvaluationResult.MethodScores model = new EvaluationResult.MethodScores("model", all.map(all.apModel),
                RankingMetrics.auc(p, y), RankingMetrics.logloss(p, y));
        EvaluationResult.MethodScores adCtr = new EvaluationResult.MethodScores("ad_ctr", all.map(all.apCtr),
                RankingMetrics.auc(ctr, y), RankingMetrics.logloss(ctr, y));
        EvaluationResult.MethodScores random = new EvaluationResult.MethodScores("random", all.map(all.apRandom),
                0.5, Double.NaN);
        List<EvaluationResult.MethodScores> peerResults = new ArrayList<>();
        for (int q = 0; q < peerCount; q++) {
            PeerScores peer = peers.get(q);
            peerResults.add(new EvaluationResult.MethodScores(peer.name(), all.map(apPeers[q]),
                    RankingMetrics.auc(peerRows[q], y),
                    peer.probabilities() ? RankingMetrics.logloss(peerRows[q], y) : Double.NaN));
        }

        List<EvaluationResult.DayScores> perDay = new ArrayList<>();
        for (Map.Entry<Integer, Accumulator> e : days.entrySet()) {
            int day = e.getKey();
            Accumulator a = e.getValue();
            double[] dp = new double[(int) a.rows];
            int[] dy = new int[(int) a.rows];
            int k = 0;
            for (int j = 0; j < n; j++) {
                if (rowDay[j] == day) {
                    dp[k] = p[j];
                    dy[k++] = y[j];
                }
            }
            perDay.add(new EvaluationResult.DayScores(day, a.displays, a.ranked, a.rows, a.map(a.apModel),
                    a.map(a.apCtr), a.map(a.apRandom), RankingMetrics.auc(dp, dy), RankingMetrics.logloss(dp, dy)));
        }
        return new EvaluationResult(counts, config, model, adCtr, random, calibration(p, y, rowDisplay, rowAd),
                perDay, peerResults, peers.stream().collect(Collectors.toMap(PeerScores::name,
                        PeerScores::details, (a, b) -> a, LinkedHashMap::new)));
    }

    /**
     * The expected AP@12 of a uniformly random order of {@code n} ads of which {@code clicks} were clicked. For one
     * click, {@link RankingMetrics#expectedRandomAp}; in general, by linearity of expectation,
     * {@code Σ_{k ≤ min(n,12)} (1/k) (c/n) (1 + (k−1)(c−1)/(n−1)) / min(c, 12)}: rank k holds a click with
     * probability c/n, and then each of the k−1 ranks above it holds one of the other c−1 with probability
     * (c−1)/(n−1).
     */
    static double expectedRandomAp(int n, int clicks) {
        if (clicks < 1 || clicks > n) {
            throw new IllegalArgumentException(clicks + " clicks among " + n + " ads");
        }
        if (clicks == 1) {
            return RankingMetrics.expectedRandomAp(n);
        }
        double c = clicks;
        double sum = 0;
        for (int k = 1; k <= Math.min(n, RankingMetrics.K); k++) {
            sum += (1.0 / k) * (c / n) * (1 + (k - 1) * (c - 1) / (n - 1));
        }
        return sum / Math.min(clicks, RankingMetrics.K);
    }

    /** Equal-count deciles of the predicted probability (ties in probability ordered by display, then ad). */
    private static EvaluationResult.Calibration calibration(double[] p, int[] y, long[] display, long[] ad) {
        int n = p.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> p[i])
                .thenComparingLong(i -> display[i]).thenComparingLong(i -> ad[i]));
        List<EvaluationResult.CalibrationBin> bins = new ArrayList<>();
        double ece = 0;
        for (int d = 1; d <= DECILES; d++) {
            int from = (int) ((long) (d - 1) * n / DECILES);
            int to = (int) ((long) d * n / DECILES);
            if (to == from) {
                continue;
            }
            double sumP = 0;
            long positives = 0;
            for (int j = from; j < to; j++) {
                sumP += p[order[j]];
                positives += y[order[j]];
            }
            int size = to - from;
            double meanP = sumP / size;
            double observed = (double) positives / size;
            bins.add(new EvaluationResult.CalibrationBin(d, size, meanP, observed, p[order[from]],
                    p[order[to - 1]]));
            ece += (double) size / n * Math.abs(meanP - observed);
        }
        return new EvaluationResult.Calibration(bins, ece);
    }

    /** A display's distinct rows; its time is its earliest row's. */
    private record Display(long id, List<ScoredRow> rows, long time) {

        static Display of(long id, List<ScoredRow> rows) {
            return new Display(id, rows, rows.stream().mapToLong(ScoredRow::timestamp).min().orElseThrow());
        }

        int day() {
            return (int) Math.floorDiv(time, ScoredRow.DAY_MS);
        }
    }

    /** Sums of AP over displays with a click, plus display and row counts. */
    private static final class Accumulator {
        long displays;
        long ranked;
        long rows;
        double apModel;
        double apCtr;
        double apRandom;

        void add(double model, double ctr, double random) {
            ranked++;
            apModel += model;
            apCtr += ctr;
            apRandom += random;
        }

        double map(double sum) {
            return ranked == 0 ? Double.NaN : sum / ranked;
        }
    }
}
