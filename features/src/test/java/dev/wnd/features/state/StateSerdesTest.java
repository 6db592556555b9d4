package dev.wnd.features.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wnd.features.fn.FeatureVector;
import dev.wnd.schemas.avro.DocumentMeta;
import dev.wnd.schemas.avro.PageView;
import java.nio.ByteBuffer;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class StateSerdesTest {

    private static <T> T roundTrip(Serde<T> serde, T value) {
        return serde.deserializer().deserialize("t", serde.serializer().serialize("t", value));
    }

    @Test
    void shouldRoundTripAUserWithViewsAndProfiles() {
        Map<AspectKind, DocAspects> aspects = new EnumMap<>(AspectKind.class);
        aspects.put(AspectKind.TOPIC, new DocAspects(new long[] {3, 4}, new double[] {0.25, 0.5}));
        aspects.put(AspectKind.ENTITY, new DocAspects(new long[] {-8_000_000_000L}, new double[] {0.125}));
        UserState u = UserState.EMPTY
                .withView(new PageView("u", 7L, 3 * 86_400_000L, 3, "US>CA>807", 3), true, aspects)
                .withView(new PageView("u", 8L, -5L, null, null, null), true, Map.of());
        UserState back = roundTrip(StateSerdes.userState(), u);
        assertThat(back).isEqualTo(u);
        assertThat(back.lastView(7L).day()).isEqualTo(3);
        assertThat(back.lastView(8L).day()).isEqualTo(-1);
        assertThat(StateSerdes.userState().serializer().serialize("t", UserState.EMPTY)).hasSize(6);
    }

    @Test
    void shouldStillReadTheFirstUserAndCtrFormats() {
        byte[] user = ByteBuffer.allocate(1 + 8 + 4 + 16).put((byte) 1).putLong(2).putInt(2).putLong(7).putLong(8)
                .array();
        UserState u = StateSerdes.userState().deserializer().deserialize("t", user);
        assertThat(u.views()).isEqualTo(2);
        assertThat(u.hasViewed(8)).isTrue();
        byte[] ctr = ByteBuffer.allocate(17).put((byte) 1).putLong(9).putLong(4).array();
        assertThat(StateSerdes.ctrCounts().deserializer().deserialize("t", ctr)).isEqualTo(new CtrCounts(9, 4, 1, 0));
    }

    @Test
    void shouldRefuseAFormatItDoesNotKnow() {
        assertThatThrownBy(() -> StateSerdes.ctrCounts().deserializer().deserialize("t", new byte[] {9}))
                .hasMessageContaining("format 9");
    }

    @Test
    void shouldRoundTripCountsAspectsMetadataFactsAndPendingDisplays() {
        CtrCounts c = new CtrCounts(1L << 40, 12, 3, 2.75);
        assertThat(roundTrip(StateSerdes.ctrCounts(), c)).isEqualTo(c);
        DocAspects a = new DocAspects(new long[] {1, Long.MIN_VALUE}, new double[] {0.1, 1.0});
        assertThat(roundTrip(StateSerdes.docAspects(), a)).isEqualTo(a);
        DocumentMeta full = new DocumentMeta(5L, 6L, 7L, 8L);
        DocumentMeta sparse = new DocumentMeta(5L, 6L, null, null);
        assertThat(roundTrip(StateSerdes.documentMeta(), full)).isEqualTo(full);
        assertThat(roundTrip(StateSerdes.documentMeta(), sparse)).isEqualTo(sparse);
        assertThat(roundTrip(StateSerdes.displayFacts(), new DisplayFacts(3L, "US")))
                .isEqualTo(new DisplayFacts(3L, "US"));
        assertThat(roundTrip(StateSerdes.displayFacts(), new DisplayFacts(3L, null)))
                .isEqualTo(new DisplayFacts(3L, null));
        PendingDisplay p = new PendingDisplay(9L, true, List.of(new PendingDisplay.PendingAd(4L,
                new FeatureVector(new int[] {1, -1}, new float[] {0.5f}))));
        assertThat(roundTrip(StateSerdes.pendingDisplay(), p)).isEqualTo(p);
    }

    @Test
    void shouldRoundTripCtrBroadcastsWithAndWithoutUpdatesOrFacts() {
        CtrBroadcast full = new CtrBroadcast(2, 41L, 1_000L, 1_200L, 1_100L,
                new CtrUpdate(7L, List.of(3L, 4L, 5L), List.of(4L), new DisplayFacts(99L, "US")));
        CtrBroadcast noCountry = new CtrBroadcast(0, 0L, -5L, -5L, -5L,
                new CtrUpdate(8L, List.of(3L), List.of(), new DisplayFacts(98L, null)));
        CtrBroadcast noFacts = new CtrBroadcast(1, 2L, 10L, 9L, 10L, new CtrUpdate(9L, List.of(), List.of(), null));
        CtrBroadcast watermarkOnly = new CtrBroadcast(1, 3L, 11L, Long.MIN_VALUE, 11L, null);

        for (CtrBroadcast b : List.of(full, noCountry, noFacts, watermarkOnly)) {
            assertThat(roundTrip(StateSerdes.ctrBroadcast(), b)).isEqualTo(b);
        }
    }

    @Test
    void shouldRefuseATruncatedCtrBroadcastSayingSo() {
        byte[] bytes = StateSerdes.ctrBroadcast().serializer().serialize("t", new CtrBroadcast(2, 41L, 1_000L,
                1_200L, 1_100L, new CtrUpdate(7L, List.of(3L, 4L), List.of(4L), new DisplayFacts(99L, "US"))));
        byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length - 3);

        assertThatThrownBy(() -> StateSerdes.ctrBroadcast().deserializer().deserialize("t", cut))
                .hasMessageContaining("truncated state value");
    }
}
