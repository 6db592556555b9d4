package dev.wnd.bench.model;

import dev.wnd.features.spec.CategoricalFeature;
import dev.wnd.features.spec.FeatureGroup;
import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.model.Batch;
import dev.wnd.model.ModelConfig;
import dev.wnd.model.WideDeepPredictor;
import dev.wnd.model.WideDeepTrainer;
import dev.wnd.model.checkpoint.CheckpointStore;
import dev.wnd.model.checkpoint.LoadedCheckpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The scorer's forward passes with the MLP on the host ({@code HostMlp}, through {@link WideDeepPredictor}) against
 * libtorch's ({@link WideDeepTrainer#predict}), same parameters, same batches, in one JVM. A batch is what the
 * scorer's passes hold: 1 or 2 requests of 2 to 12 ads, each ad's row repeating its request's slots, buckets random
 * over each feature's range. Rounds alternate the two ways; prints the mean time per pass of each and their ratio.
 *
 * <p>Usage: {@code HostMlpBenchmark [hiddenUnits [rounds [passes]]]} (defaults {@code 256,256,256}, 12, 2000), with
 * {@code --add-modules jdk.incubator.vector} (else both ways are libtorch's and the ratio is ~1),
 * {@code DJL_OFFLINE=true PYTORCH_FLAVOR=cpu} and {@code -Dai.djl.pytorch.num_threads=1} as {@code ./wnd} runs the
 * scorer.
 */
public final class HostMlpBenchmark {

    private HostMlpBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        List<Integer> hidden = new ArrayList<>();
        for (String units : (args.length > 0 ? args[0] : "256,256,256").split(",")) {
            hidden.add(Integer.parseInt(units.trim()));
        }
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 12;
        int passes = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
        FeatureSpec spec = FeatureSpec.seed();
        ModelConfig config = ModelConfig.defaults().toBuilder().deepHiddenUnits(hidden).build();
        SplittableRandom random = new SplittableRandom(1);
        Batch[] batches = new Batch[passes];
        long rows = 0;
        for (int i = 0; i < passes; i++) {
            batches[i] = scorerPass(spec, random);
            rows += batches[i].size();
        }
        Path dir = Files.createTempDirectory("host-mlp-bench");
        try (WideDeepTrainer trainer = WideDeepTrainer.create(spec, config)) {
            CheckpointStore store = new CheckpointStore(dir, 1);
            store.save(trainer, Map.of(), Instant.EPOCH);
            LoadedCheckpoint checkpoint = store.loadNewestValid().orElseThrow();
            try (WideDeepPredictor predictor = WideDeepPredictor.load(spec, config, checkpoint.version(),
                    checkpoint.parameters())) {
                System.out.printf("MLP %s, %d passes of %.1f rows on average, host MLP %s%n", hidden, passes,
                        (double) rows / passes, predictor.computesOnHost() ? "on" : "OFF (no vector module)");
                double worst = 0;
                for (Batch b : batches) {
                    float[] host = predictor.predict(b);
                    float[] libtorch = trainer.predict(b);
                    for (int i = 0; i < host.length; i++) {
                        worst = Math.max(worst, Math.abs(host[i] - libtorch[i]));
                    }
                }
                System.out.printf("largest difference in probability: %.2e%n", worst);
                double[] ratios = new double[rounds];
                for (int round = 0; round < rounds; round++) {
                    long start = System.nanoTime();
                    for (Batch b : batches) {
                        trainer.predict(b);
                    }
                    long mid = System.nanoTime();
                    for (Batch b : batches) {
                        predictor.predict(b);
                    }
                    long end = System.nanoTime();
                    double torch = (mid - start) / 1e3 / passes;
                    double host = (end - mid) / 1e3 / passes;
                    ratios[round] = host / torch;
                    System.out.printf("round %2d: libtorch %6.1f us/pass, host %6.1f us/pass, ratio %.2f%n", round,
                            torch, host, ratios[round]);
                }
                Arrays.sort(ratios);
                System.out.printf("ratio host/libtorch: median %.2f, range %.2f-%.2f%n", ratios[rounds / 2],
                        ratios[0], ratios[rounds - 1]);
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** 1 or 2 requests of 2 to 12 ads; each ad's row repeats its request's slots. */
    static Batch scorerPass(FeatureSpec spec, SplittableRandom random) {
        List<CategoricalFeature> features = spec.categorical();
        int slots = spec.categoricalSlots();
        int requests = 1 + random.nextInt(2);
        int[] ads = new int[requests];
        int n = 0;
        for (int q = 0; q < requests; q++) {
            ads[q] = 2 + random.nextInt(11);
            n += ads[q];
        }
        int[] cat = new int[n * slots];
        float[] num = new float[n * spec.numericCount()];
        int row = 0;
        for (int q = 0; q < requests; q++) {
            int first = row;
            for (int a = 0; a < ads[q]; a++, row++) {
                for (int f = 0; f < features.size(); f++) {
                    CategoricalFeature feature = features.get(f);
                    for (int s = 0; s < feature.slots(); s++) {
                        int at = spec.slotOffset(f) + s;
                        boolean request = feature.group() == FeatureGroup.REQUEST;
                        cat[row * slots + at] = request && a > 0 ? cat[first * slots + at]
                                : s > 0 && random.nextInt(3) == 0 ? -1 : random.nextInt(feature.buckets());
                    }
                }
                for (int k = 0; k < spec.numericCount(); k++) {
                    num[row * spec.numericCount() + k] = (float) random.nextDouble();
                }
            }
        }
        return new Batch(n, cat, num, null);
    }
}
