package dev.wnd.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wnd.schemas.avro.Example;
import dev.wnd.schemas.avro.Split;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The GBDT peer on a small planted world of Examples: 4,000 displays of 4 ads each, whose clicks are drawn from the
 * softmax of a planted utility = quality of the ad's bucket (a categorical slot) + 1.5 × a numeric feature; a second
 * numeric feature is noise. The first 3,000 displays are TRAIN, the rest VALIDATION.
 */
class GbdtPeerTest {

    private static final int DISPLAYS = 4_000;
    private static final int ADS = 4;
    private static final int BUCKETS = 40;

    /** A world's Examples in topic order, with each VALIDATION row's true click probability. */
    private record World(List<Example> examples, List<ScoredRow> validation, List<ScoredRow> truth) {
    }

    private static World world(long seed, double bucketWeight, double numericWeight) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] quality = new double[BUCKETS];
        for (int b = 0; b < BUCKETS; b++) {
            quality[b] = bucketWeight * r.nextGaussian();
        }
        List<Example> examples = new ArrayList<>();
        List<ScoredRow> validation = new ArrayList<>();
        List<ScoredRow> truth = new ArrayList<>();
        for (int d = 0; d < DISPLAYS; d++) {
            long time = d * 60_000L;
            int[] bucket = new int[ADS];
            float[] x = new float[ADS];
            double[] p = new double[ADS];
            double total = 0;
            for (int a = 0; a < ADS; a++) {
                bucket[a] = r.nextInt(BUCKETS);
                x[a] = (float) r.nextGaussian();
                p[a] = Math.exp(quality[bucket[a]] + numericWeight * x[a]);
                total += p[a];
            }
            double u = r.nextDouble() * total;
            int clicked = ADS - 1;
            for (int a = 0; a < ADS; a++) {
                u -= p[a];
                if (u < 0) {
                    clicked = a;
                    break;
                }
            }
            Split split = d < DISPLAYS * 3 / 4 ? Split.TRAIN : Split.VALIDATION;
            for (int a = 0; a < ADS; a++) {
                int label = a == clicked ? 1 : 0;
                long adId = d * 10L + a;
                examples.add(Example.newBuilder().setDisplayId(d).setAdId(adId).setTimestamp(time).setLabel(label)
                        .setSplit(split).setSpecHash("test").setCategorical(List.of(bucket[a], -1))
                        .setNumeric(List.of(x[a], (float) r.nextGaussian())).build());
                if (split == Split.VALIDATION) {
                    validation.add(new ScoredRow(d, adId, time, 0.5, label));
                    truth.add(new ScoredRow(d, adId, time, p[a] / total, label));
                }
            }
        }
        return new World(examples, validation, truth);
    }

    private static PeerScores fit(World w, GbdtConfig config) {
        GbdtPeer peer = new GbdtPeer(config, List.of("x", "noise"), List.of("ad_bucket", "empty"));
        w.examples().forEach(peer::accept);
        return peer.fit();
    }

    private static double map12(World w, PeerScores peer) {
        return Evaluator.evaluate(w.validation(), List.of(), List.of(peer), EvaluatorConfig.defaults())
                .peer(peer.name()).orElseThrow().map12();
    }

    @Test
    void shouldLearnThePlantedClickModelFromTheTrainExamplesAndScoreEveryValidationExample() {
        World w = world(1, 1.0, 1.5);

        PeerScores peer = fit(w, GbdtConfig.defaults());

        assertThat(peer.name()).isEqualTo(GbdtPeer.NAME);
        assertThat(peer.size()).isEqualTo(w.validation().size());
        assertThat(peer.probabilities()).isTrue();
        EvaluationResult r = Evaluator.evaluate(w.validation(), List.of(), List.of(peer), EvaluatorConfig.defaults());
        double optimum = Evaluator.evaluate(w.truth(), List.of(), EvaluatorConfig.defaults()).model().map12();
        double random = r.random().map12();
        double gbdt = r.peer("gbdt").orElseThrow().map12();
        assertThat((gbdt - random) / (optimum - random)).as("normalized MAP@12 of the peer").isGreaterThan(0.8);
        assertThat(r.peer("gbdt").orElseThrow().auc()).isGreaterThan(0.7);
        assertThat(peer.details()).containsKeys("rounds", "train_rows", "holdout_rows", "top_features_by_gain")
                .containsEntry("train_rows", 12_000).containsEntry("features", 4);
        assertThat(peer.details().get("top_features_by_gain").toString()).contains("x").contains("ad_bucket");
    }

    @Test
    void shouldUseTheCategoricalSlotsAsCodesOrLeaveThemOut() {
        World w = world(2, 1.5, 0.0);

        double codes = map12(w, fit(w, GbdtConfig.defaults()));
        double none = map12(w, fit(w, GbdtConfig.defaults().withCategorical(GbdtConfig.Categorical.NONE)));

        assertThat(codes).as("the click depends on the bucket only").isGreaterThan(none + 0.05);
    }

    @Test
    void shouldRankTheAdsOfADisplayWithARankingObjective() {
        World w = world(3, 1.0, 1.5);

        PeerScores peer = fit(w, GbdtConfig.defaults().withObjective("rank:pairwise"));

        assertThat(peer.probabilities()).isFalse();
        EvaluationResult r = Evaluator.evaluate(w.validation(), List.of(), List.of(peer), EvaluatorConfig.defaults());
        assertThat(r.peer("gbdt").orElseThrow().map12()).isGreaterThan(r.random().map12() + 0.1);
        assertThat(r.peer("gbdt").orElseThrow().logloss()).isNaN();
    }

    @Test
    void shouldBeDeterministicForAConfigAndAnInputOrder() {
        World w = world(4, 1.0, 1.0);

        PeerScores a = fit(w, GbdtConfig.defaults());
        PeerScores b = fit(w, GbdtConfig.defaults());

        for (int i = 0; i < a.size(); i++) {
            assertThat(a.score(i)).isEqualTo(b.score(i));
        }
    }

    @Test
    void shouldNameTheGbdtInTheReportsJsonBesideTheModelAndTheBaselines() throws Exception {
        World w = world(5, 1.0, 1.5);
        PeerScores peer = fit(w, GbdtConfig.defaults());
        EvaluationResult r = Evaluator.evaluate(w.validation(), List.of(), List.of(peer), EvaluatorConfig.defaults());

        JsonNode json = new ObjectMapper().readTree(r.toJson());

        assertThat(json.at("/methods/gbdt/map12").asDouble()).isEqualTo(r.peer("gbdt").orElseThrow().map12());
        assertThat(json.get("methods").fieldNames()).toIterable().containsExactly("model", "gbdt", "ad_ctr",
                "random");
        assertThat(json.at("/peers/gbdt/rounds").asInt()).isPositive();
    }

    @Test
    void shouldRefusePeerScoresThatAreNotTheValidationRows() {
        World w = world(6, 1.0, 1.0);
        PeerScores peer = fit(w, GbdtConfig.defaults());
        List<ScoredRow> shuffled = new ArrayList<>(w.validation());
        java.util.Collections.swap(shuffled, 0, 5);

        assertThatThrownBy(() -> Evaluator.evaluate(shuffled, List.of(), List.of(peer), EvaluatorConfig.defaults()))
                .hasMessageContaining("row 0");
        assertThatThrownBy(() -> new PeerScores("model", new long[0], new long[0], new double[0], true, Map.of()))
                .hasMessageContaining("model");
    }

    @Test
    void shouldKeepAUniformSampleOfTheTrainExamplesBeyondItsLimit() {
        World w = world(7, 1.0, 1.5);
        GbdtConfig d = GbdtConfig.defaults();
        GbdtConfig small = new GbdtConfig(d.categorical(), d.objective(), d.maxRounds(), d.earlyStoppingRounds(),
                d.holdoutFraction(), d.eta(), d.maxDepth(), d.minChildWeight(), d.subsample(), d.colsampleByTree(),
                2_000, d.threads(), d.seed());

        PeerScores peer = fit(w, small);

        assertThat(peer.details()).containsEntry("train_rows", 2_000).containsEntry("train_examples", 12_000L);
        assertThat(map12(w, peer)).isGreaterThan(Evaluator.evaluate(w.validation(), List.of(),
                EvaluatorConfig.defaults()).random().map12() + 0.1);
    }
}
