package dev.wnd.features.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wnd.features.fn.FeatureFunctions;
import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.schemas.avro.Display;
import dev.wnd.schemas.avro.Example;
import dev.wnd.schemas.avro.Label;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Features of where and when: local hour and weekend by the display's place, platform, hashed geo codes. */
class ContextFeaturesTest {

    /** Relative ms of 2016-06-18 (a Saturday) 12:00 UTC. */
    private static final long SATURDAY_NOON_UTC = 4 * FeatureFunctions.DAY_MS + 8 * 3_600_000L + 2;

    private final FeatureSpec spec = FeatureSpec.seed();
    private final FeatureReader read = new FeatureReader(spec);
    private FeaturesDriver driver;

    @TempDir
    Path stateDir;

    @BeforeEach
    void start() {
        driver = new FeaturesDriver(spec, stateDir);
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private Example displayed(long ts, Integer platform, String geo) {
        driver.pipe(new Display(1L, "u1", 900L, ts, platform, geo, List.of(10L)));
        driver.pipe(new Label(1L, "u1", ts, ts + 1, List.of(10L), List.of(10L)));
        return driver.examples().get(0);
    }

    @Test
    void shouldBinTheLocalHourOfTheDisplaysState() {
        // 12:00 UTC is 05:00 in California (UTC-7 in June): early morning, bin 0.
        Example e = displayed(SATURDAY_NOON_UTC, 2, "US>CA>807");
        assertThat(read.categorical(e, "event_hour")).isZero();
        assertThat(read.numeric(e, "doc_event_hour")).isZero();
        assertThat(read.categorical(e, "event_weekend")).isEqualTo(1);
        assertThat(read.categorical(e, "event_platform")).isEqualTo(1);
    }

    @Test
    void shouldBinTheLocalHourOfTheDisplaysCountry() {
        // 12:00 UTC is 17:30 in India: afternoon, bin 3.
        Example e = displayed(SATURDAY_NOON_UTC, 3, "IN>10");
        assertThat(read.categorical(e, "event_hour")).isEqualTo(3);
        assertThat(read.numeric(e, "doc_event_hour")).isEqualTo(read.transformed("doc_event_hour", 3));
    }

    @Test
    void shouldFallBackToTheSeedsUtcMinusFourForUnknownPlaces() {
        // 2016-06-14 04:00 UTC is Tuesday 00:00 at UTC-4: night, bin 5, a weekday.
        Example e = displayed(2, 1, "XX>99");
        assertThat(read.categorical(e, "event_hour")).isEqualTo(5);
        assertThat(read.categorical(e, "event_weekend")).isZero();
        assertThat(read.categorical(displayed(2, null, null), "event_hour")).isEqualTo(5);
    }

    @Test
    void shouldHashGeoLocationCountryStateAndCountryInsteadOfCountingThem() {
        Example e = displayed(1_000, 1, "US>CA>807");
        assertThat(read.categorical(e, "event_geo_location")).isEqualTo(read.bucket("event_geo_location", "US>CA>807"));
        assertThat(read.categorical(e, "event_country_state")).isEqualTo(read.bucket("event_country_state", "US>CA"));
        assertThat(read.categorical(e, "event_country")).isEqualTo(read.bucket("event_country", "US"));
    }

    @Test
    void shouldLeaveUnknownPlaceAndPlatformEmpty() {
        Example e = displayed(1_000, null, null);
        assertThat(read.categorical(e, "event_geo_location")).isEqualTo(-1);
        assertThat(read.categorical(e, "event_country")).isEqualTo(-1);
        assertThat(read.categorical(e, "event_platform")).isEqualTo(-1);
        // An unknown ad: its id is still hashed, everything else about it is empty.
        assertThat(read.categorical(e, "ad_id")).isEqualTo(read.bucket("ad_id", 10L));
        assertThat(read.categorical(e, "doc_id")).isEqualTo(-1);
        assertThat(read.categorical(e, "user_has_already_viewed_doc")).isEqualTo(-1);
    }
}
