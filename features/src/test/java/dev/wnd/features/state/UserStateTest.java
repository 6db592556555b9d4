package dev.wnd.features.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wnd.schemas.avro.PageView;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UserStateTest {

    private static Map<AspectKind, DocAspects> categories(long... keys) {
        Map<AspectKind, DocAspects> aspects = new EnumMap<>(AspectKind.class);
        DocAspects a = DocAspects.EMPTY;
        for (long k : keys) {
            a = a.with(k, 0.5);
        }
        aspects.put(AspectKind.CATEGORY, a);
        return aspects;
    }

    private static PageView view(long doc) {
        return new PageView("u", doc, 1_000L, 1, "US>CA", 2);
    }

    @Test
    void shouldProfileOnlyViewsOfKnownDocumentsWithAspects() {
        UserState u = UserState.EMPTY
                .withView(view(1), true, categories(7))
                .withView(view(2), true, categories())
                .withView(view(3), false, categories(7));
        assertThat(u.views()).isEqualTo(1);
        assertThat(u.hasViewed(1)).isTrue();
        assertThat(u.hasViewed(2)).isFalse();
        assertThat(u.hasViewed(3)).isFalse();
        assertThat(u.profile(AspectKind.CATEGORY).termFrequencies()).containsExactly(1);
        // Every view is remembered for the traffic source, counted or not.
        assertThat(u.lastView(2).trafficSource()).isEqualTo(2);
        assertThat(u.lastView(2).platform()).isEqualTo(1);
    }

    @Test
    void shouldForgetTheLeastRecentlyViewedDocumentBeyondTheBound() {
        UserState u = UserState.EMPTY;
        for (long doc = 0; doc <= UserState.MAX_DOCUMENTS; doc++) {
            u = u.withView(view(doc), true, categories(1));
            if (doc == 10) {
                u = u.withView(view(0), true, categories(1));   // document 0 viewed again: now recent
            }
        }
        assertThat(u.documents()).hasSize(UserState.MAX_DOCUMENTS);
        assertThat(u.hasViewed(0)).isTrue();
        assertThat(u.hasViewed(1)).isFalse();
        assertThat(u.views()).isEqualTo(UserState.MAX_DOCUMENTS + 2);
    }

    @Test
    void shouldMakeRoomInAFullProfileByDroppingTheLeastConfidentAspect() {
        int capacity = 3;
        AspectProfile p = AspectProfile.EMPTY
                .plus(new DocAspects(new long[] {1, 2, 3}, new double[] {0.9, 0.1, 0.5}), capacity)
                .plus(new DocAspects(new long[] {2}, new double[] {0.3}), capacity)      // 2 now sums 0.4
                .plus(new DocAspects(new long[] {4}, new double[] {0.2}), capacity);     // evicts 2 (0.4)
        assertThat(p.keys()).containsExactly(1, 3, 4);
        assertThat(p.termFrequencies()).containsExactly(1, 1, 1);
        assertThat(p.confidenceSums()).containsExactly(0.9, 0.5, 0.2);
        assertThat(AspectKind.ENTITY.profileCapacity()).isPositive();
    }

    @Test
    void shouldListTopAspectsByConfidenceWithTiesInArrivalOrder() {
        DocAspects a = DocAspects.EMPTY.with(5, 0.2).with(6, 0.7).with(7, 0.2).with(8, 0.9).with(6, 0.1);
        assertThat(a.keys()).containsExactly(5, 6, 7, 8);
        assertThat(a.top(3, k -> true)).containsExactly(8, 5, 7);
        assertThat(a.top(3, k -> k != 8)).containsExactly(5, 7, 6);
        assertThat(a.top(10, k -> true)).hasSize(4);
    }
}
