package dev.wnd.features.fn;

import dev.wnd.features.spec.EventTime;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class FeatureFunctionsTest {

    @Test
    void shouldKeepEveryHashedBucketInRange() {
        Random random = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            int buckets = 1 + random.nextInt(300_000);
            assertThat(FeatureFunctions.bucket("f", random.nextLong(), buckets)).isBetween(0, buckets - 1);
            assertThat(FeatureFunctions.bucket("f", Long.toHexString(random.nextLong()), buckets))
                    .isBetween(0, buckets - 1);
        }
    }

    @Test
    void shouldSplitGeoLocationsIntoCountryAndState() {
        assertThat(FeatureFunctions.country("US>CA>807")).isEqualTo("US");
        assertThat(FeatureFunctions.countryState("US>CA>807")).isEqualTo("US>CA");
        assertThat(FeatureFunctions.state("US>CA>807")).isEqualTo("CA");
        assertThat(FeatureFunctions.state("SG>00")).isEqualTo("00");
        assertThat(FeatureFunctions.state("US")).isNull();
        assertThat(FeatureFunctions.country(null)).isNull();
        assertThat(FeatureFunctions.geoHash(null)).isZero();
        assertThat(FeatureFunctions.geoHash("US>CA>807")).isNotZero();
    }

    @Test
    void shouldTruncateTheEventToSecondsBeforeCountingWholeDaysSincePublished() {
        long event = 10_000L;                                    // 9.998 s past a whole second, absolute
        long eventSecond = (EventTime.EPOCH_BASE_MS + event) / 1000 * 1000;
        long day = FeatureFunctions.DAY_MS;
        assertThat(FeatureFunctions.daysSincePublished(eventSecond - 2 * day, event)).isEqualTo(2);
        // Published 0.5 s into the event's second: 2 days before the event's milliseconds, but not before the
        // whole second the seed keeps.
        assertThat(FeatureFunctions.daysSincePublished(eventSecond - 2 * day + 500, event)).isEqualTo(1);
        assertThat(FeatureFunctions.daysSincePublished(null, event)).isEqualTo(-1);
        assertThat(FeatureFunctions.daysSincePublished(eventSecond + day, event)).as("in the future").isEqualTo(-1);
        assertThat(FeatureFunctions.daysSincePublished(eventSecond - 3651 * day, event)).isEqualTo(-1);
    }

    @Test
    void shouldGiveSourcesWithoutPublisherTheirOwnNegativePublisherKey() {
        assertThat(FeatureFunctions.publisherKey(5L, 9L)).isEqualTo(5L);
        assertThat(FeatureFunctions.publisherKey(null, 9L)).isEqualTo(-10L);
        assertThat(FeatureFunctions.publisherKey(null, 0L)).isEqualTo(-1L);
    }

    @Test
    void shouldSaturateTheCtrConfidenceAtOneHundredThousandViewsPerAd() {
        double log2Saturation = Math.log(100_001) / Math.log(2);
        assertThat(FeatureFunctions.ctrConfidence(20, 2, 0.5, 10)).isCloseTo(Math.log(11) / log2Saturation * 0.5,
                within(1e-12));
        assertThat(FeatureFunctions.ctrConfidence(200_000, 2, 1, 10)).isEqualTo(1.0);
        assertThat(FeatureFunctions.ctrConfidence(10, 1, 1, 10)).isZero();
        assertThat(FeatureFunctions.ctr(3, 12, 10)).isEqualTo(0.25);
        assertThat(FeatureFunctions.ctr(3, 10, 10)).isZero();
    }

    @Test
    void shouldAverageAspectCtrsWeightedByCtrAndDocumentConfidence() {
        Estimate e = FeatureFunctions.weightedPopularity(new double[] {0.1, 0.4}, new double[] {0.5, 0.25},
                new double[] {0.2, 0.8});
        // weights 0.1 and 0.2
        assertThat(e.value()).isCloseTo((0.1 * 0.1 + 0.4 * 0.2) / 0.3, within(1e-12));
        assertThat(e.confidence()).isCloseTo(0.2, within(1e-12));
        assertThat(FeatureFunctions.weightedPopularity(new double[0], new double[0], new double[0])).isNull();
        assertThat(FeatureFunctions.weightedPopularity(new double[] {0.5}, new double[] {0.0}, new double[] {1.0}))
                .isNull();
    }

    @Test
    void shouldComputeTheSeedsCosineAndItsRandomOverlapConfidence() {
        Estimate shared = FeatureFunctions.similarity(new long[] {1, 2}, new double[] {1, 1}, new long[] {2, 3},
                new double[] {2, 0}, 10);
        assertThat(shared.value()).isCloseTo(2 / (Math.sqrt(2) * 2), within(1e-12));
        // k = 1 shared aspect of a = 2 and b = 2 among V = 10: err = (2/10)(2/10)
        assertThat(shared.confidence()).isCloseTo(1 - 0.04, within(1e-12));
        Estimate disjoint = FeatureFunctions.similarity(new long[] {1}, new double[] {1}, new long[] {3},
                new double[] {1}, 10);
        assertThat(disjoint.value()).isZero();
        // No shared aspect: err = 1 - (1/10)(1/10)
        assertThat(disjoint.confidence()).isCloseTo(0.01, within(1e-12));
        assertThat(FeatureFunctions.similarity(new long[0], new double[0], new long[] {3}, new double[] {1}, 10))
                .isNull();
        assertThat(FeatureFunctions.similarity(new long[] {1}, new double[] {0}, new long[] {1}, new double[] {1}, 10))
                .as("a zero vector has no direction").isNull();
    }

    @Test
    void shouldTakeTheLogarithmTwiceForDocumentWeightsAndOnceForUserWeights() {
        assertThat(FeatureFunctions.documentAspectWeight(1_000, 10, 0.5))
                .isCloseTo(Math.log(Math.log(100)) * 0.5, within(1e-12));
        assertThat(FeatureFunctions.documentAspectWeight(10, 10, 0.5)).as("ln(ln(1)) is undefined").isZero();
        assertThat(FeatureFunctions.documentAspectWeight(10, 0, 0.5)).isZero();
        assertThat(FeatureFunctions.userAspectWeight(1_000, 10, 3, 0.5))
                .isCloseTo(3 * Math.log(100) * 0.5, within(1e-12));
        assertThat(FeatureFunctions.userAspectWeight(0, 10, 3, 0.5)).isZero();
    }

    @Test
    void shouldBinHoursAsTheSeed() {
        int[] expected = {5, 5, 5, 5, 5, 0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3, 4, 4, 4, 5, 5};
        for (int h = 0; h < 24; h++) {
            assertThat(FeatureFunctions.hourBin(h)).as("hour %d", h).isEqualTo(expected[h]);
        }
    }

    @Test
    void shouldMapNumericsIntoTheUnitIntervalAndMissingValuesToZero() {
        var spec = dev.wnd.features.spec.FeatureSpec.seed();
        var ctr = spec.numeric().get(spec.numericIndex("pop_ad_id"));
        assertThat(FeatureFunctions.transform(ctr, 1.0)).isEqualTo(1.0f);
        assertThat(FeatureFunctions.transform(ctr, 0.0)).isZero();
        assertThat(FeatureFunctions.transform(ctr, -0.2)).as("negative cosines, as the seed's NaN").isZero();
        assertThat(FeatureFunctions.transform(ctr, Double.NaN)).isZero();
        var views = spec.numeric().get(spec.numericIndex("user_views"));
        assertThat(FeatureFunctions.transform(views, 1e9)).isEqualTo(1.0f);
    }
}
