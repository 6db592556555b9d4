package dev.wnd.features.fn;

import java.time.ZoneOffset;
import java.util.Map;

/**
 * UTC offsets of the places in Outbrain's geo locations, for local event hours and weekends. Pure and immutable.
 *
 * <p>The seed reads three CSV tables ({@code TF1/preproc/data/country_codes_utc_dst_tz_delta.csv},
 * {@code us_states_abbrev_bst.csv}, {@code ca_states_abbrev_bst.csv}): one summer-time (DST) UTC offset per
 * country, per US state and per Canadian province, and {@code -4} (US Eastern daylight time) when a place is not
 * listed. This class embeds an equivalent, smaller table, written from the IANA time zone database (2016 rules):
 * the offset in effect on 2016-06-21, in the middle of the data's 2016-06-14..06-28 window, so daylight time where
 * it was observed. A state, province or country spanning several zones takes the zone where most of its people
 * live (e.g. {@code US>FL} Eastern, {@code US>TN} Central, {@code AU} Sydney, {@code RU} Moscow, {@code BR}
 * Brasília). Anything else gets the seed's default, {@link #DEFAULT_OFFSET_MINUTES}.
 *
 * <p>Geo locations look like {@code US>CA>807} (country, state, DMA) or {@code GB>H9}; only US and Canadian
 * subdivision codes are looked up, as in the seed, since other countries' codes are FIPS region numbers.
 */
public final class TimeZones {

    /** The seed's {@code DEFAULT_TZ_EST}: UTC-4, used for unknown places. */
    public static final int DEFAULT_OFFSET_MINUTES = -4 * 60;

    private static final Map<String, Integer> US_STATES = hours(
            "AL", -5, "AK", -8, "AZ", -7, "AR", -5, "CA", -7, "CO", -6, "CT", -4, "DE", -4, "DC", -4, "FL", -4,
            "GA", -4, "HI", -10, "ID", -6, "IL", -5, "IN", -4, "IA", -5, "KS", -5, "KY", -4, "LA", -5, "ME", -4,
            "MD", -4, "MA", -4, "MI", -4, "MN", -5, "MS", -5, "MO", -5, "MT", -6, "NE", -5, "NV", -7, "NH", -4,
            "NJ", -4, "NM", -6, "NY", -4, "NC", -4, "ND", -5, "OH", -4, "OK", -5, "OR", -7, "PA", -4, "RI", -4,
            "SC", -4, "SD", -5, "TN", -5, "TX", -5, "UT", -6, "VT", -4, "VA", -4, "WA", -7, "WV", -4, "WI", -5,
            "WY", -6, "PR", -4, "VI", -4, "GU", 10, "AS", -11, "MP", 10);

    private static final Map<String, Integer> CA_PROVINCES = Map.ofEntries(
            Map.entry("AB", -6 * 60), Map.entry("BC", -7 * 60), Map.entry("MB", -5 * 60),
            Map.entry("NB", -3 * 60), Map.entry("NL", -150), Map.entry("NS", -3 * 60), Map.entry("NT", -6 * 60),
            Map.entry("NU", -4 * 60), Map.entry("ON", -4 * 60), Map.entry("PE", -3 * 60),
            Map.entry("QC", -4 * 60), Map.entry("SK", -6 * 60), Map.entry("YT", -7 * 60));

    private static final Map<String, Integer> COUNTRIES = Map.ofEntries(
            // Americas
            Map.entry("US", -4 * 60), Map.entry("CA", -4 * 60), Map.entry("MX", -5 * 60),
            Map.entry("BR", -3 * 60), Map.entry("AR", -3 * 60), Map.entry("CL", -4 * 60),
            Map.entry("CO", -5 * 60), Map.entry("PE", -5 * 60), Map.entry("VE", -4 * 60),
            Map.entry("EC", -5 * 60), Map.entry("UY", -3 * 60), Map.entry("PY", -4 * 60),
            Map.entry("BO", -4 * 60), Map.entry("PR", -4 * 60), Map.entry("DO", -4 * 60),
            Map.entry("JM", -5 * 60), Map.entry("CR", -6 * 60), Map.entry("PA", -5 * 60),
            Map.entry("GT", -6 * 60), Map.entry("TT", -4 * 60),
            // Europe
            Map.entry("GB", 60), Map.entry("IE", 60), Map.entry("PT", 60), Map.entry("IS", 0),
            Map.entry("ES", 120), Map.entry("FR", 120), Map.entry("DE", 120), Map.entry("IT", 120),
            Map.entry("NL", 120), Map.entry("BE", 120), Map.entry("LU", 120), Map.entry("CH", 120),
            Map.entry("AT", 120), Map.entry("SE", 120), Map.entry("NO", 120), Map.entry("DK", 120),
            Map.entry("PL", 120), Map.entry("CZ", 120), Map.entry("SK", 120), Map.entry("HU", 120),
            Map.entry("HR", 120), Map.entry("SI", 120), Map.entry("RS", 120), Map.entry("BA", 120),
            Map.entry("MT", 120), Map.entry("FI", 180), Map.entry("EE", 180), Map.entry("LV", 180),
            Map.entry("LT", 180), Map.entry("RO", 180), Map.entry("BG", 180), Map.entry("GR", 180),
            Map.entry("CY", 180), Map.entry("UA", 180), Map.entry("BY", 180), Map.entry("RU", 180),
            Map.entry("TR", 180),
            // Middle East and Africa (Morocco suspended its summer time during Ramadan, 2016-06-05..07-10)
            Map.entry("IL", 180), Map.entry("SA", 180), Map.entry("QA", 180), Map.entry("KW", 180),
            Map.entry("BH", 180), Map.entry("JO", 180), Map.entry("LB", 180), Map.entry("AE", 240),
            Map.entry("OM", 240), Map.entry("EG", 120), Map.entry("MA", 0), Map.entry("ZA", 120),
            Map.entry("NG", 60), Map.entry("KE", 180), Map.entry("GH", 0),
            // Asia and Oceania
            Map.entry("IN", 330), Map.entry("LK", 330), Map.entry("NP", 345), Map.entry("PK", 300),
            Map.entry("BD", 360), Map.entry("TH", 420), Map.entry("VN", 420), Map.entry("ID", 420),
            Map.entry("SG", 480), Map.entry("MY", 480), Map.entry("PH", 480), Map.entry("HK", 480),
            Map.entry("CN", 480), Map.entry("TW", 480), Map.entry("JP", 540), Map.entry("KR", 540),
            Map.entry("AU", 600), Map.entry("NZ", 720));

    private TimeZones() {
    }

    /**
     * The UTC offset, in minutes, of a geo location: the US state's or Canadian province's when known, else the
     * country's, else {@link #DEFAULT_OFFSET_MINUTES} (also for null or empty locations).
     */
    public static int offsetMinutes(String geoLocation) {
        String country = FeatureFunctions.country(geoLocation);
        if (country == null) {
            return DEFAULT_OFFSET_MINUTES;
        }
        Integer offset = COUNTRIES.get(country);
        if (offset == null) {
            return DEFAULT_OFFSET_MINUTES;
        }
        String state = FeatureFunctions.state(geoLocation);
        if (state != null) {
            Integer stateOffset = switch (country) {
                case "US" -> US_STATES.get(state);
                case "CA" -> CA_PROVINCES.get(state);
                default -> null;
            };
            if (stateOffset != null) {
                return stateOffset;
            }
        }
        return offset;
    }

    /** {@link #offsetMinutes(String)} as a {@link ZoneOffset}. */
    public static ZoneOffset offset(String geoLocation) {
        return ZoneOffset.ofTotalSeconds(offsetMinutes(geoLocation) * 60);
    }

    private static Map<String, Integer> hours(Object... pairs) {
        java.util.Map<String, Integer> map = new java.util.HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], (Integer) pairs[i + 1] * 60);
        }
        return Map.copyOf(map);
    }
}
