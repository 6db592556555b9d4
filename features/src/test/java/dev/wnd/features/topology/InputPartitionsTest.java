package dev.wnd.features.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The features topology refuses event topics with several partitions, where its CTRs would be wrong. */
class InputPartitionsTest {

    @Test
    void shouldAcceptOnePartitionPerEventTopic() {
        assertThat(InputPartitions.problem(Map.of("page-views", 1, "displays", 1, "labels", 1))).isEmpty();
    }

    @Test
    void shouldAcceptTopicsThatDoNotExistYet() {
        assertThat(InputPartitions.problem(Map.of())).isEmpty();
    }

    @Test
    void shouldRefuseSeveralPartitionsNamingTheTopicsAndTheFeaturesAtStake() {
        Map<String, Integer> partitions = new LinkedHashMap<>();
        partitions.put("page-views", 1);
        partitions.put("displays", 4);
        partitions.put("labels", 4);

        assertThat(InputPartitions.problem(partitions)).hasValueSatisfying(reason -> assertThat(reason)
                .contains("{displays=4, labels=4}", "CTR", "one partition").doesNotContain("page-views"));
    }
}
