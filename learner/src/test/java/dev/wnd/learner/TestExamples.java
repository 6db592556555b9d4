package dev.wnd.learner;

import dev.wnd.features.spec.CategoricalFeature;
import dev.wnd.features.spec.FeatureGroup;
import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.features.spec.NumericFeature;
import dev.wnd.features.spec.NumericTransform;
import dev.wnd.model.Batch;
import dev.wnd.model.ModelConfig;
import dev.wnd.schemas.avro.Example;
import dev.wnd.schemas.avro.Split;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A tiny feature spec, a tiny model, and deterministic Examples for the learner's tests. Every example carries its
 * sequence number in the numeric feature {@code t} ({@code seq / 8192}, exact in float32), so that a test double
 * can tell which examples a {@link Batch} holds.
 */
final class TestExamples {

    /** The exact scale of the sequence number in the numeric feature {@code t}. */
    static final float SEQ_SCALE = 8192f;

    private TestExamples() {
    }

    /** Three categorical features (two embedded one-hots, a 2-slot multi-hot) and two raw numerics. */
    static FeatureSpec spec() {
        return new FeatureSpec("learner-test-v1", List.of(
                new CategoricalFeature("ad", FeatureGroup.ITEM, 50, 4, 1),
                new CategoricalFeature("user", FeatureGroup.REQUEST, 30, 4, 1),
                new CategoricalFeature("topics", FeatureGroup.REQUEST, 20, 4, 2)),
                List.of(new NumericFeature("x", FeatureGroup.ITEM, NumericTransform.RAW, 0),
                        new NumericFeature("t", FeatureGroup.REQUEST, NumericTransform.RAW, 0)));
    }

    /** One hidden layer of 8, on the CPU. */
    static ModelConfig modelConfig(long seed) {
        return ModelConfig.builder().deepHiddenUnits(List.of(8)).seed(seed).build();
    }

    /**
     * Examples of {@code displays} displays (2 to 5 ads each, exactly one clicked, the click likelier for some ads),
     * in time order; about one display in five is validation. The ads of a display share its timestamp, and
     * consecutive displays are 0 to 2 ms apart, so that timestamps tie across partitions too.
     *
     * @param firstSeq sequence number of the first example (and 1 + the display id base)
     */
    static List<Example> generate(long seed, int displays, int firstSeq, long firstTimestamp, String specHash) {
        Random rng = new Random(seed);
        List<Example> out = new ArrayList<>();
        int seq = firstSeq;
        long time = firstTimestamp;
        for (int d = 0; d < displays; d++) {
            long displayId = 1_000_000L + firstSeq + d;
            Split split = rng.nextInt(5) == 0 ? Split.VALIDATION : Split.TRAIN;
            int ads = 2 + rng.nextInt(4);
            int user = rng.nextInt(30);
            int[] adIds = new int[ads];
            int clicked = 0;
            double best = Double.NEGATIVE_INFINITY;
            for (int a = 0; a < ads; a++) {
                adIds[a] = rng.nextInt(50);
                double score = (adIds[a] % 7) / 7.0 + (user % 3 == adIds[a] % 3 ? 0.5 : 0) + rng.nextGaussian() * 0.3;
                if (score > best) {
                    best = score;
                    clicked = a;
                }
            }
            for (int a = 0; a < ads; a++) {
                List<Integer> categorical = List.of(adIds[a], user, rng.nextInt(3) == 0 ? -1 : rng.nextInt(20),
                        rng.nextInt(20));
                List<Float> numeric = List.of(rng.nextFloat(), seq / SEQ_SCALE);
                out.add(Example.newBuilder().setDisplayId(displayId).setAdId(adIds[a]).setTimestamp(time)
                        .setLabel(a == clicked ? 1 : 0).setSplit(split).setSpecHash(specHash)
                        .setCategorical(categorical).setNumeric(numeric).build());
                seq++;
            }
            time += rng.nextInt(3);
        }
        return out;
    }

    /** The sequence number of an example. */
    static int seq(Example e) {
        return Math.round(e.getNumeric().get(1) * SEQ_SCALE);
    }

    /** The sequence numbers of a batch's rows, in row order. */
    static List<Integer> seqs(Batch batch, int numericCount) {
        List<Integer> out = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            out.add(Math.round(batch.numeric()[i * numericCount + 1] * SEQ_SCALE));
        }
        return out;
    }

    /** How many of {@code examples} have {@code split}. */
    static long count(List<Example> examples, Split split) {
        return examples.stream().filter(e -> e.getSplit() == split).count();
    }
}
