package dev.wnd.model;

import static dev.wnd.features.spec.FeatureGroup.ITEM;
import static dev.wnd.features.spec.FeatureGroup.REQUEST;
import static org.assertj.core.api.Assertions.assertThat;

import dev.wnd.features.spec.CategoricalFeature;
import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.features.spec.NumericFeature;
import dev.wnd.features.spec.NumericTransform;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HostInputsTest {

    /** Request features first, as in the seed: an embedded id, a multi-hot, an indicator; then the ad's. */
    private static final FeatureSpec SPEC = new FeatureSpec("host-inputs-v1", List.of(
            new CategoricalFeature("page", REQUEST, 11, 4, 1),
            new CategoricalFeature("page_topics", REQUEST, 6, 4, 3),
            new CategoricalFeature("platform", REQUEST, 3, 0, 1),
            new CategoricalFeature("ad", ITEM, 9, 8, 1),
            new CategoricalFeature("ad_topics", ITEM, 6, 4, 3)),
            List.of(new NumericFeature("x", ITEM, NumericTransform.RAW, 0)));

    /** A request's slots: page, three page topics (one empty), platform. */
    private static final int[][] REQUESTS = {{3, 1, 4, -1, 2}, {7, 5, -1, -1, 0}, {3, 1, 4, -1, 1}};

    @Test
    void shouldGiveEveryRowTheInputsItHasAloneWhenAdsOfADisplayRepeatItsRequest() {
        InputLayout layout = new InputLayout(SPEC);
        HostInputs inputs = new HostInputs(layout);
        SplittableRandom rng = new SplittableRandom(5);
        FloatBuffer table = FloatBuffer.allocate(layout.embeddingRows * layout.unit);
        for (int i = 0; i < table.capacity(); i++) {
            table.put(i, (float) (rng.nextDouble() - 0.5));
        }
        float[] wide = new float[layout.wideRows];
        for (int i = 0; i < wide.length; i++) {
            wide[i] = (float) (rng.nextDouble() - 0.5);
        }
        // Displays of 4, 1, 2 and 3 ads; the third repeats the second's request, the fourth differs from the
        // first only in its platform.
        int[] displayOf = {0, 0, 0, 0, 1, 2, 2, 3, 3, 3};
        int[] requestOf = {0, 1, 1, 2};
        int n = displayOf.length;
        int slots = SPEC.categoricalSlots();
        int[] cat = new int[n * slots];
        float[] num = new float[n * SPEC.numericCount()];
        for (int r = 0; r < n; r++) {
            int[] request = REQUESTS[requestOf[displayOf[r]]];
            System.arraycopy(request, 0, cat, r * slots, request.length);
            cat[r * slots + 5] = rng.nextInt(9);
            cat[r * slots + 6] = rng.nextInt(6);
            cat[r * slots + 7] = r % 2 == 0 ? -1 : rng.nextInt(6);
            cat[r * slots + 8] = rng.nextInt(6);
            num[r] = r;
        }

        HostInputs.Built batch = inputs.build(new Batch(n, cat, num, null), table, wide);

        assertThat(batch.leaders()).containsExactly(0, 0, 0, 0, 4, 4, 4, 7, 7, 7);
        assertThat(batch.requestColumns()).isEqualTo(4 + 4 + 3);
        int width = layout.deepWidth;
        for (int r = 0; r < n; r++) {
            Batch alone = new Batch(1, Arrays.copyOfRange(cat, r * slots, (r + 1) * slots), new float[] {num[r]},
                    null);
            HostInputs.Built one = new HostInputs(layout).build(alone, table, wide);
            assertThat(Arrays.copyOfRange(batch.deep(), r * width, (r + 1) * width))
                    .as("deep input of row %d", r).containsExactly(one.deep());
            assertThat(batch.wideSums()[r]).as("wide sum of row %d", r).isEqualTo(one.wideSums()[0]);
        }
    }
}
