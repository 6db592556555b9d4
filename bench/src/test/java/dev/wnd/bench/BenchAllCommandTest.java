package dev.wnd.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The suite's table: figures beside the recorded ones, flagged only when more than 30% worse in their direction. */
class BenchAllCommandTest {

    @Test
    void shouldFlagOnlyFiguresMoreThanThirtyPercentWorseInTheirOwnDirection() throws Exception {
        JsonNode recorded = new ObjectMapper().readTree("""
                {"date": "2026-12-07", "figures": {
                  "throughput": {"value": 1000},
                  "slower throughput": {"value": 1000},
                  "latency": {"value": 10},
                  "slower latency": {"value": 10}}}""");
        List<BenchAllCommand.Figure> now = List.of(
                new BenchAllCommand.Figure("throughput", "records/s", true, 800, "a"),
                new BenchAllCommand.Figure("slower throughput", "records/s", true, 650, "b"),
                new BenchAllCommand.Figure("latency", "ms", false, 12, "c"),
                new BenchAllCommand.Figure("slower latency", "ms", false, 14, "d"),
                new BenchAllCommand.Figure("new figure", "ms", false, 99, "e"));

        JsonNode table = BenchAllCommand.table(now, recorded, 1.0);

        assertThat(table.path("flagged").asInt()).isEqualTo(2);
        assertThat(table.path("figures").path("slower throughput").path("worse_by_more_than_30_percent").asBoolean())
                .isTrue();
        assertThat(table.path("figures").path("slower latency").path("worse_by_more_than_30_percent").asBoolean())
                .isTrue();
        assertThat(table.path("figures").path("throughput").path("ratio").asDouble()).isEqualTo(0.8);
        assertThat(table.path("figures").path("new figure").has("recorded")).isFalse();
    }
}
