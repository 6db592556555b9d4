package dev.wnd.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The accuracy bench's summary: means, the worlds the model matches or beats the GBDT peer on, the goals. */
class BenchAccuracyCommandTest {

    private static BenchAccuracyCommand.WorldResult world(long seed, double model, double gbdt, double seconds) {
        return new BenchAccuracyCommand.WorldResult(seed, "world " + seed + ": ad 0.5", seconds * 0.9, seconds * 0.1,
                60, 0.6, 0.6, 0.5, 0.4, 0.7, 0.41, model, gbdt, 0.3, JsonNodeFactory.instance.objectNode());
    }

    private static BenchAccuracyCommand command(long displays) {
        BenchAccuracyCommand c = new BenchAccuracyCommand();
        c.displays = displays;
        c.dataSeed = 1;
        return c;
    }

    @Test
    void shouldCountTheWorldsWhereTheModelMatchesOrBeatsTheGbdtAndJudgeTheGoals() {
        List<BenchAccuracyCommand.WorldResult> results = new ArrayList<>();
        for (int w = 1; w <= 10; w++) {
            // the model ahead on worlds 1-7, level on 8, behind on 9 and 10
            double gbdt = 0.85;
            double model = w <= 7 ? 0.9 : w == 8 ? 0.85 : 0.8;
            results.add(world(w, model, gbdt, 100 + w));
        }

        JsonNode out = command(20_000).summary(results);

        assertThat(out.path("worlds_wnd_at_least_gbdt").asInt()).isEqualTo(8);
        assertThat(out.at("/mean_normalized_map12/wnd").asDouble()).isEqualTo(0.875);
        assertThat(out.at("/mean_normalized_map12/gbdt").asDouble()).isEqualTo(0.85);
        assertThat(out.path("slowest_train_plus_predict_s").asDouble()).isEqualTo(110);
        assertThat(out.path("goals").path("wnd_at_least_gbdt_on_8_of_10").asBoolean()).isTrue();
        assertThat(out.path("goals").path("mean_normalized_map12_at_least_0.85").asBoolean()).isTrue();
        assertThat(out.path("goals").path("train_plus_predict_within_300_s").asBoolean()).isTrue();
        assertThat(out.path("worlds")).hasSize(10);
        assertThat(out.path("worlds").get(8).path("wnd_at_least_gbdt").asBoolean()).isFalse();
        assertThat(BenchAccuracyCommand.text(out)).contains("W&D >= GBDT on 8 of 10 worlds")
                .contains("ad 0.5").doesNotContain("NOT met");
    }

    @Test
    void shouldSayWhichGoalsAreNotMet() {
        List<BenchAccuracyCommand.WorldResult> results = List.of(world(1, 0.8, 0.85, 320), world(2, 0.9, 0.85, 200));

        JsonNode out = command(20_000).summary(results);

        assertThat(out.path("goals").path("wnd_at_least_gbdt_on_2_of_2").asBoolean()).isFalse();
        assertThat(out.path("goals").path("mean_normalized_map12_at_least_0.85").asBoolean()).isTrue();
        assertThat(out.path("goals").path("train_plus_predict_within_300_s").asBoolean()).isFalse();
        assertThat(BenchAccuracyCommand.text(out)).contains("NOT met");
    }

    @Test
    void shouldKeepAWorldsFiguresThroughItsJson() {
        BenchAccuracyCommand.WorldResult r = world(3, 0.9, 0.8, 150);

        assertThat(BenchAccuracyCommand.WorldResult.fromJson(r.toJson())).isEqualTo(r);
    }
}
