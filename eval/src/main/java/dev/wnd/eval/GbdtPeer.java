package dev.wnd.eval;

import dev.wnd.schemas.avro.Example;
import dev.wnd.schemas.avro.Split;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * The GBDT peer: gradient-boosted trees (XGBoost, on the CPU) trained on the same point-in-time Examples as the
 * learner and scored on the same VALIDATION examples as the model, so that the report says how the Wide &amp; Deep
 * model does against the usual strong baseline for tabular click data, on exactly its inputs.
 *
 * <p>Use: pass it to {@link ExamplesTopicReader#read(ExamplesTopicReader.ExampleScorer,
 * ExamplesTopicReader.ExampleSink)} (or {@link #accept} every Example in topic order), then {@link #fit()} once.
 * It keeps every TRAIN example's features (a uniform sample of {@link GbdtConfig#maxTrainRows()} beyond that) and
 * every VALIDATION example's, in memory: about 4 bytes per feature column per example.
 *
 * <p>Features: the Example's numeric features as they are, and, with {@link GbdtConfig.Categorical#CODES}, every
 * categorical slot as a number (the hashed bucket; an empty slot missing). Trees split on ranges of those codes,
 * which for a hashed id groups ids arbitrarily but lets frequent ids be cut out one by one;
 * {@link GbdtConfig.Categorical#NONE} leaves them out.
 *
 * <p>Training: the TRAIN examples in time order; the most recent {@link GbdtConfig#holdoutFraction()} of them
 * choose the number of rounds (early stopping on their logloss), then the trees are refitted on all TRAIN examples
 * with that many rounds. Deterministic for a config and an input order. Not thread-safe.
 */
public final class GbdtPeer implements ExamplesTopicReader.ExampleSink {

    /** The peer's key in the JSON report and in {@link EvaluationResult#methods()}. */
    public static final String NAME = "gbdt";

    /** Rounds when a holdout was asked for but the TRAIN examples are too few to hold any out. */
    static final int FALLBACK_ROUNDS = 100;

    private final GbdtConfig config;
    private final List<String> numericNames;
    private final List<String> slotNames;
    private final SplittableRandom sampler;

    private int numeric = -1;
    private int slots = -1;
    private int width;
    private Rows trainX;
    private float[] trainY = new float[1024];
    private long[] trainTime = new long[1024];
    private long[] trainDisplay = new long[1024];
    private long trainSeen;
    private Rows validX;
    private long[] validDisplay = new long[1024];
    private long[] validAd = new long[1024];
    private boolean fitted;

    /**
     * @param config how to train
     * @param numericNames the numeric features' names, in Example order (used in the report's feature importance);
     *     empty for generic names
     * @param slotNames the categorical slots' names, in Example order; empty for generic names
     */
    public GbdtPeer(GbdtConfig config, List<String> numericNames, List<String> slotNames) {
        this.config = Objects.requireNonNull(config, "config");
        this.numericNames = List.copyOf(numericNames);
        this.slotNames = List.copyOf(slotNames);
        this.sampler = new SplittableRandom(config.seed());
    }

    /** A peer with generic feature names. */
    public GbdtPeer(GbdtConfig config) {
        this(config, List.of(), List.of());
    }

    /**
     * Takes one Example of either split.
     *
     * @throws IllegalArgumentException if its layout differs from the first Example's
     */
    @Override
    public void accept(Example e) {
        if (fitted) {
            throw new IllegalStateException("already fitted");
        }
        List<Float> num = e.getNumeric();
        List<Integer> cat = e.getCategorical();
        if (numeric < 0) {
            numeric = num.size();
            slots = cat.size();
            width = numeric + (config.categorical() == GbdtConfig.Categorical.CODES ? slots : 0);
            trainX = new Rows(width);
            validX = new Rows(width);
        } else if (num.size() != numeric || cat.size() != slots) {
            throw new IllegalArgumentException("example of display " + e.getDisplayId() + " has " + num.size()
                    + " numeric and " + cat.size() + " categorical values, the first had " + numeric + " and "
                    + slots);
        }
        if (e.getSplit() == Split.VALIDATION) {
            int i = validX.rows;
            int offset = validX.append();
            fill(validX.data, offset, num, cat);
            validDisplay = ensure(validDisplay, i);
            validAd = ensure(validAd, i);
            validDisplay[i] = e.getDisplayId();
            validAd[i] = e.getAdId();
            return;
        }
        trainSeen++;
        int i;
        if (trainX.rows < config.maxTrainRows()) {
            i = trainX.rows;
            trainX.append();
            trainY = ensure(trainY, i);
            trainTime = ensure(trainTime, i);
            trainDisplay = ensure(trainDisplay, i);
        } else {
            long j = sampler.nextLong(trainSeen);
            if (j >= config.maxTrainRows()) {
                return;
            }
            i = (int) j;
        }
        fill(trainX.data, trainX.row(i), num, cat);
        trainY[i] = e.getLabel();
        trainTime[i] = e.getTimestamp();
        trainDisplay[i] = e.getDisplayId();
    }

    private void fill(float[] data, int offset, List<Float> num, List<Integer> cat) {
        for (int k = 0; k < numeric; k++) {
            Float v = num.get(k);
            data[offset + k] = v == null ? Float.NaN : v;
        }
        if (width > numeric) {
            for (int k = 0; k < slots; k++) {
                Integer bucket = cat.get(k);
                data[offset + numeric + k] = bucket == null || bucket < 0 ? Float.NaN : bucket;
            }
        }
    }

    /**
     * Loads XGBoost's native library now, so that a machine without it fails before an evaluation's long replay.
     *
     * @throws IllegalStateException naming the cause when it cannot load
     */
    public static void checkNativeLibrary() {
        try {
            new DMatrix(new float[] {1f, 2f}, 2, 1, Float.NaN).dispose();
        } catch (XGBoostError | LinkageError e) {
            throw new IllegalStateException("the GBDT peer needs XGBoost's native library, which could not load "
                    + "(on Linux it needs the system's libgomp.so.1): " + e, e);
        }
    }

    /** How many TRAIN examples were taken (all of them, sampled or not). */
    public long trainExamplesSeen() {
        return trainSeen;
    }

    /**
     * Trains the trees and scores every VALIDATION example taken, in the order taken.
     *
     * @throws IllegalStateException without TRAIN or VALIDATION examples, or when XGBoost fails (its native library
     *     cannot load, say)
     */
    public PeerScores fit() {
        if (fitted) {
            throw new IllegalStateException("already fitted");
        }
        fitted = true;
        if (trainX == null || trainX.rows == 0 || validX.rows == 0) {
            throw new IllegalStateException("the GBDT peer needs TRAIN and VALIDATION examples");
        }
        long start = System.nanoTime();
        try {
            return train(start);
        } catch (XGBoostError | LinkageError e) {
            throw new IllegalStateException("XGBoost failed: " + e, e);
        }
    }

    private PeerScores train(long start) throws XGBoostError {
        int n = trainX.rows;
        Integer[] boxed = new Integer[n];
        for (int i = 0; i < n; i++) {
            boxed[i] = i;
        }
        Arrays.sort(boxed, Comparator.<Integer>comparingLong(i -> trainTime[i]).thenComparingLong(i -> trainDisplay[i])
                .thenComparingInt(i -> i));
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = boxed[i];
        }
        int cut = (int) Math.round(n * (1 - config.holdoutFraction()));
        while (cut > 0 && cut < n && trainDisplay[order[cut]] == trainDisplay[order[cut - 1]]) {
            cut++; // a display stays on one side
        }
        String[] names = featureNames();
        Map<String, Object> params = params();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("library", "XGBoost " + version());
        details.put("objective", config.objective());
        details.put("categorical", config.categorical().name().toLowerCase(Locale.ROOT));
        details.put("features", width);
        details.put("train_examples", trainSeen);
        details.put("train_rows", n);

        // Without a holdout (or with too few rows for one): a moderate fixed number of rounds.
        int rounds = config.holdoutFraction() > 0 ? Math.min(config.maxRounds(), FALLBACK_ROUNDS)
                : config.maxRounds();
        if (config.holdoutFraction() > 0 && cut >= 10 && n - cut >= 10) {
            DMatrix fit = matrix(order, 0, cut, names);
            DMatrix holdout = matrix(order, cut, n, names);
            Booster booster = XGBoost.train(fit, params, 0, new HashMap<>(), null, null);
            double best = Double.NaN;
            int bestRound = 0;
            boolean higherIsBetter = config.ranking();
            for (int round = 0; round < config.maxRounds(); round++) {
                booster.update(fit, round);
                double metric = lastNumber(booster.evalSet(new DMatrix[] {holdout}, new String[] {"holdout"},
                        round));
                if (Double.isNaN(best) || (higherIsBetter ? metric > best : metric < best)) {
                    best = metric;
                    bestRound = round;
                } else if (round - bestRound >= config.earlyStoppingRounds()) {
                    break;
                }
            }
            rounds = bestRound + 1;
            details.put("holdout_rows", n - cut);
            details.put("holdout_" + params.get("eval_metric"), best);
            booster.dispose();
            fit.dispose();
            holdout.dispose();
        }
        details.put("rounds", rounds);

        DMatrix all = matrix(order, 0, n, names);
        Booster booster = XGBoost.train(all, params, rounds, new HashMap<>(), null, null);
        all.dispose();
        DMatrix valid = new DMatrix(validX.data.length == validX.rows * width ? validX.data
                : Arrays.copyOf(validX.data, validX.rows * width), validX.rows, width, Float.NaN);
        valid.setFeatureNames(names);
        float[][] predicted = booster.predict(valid);
        valid.dispose();
        details.put("top_features_by_gain", topFeatures(booster, names, 10));
        booster.dispose();

        double[] scores = new double[predicted.length];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = predicted[i][0];
        }
        details.put("seconds", Math.round((System.nanoTime() - start) / 1e7) / 100.0);
        return new PeerScores(NAME, Arrays.copyOf(validDisplay, validX.rows), Arrays.copyOf(validAd, validX.rows),
                scores, !config.ranking(), details);
    }

    private Map<String, Object> params() {
        Map<String, Object> p = new HashMap<>();
        p.put("objective", config.objective());
        p.put("eval_metric", config.ranking() ? "map@12" : "logloss");
        p.put("tree_method", "hist");
        p.put("eta", config.eta());
        p.put("max_depth", config.maxDepth());
        p.put("min_child_weight", config.minChildWeight());
        p.put("subsample", config.subsample());
        p.put("colsample_bytree", config.colsampleByTree());
        p.put("nthread", config.threads() > 0 ? config.threads() : Runtime.getRuntime().availableProcessors());
        p.put("seed", config.seed());
        p.put("verbosity", 0);
        return p;
    }

    /** Rows {@code order[from..to)} of the TRAIN sample, with labels (and display groups for a ranking). */
    private DMatrix matrix(int[] order, int from, int to, String[] names) throws XGBoostError {
        int rows = to - from;
        float[] data = new float[rows * width];
        float[] labels = new float[rows];
        List<Integer> groups = new ArrayList<>();
        for (int k = 0; k < rows; k++) {
            int i = order[from + k];
            System.arraycopy(trainX.data, i * width, data, k * width, width);
            labels[k] = trainY[i];
            if (k == 0 || trainDisplay[i] != trainDisplay[order[from + k - 1]]) {
                groups.add(1);
            } else {
                groups.set(groups.size() - 1, groups.get(groups.size() - 1) + 1);
            }
        }
        DMatrix m = new DMatrix(data, rows, width, Float.NaN);
        m.setLabel(labels);
        m.setFeatureNames(names);
        if (config.ranking()) {
            m.setGroup(groups.stream().mapToInt(Integer::intValue).toArray());
        }
        return m;
    }

    private String[] featureNames() {
        String[] names = new String[width];
        for (int i = 0; i < numeric; i++) {
            names[i] = safe(i < numericNames.size() ? numericNames.get(i) : "numeric_" + i);
        }
        for (int j = 0; j < width - numeric; j++) {
            names[numeric + j] = safe(j < slotNames.size() ? slotNames.get(j) : "categorical_" + j);
        }
        return names;
    }

    /** XGBoost refuses '[', ']' and '<' in feature names. */
    private static String safe(String name) {
        return name.replace('[', '_').replace(']', '_').replace('<', '_');
    }

    private static List<Map<String, Object>> topFeatures(Booster booster, String[] names, int k)
            throws XGBoostError {
        Map<String, Double> gain = booster.getScore(names, "total_gain"); // a null array crashes the JVM
        double total = gain.values().stream().mapToDouble(Double::doubleValue).sum();
        List<Map<String, Object>> out = new ArrayList<>();
        gain.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(k)
                .forEach(e -> {
                    Map<String, Object> f = new LinkedHashMap<>();
                    f.put("feature", e.getKey());
                    f.put("share_of_gain", Math.round(e.getValue() / total * 1000) / 1000.0);
                    out.add(f);
                });
        return out;
    }

    /** The last number of an evaluation line such as {@code [12]\tholdout-logloss:0.41234}. */
    static double lastNumber(String line) {
        int colon = line.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalStateException("unexpected XGBoost evaluation line: " + line);
        }
        return Double.parseDouble(line.substring(colon + 1).trim());
    }

    private static String version() {
        Package p = XGBoost.class.getPackage();
        String v = p == null ? null : p.getImplementationVersion();
        if (v != null) {
            return v;
        }
        try (var in = XGBoost.class.getResourceAsStream("/xgboost4j-version.properties")) {
            if (in != null) {
                java.util.Properties props = new java.util.Properties();
                props.load(in);
                return props.getProperty("version", "?");
            }
        } catch (java.io.IOException ignored) {
            // the version is only for the record
        }
        return "?";
    }

    private static float[] ensure(float[] a, int index) {
        return index < a.length ? a : Arrays.copyOf(a, Math.max(index + 1, a.length * 2));
    }

    private static long[] ensure(long[] a, int index) {
        return index < a.length ? a : Arrays.copyOf(a, Math.max(index + 1, a.length * 2));
    }

    /** A growable row-major float matrix. */
    private static final class Rows {
        final int width;
        float[] data;
        int rows;

        Rows(int width) {
            this.width = width;
            this.data = new float[Math.max(1, width) * 1024];
        }

        /** Adds a row and returns its offset. */
        int append() {
            long need = (long) (rows + 1) * width;
            if (need > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("too many rows for the GBDT peer; lower maxTrainRows");
            }
            if (need > data.length) {
                data = Arrays.copyOf(data, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(need, 2L * data.length)));
            }
            return rows++ * width;
        }

        int row(int i) {
            return i * width;
        }
    }
}
