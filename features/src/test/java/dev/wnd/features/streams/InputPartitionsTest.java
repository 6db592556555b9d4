package dev.wnd.features.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The event topics must share one partition count, so that a user's events meet in one task. */
class InputPartitionsTest {

    @Test
    void shouldRunOnOnePartitionPerEventTopic() {
        assertThat(InputPartitions.sharedCount(Map.of("page-views", 1, "displays", 1, "labels", 1))).isEqualTo(1);
    }

    @Test
    void shouldRunOnSeveralPartitionsWhenEveryEventTopicHasAsMany() {
        assertThat(InputPartitions.sharedCount(Map.of("page-views", 4, "displays", 4, "labels", 4))).isEqualTo(4);
    }

    @Test
    void shouldAssumeOnePartitionForTopicsThatDoNotExistYet() {
        assertThat(InputPartitions.sharedCount(Map.of())).isEqualTo(1);
    }

    @Test
    void shouldRefuseEventTopicsThatAreNotCoPartitionedNamingThem() {
        Map<String, Integer> partitions = new LinkedHashMap<>();
        partitions.put("page-views", 1);
        partitions.put("displays", 4);
        partitions.put("labels", 4);

        assertThatThrownBy(() -> InputPartitions.sharedCount(partitions)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("{page-views=1, displays=4, labels=4}").hasMessageContaining("one partition count");
    }
}
