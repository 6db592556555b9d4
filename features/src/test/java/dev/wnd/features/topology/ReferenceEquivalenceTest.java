package dev.wnd.features.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wnd.features.reference.BatchReference;
import dev.wnd.features.reference.SyntheticStream;
import dev.wnd.features.spec.CategoricalFeature;
import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.features.spec.NumericFeature;
import dev.wnd.features.state.UserState;
import dev.wnd.schemas.avro.Example;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The streaming topology against the batch reference: the same generated stream, piped in its global order through
 * a {@link org.apache.kafka.streams.TopologyTestDriver} (one partition), and replayed by
 * {@link BatchReference}, must give the same Examples ({@link ExampleComparison}: equal ids, labels and splits,
 * numerics within 1e-6).
 */
class ReferenceEquivalenceTest {

    private final FeatureSpec spec = FeatureSpec.standard();

    @TempDir
    Path stateDir;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1L, 2L})
    void shouldEmitExactlyTheReferencesExamplesForAGeneratedStream(long seed) {
        List<SpecificRecord> stream = SyntheticStream.generate(seed, SyntheticStream.Shape.small());
        // The topology bounds user state, the reference does not: they agree while no user reaches the bound.
        assertThat(SyntheticStream.maxDocumentsPerUser(stream)).isLessThan(UserState.MAX_DOCUMENTS);
        List<Example> expected = new BatchReference(spec, FeaturesDriver.SPLIT_SEED).run(stream);
        List<Example> actual;
        try (FeaturesDriver driver = new FeaturesDriver(spec, stateDir.resolve("seed-" + seed))) {
            driver.pipeAll(stream);
            actual = driver.examples();
        }

        assertThat(expected).hasSizeGreaterThan(2_000);
        assertThat(actual).extracting(e -> e.getDisplayId() + "/" + e.getAdId())
                .containsExactlyElementsOf(expected.stream().map(e -> e.getDisplayId() + "/" + e.getAdId()).toList());
        ExampleComparison comparison = new ExampleComparison(spec);
        List<String> differences = new ArrayList<>();
        for (int i = 0; i < expected.size(); i++) {
            differences.addAll(comparison.differences(expected.get(i), actual.get(i)));
        }
        assertThat(differences).as("features that differ from the reference").isEmpty();
        assertEveryFeatureIsExercised(expected);
    }

    /** Equality must not be trivial: every feature takes more than one value somewhere in the stream. */
    private void assertEveryFeatureIsExercised(List<Example> examples) {
        List<String> constant = new ArrayList<>();
        for (int f = 0; f < spec.categorical().size(); f++) {
            CategoricalFeature feature = spec.categorical().get(f);
            Set<Integer> values = new HashSet<>();
            for (Example e : examples) {
                for (int s = 0; s < feature.slots(); s++) {
                    values.add(e.getCategorical().get(spec.slotOffset(f) + s));
                }
            }
            if (values.size() < 2) {
                constant.add(feature.name());
            }
        }
        for (int f = 0; f < spec.numericCount(); f++) {
            NumericFeature feature = spec.numeric().get(f);
            Set<Float> values = new HashSet<>();
            for (Example e : examples) {
                values.add(e.getNumeric().get(f));
            }
            if (values.size() < 2) {
                constant.add(feature.name());
            }
        }
        assertThat(constant).as("features with a single value over the whole stream").isEmpty();
    }
}
