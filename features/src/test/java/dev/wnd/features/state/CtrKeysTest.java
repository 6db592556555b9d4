package dev.wnd.features.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CtrKeysTest {

    @Test
    void shouldCarryTheFamilyInTheKeysTopBits() {
        long us = CtrKeys.country("US");
        assertThat(CtrKeys.family(CtrKeys.ad(42))).isEqualTo(CtrFamily.AD);
        assertThat(CtrKeys.family(CtrKeys.adDocument(42))).isEqualTo(CtrFamily.AD_DOCUMENT);
        assertThat(CtrKeys.family(CtrKeys.pageAdDocument(1, 42))).isEqualTo(CtrFamily.PAGE_AD_DOCUMENT);
        assertThat(CtrKeys.family(CtrKeys.sourceInCountry(us, 42))).isEqualTo(CtrFamily.SOURCE_COUNTRY);
        assertThat(CtrKeys.family(CtrKeys.publisher(-43))).isEqualTo(CtrFamily.PUBLISHER);
        for (AspectKind kind : AspectKind.values()) {
            assertThat(CtrKeys.family(CtrKeys.aspect(kind, 42))).isEqualTo(CtrFamily.of(kind));
            assertThat(CtrKeys.family(CtrKeys.aspectInCountry(kind, us, 42))).isEqualTo(CtrFamily.perCountry(kind));
        }
    }

    @Test
    void shouldGiveTheSameIdDistinctKeysInEveryFamilyAndCountry() {
        long us = CtrKeys.country("US");
        long gb = CtrKeys.country("GB");
        Set<Long> keys = new HashSet<>();
        for (long id = 0; id < 5_000; id++) {
            keys.add(CtrKeys.ad(id));
            keys.add(CtrKeys.adDocument(id));
            keys.add(CtrKeys.campaign(id));
            keys.add(CtrKeys.advertiser(id));
            keys.add(CtrKeys.source(id));
            keys.add(CtrKeys.publisher(-1 - id));
            keys.add(CtrKeys.sourceInCountry(us, id));
            keys.add(CtrKeys.sourceInCountry(gb, id));
            keys.add(CtrKeys.pageAdDocument(id, 7));
            keys.add(CtrKeys.pageAdDocument(7, id));
        }
        assertThat(keys).hasSize(10 * 5_000 - 1); // pageAdDocument(7, 7) twice
    }

    @Test
    void shouldKeepTheKeysOfStoredStateStable() {
        // Keys are stored in RocksDB and changelogs: a change here would orphan every counted label.
        assertThat(CtrKeys.ad(42)).isEqualTo(1734034935001654684L);
        assertThat(CtrKeys.sourceInCountry(CtrKeys.country("US"), 42)).isEqualTo(6401219834821564775L);
    }

    @Test
    void shouldRejectAnUnknownFamilyCode() {
        assertThatThrownBy(() -> CtrKeys.family(0L)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("code 0");
    }
}
