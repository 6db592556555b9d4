package dev.wnd.features.fn;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TimeZonesTest {

    @Test
    void shouldPreferTheUsStateOrCanadianProvinceOverTheCountry() {
        assertThat(TimeZones.offsetMinutes("US>CA>807")).isEqualTo(-7 * 60);
        assertThat(TimeZones.offsetMinutes("US>NY>501")).isEqualTo(-4 * 60);
        assertThat(TimeZones.offsetMinutes("US>AZ>753")).as("no daylight time in Arizona").isEqualTo(-7 * 60);
        assertThat(TimeZones.offsetMinutes("US>HI")).isEqualTo(-10 * 60);
        assertThat(TimeZones.offsetMinutes("CA>BC")).isEqualTo(-7 * 60);
        assertThat(TimeZones.offsetMinutes("CA>NL")).isEqualTo(-150);
        assertThat(TimeZones.offsetMinutes("US")).isEqualTo(-4 * 60);
        assertThat(TimeZones.offsetMinutes("US>ZZ")).as("unknown state: the country's").isEqualTo(-4 * 60);
    }

    @Test
    void shouldUseTheCountryElsewhereIgnoringRegionCodes() {
        assertThat(TimeZones.offsetMinutes("GB>H9")).isEqualTo(60);
        assertThat(TimeZones.offsetMinutes("IN>10")).isEqualTo(330);
        assertThat(TimeZones.offsetMinutes("AU>02")).isEqualTo(600);
        assertThat(TimeZones.offsetMinutes("DE>CA")).as("a German region code is not California").isEqualTo(120);
    }

    @Test
    void shouldDefaultToTheSeedsUtcMinusFour() {
        assertThat(TimeZones.offsetMinutes("XX>99")).isEqualTo(TimeZones.DEFAULT_OFFSET_MINUTES).isEqualTo(-240);
        assertThat(TimeZones.offsetMinutes("--")).isEqualTo(-240);
        assertThat(TimeZones.offsetMinutes(null)).isEqualTo(-240);
        assertThat(TimeZones.offsetMinutes("")).isEqualTo(-240);
    }
}
