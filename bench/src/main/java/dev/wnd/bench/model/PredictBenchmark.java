package dev.wnd.bench.model;

import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.model.Batch;
import dev.wnd.model.ModelConfig;
import dev.wnd.model.WideDeepTrainer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * What one forward pass costs by the number of rows in it: the scorer's question of whether scoring several
 * requests together pays. Passes of 1, 7, 14, 28, 56, 112 and 224 rows through {@link WideDeepTrainer#predict}
 * on an untrained model of the seed spec, the sizes interleaved round after round so that other load on the
 * machine hits every size alike; prints the fastest and the median pass of each size.
 *
 * <p>Usage: {@code PredictBenchmark [hiddenUnits [rounds]]} (defaults {@code 1024,1024,1024,1024,1024} and 40),
 * with {@code DJL_OFFLINE=true PYTORCH_FLAVOR=cpu} and {@code -Dai.djl.pytorch.num_threads=1} as {@code ./wnd}
 * runs libtorch.
 */
public final class PredictBenchmark {

    private static final int[] ROWS = {1, 7, 14, 28, 56, 112, 224};

    private PredictBenchmark() {
    }

    public static void main(String[] args) {
        List<Integer> hidden = new ArrayList<>();
        for (String units : (args.length > 0 ? args[0] : "1024,1024,1024,1024,1024").split(",")) {
            hidden.add(Integer.parseInt(units.trim()));
        }
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        FeatureSpec spec = FeatureSpec.seed();
        ModelConfig config = ModelConfig.defaults().toBuilder().deepHiddenUnits(hidden).build();
        Random random = new Random(1);
        Batch[] batches = new Batch[ROWS.length];
        for (int k = 0; k < ROWS.length; k++) {
            int[] categorical = new int[ROWS[k] * spec.categoricalSlots()];
            for (int i = 0; i < categorical.length; i++) {
                categorical[i] = random.nextInt(2); // valid in every slot, the smallest has 2 buckets
            }
            batches[k] = new Batch(ROWS[k], categorical, new float[ROWS[k] * spec.numericCount()], null);
        }
        long[][] nanos = new long[ROWS.length][rounds];
        try (WideDeepTrainer model = WideDeepTrainer.create(spec, config)) {
            for (int warmup = 0; warmup < 3; warmup++) {
                for (Batch b : batches) {
                    model.predict(b);
                }
            }
            for (int round = 0; round < rounds; round++) {
                for (int k = 0; k < ROWS.length; k++) {
                    long start = System.nanoTime();
                    model.predict(batches[k]);
                    nanos[k][round] = System.nanoTime() - start;
                }
            }
        }
        System.out.printf("MLP %s, %d rounds%n", hidden, rounds);
        for (int k = 0; k < ROWS.length; k++) {
            Arrays.sort(nanos[k]);
            double fastest = nanos[k][0] / 1e6;
            System.out.printf("rows %4d  fastest %7.2f ms (%.3f ms/row)  median %7.2f ms%n", ROWS[k], fastest,
                    fastest / ROWS[k], nanos[k][rounds / 2] / 1e6);
        }
    }
}
