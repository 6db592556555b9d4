package dev.wnd.ingest.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wnd.schemas.kafka.KafkaConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReplayConfigTest {

    private static final Path DIR = Path.of("data");

    @Test
    void shouldPinTheDefaults() {
        ReplayConfig c = ReplayConfig.defaults(DIR, "localhost:9092");

        assertThat(c).isEqualTo(new ReplayConfig(DIR, KafkaConnection.plaintext("localhost:9092"), 0,
                Duration.ofHours(1), Duration.ofMinutes(1), 4, Optional.empty(), 0, "default", 20_000,
                Duration.ofSeconds(1)));
        assertThat(c.isBackfill()).isTrue();
        assertThat(c.streamOptions()).isEqualTo(StreamOptions.defaults());
        assertThat(StreamOptions.defaults()).isEqualTo(new StreamOptions(Duration.ofHours(1), Duration.ofMinutes(1),
                16));
    }

    @Test
    void shouldChangeOneSettingAtATime() {
        ReplayConfig c = ReplayConfig.defaults(DIR, "b:1").withSpeed(3600).withLabelDelay(Duration.ofMinutes(5))
                .withTopicLayout(8, (short) 3).withStopAfter(100).withReplayId("demo-1")
                .withTransactions(10, Duration.ofMillis(200));

        assertThat(c).isEqualTo(new ReplayConfig(DIR, KafkaConnection.plaintext("b:1"), 3600, Duration.ofMinutes(5),
                Duration.ofMinutes(1), 8, Optional.of((short) 3), 100, "demo-1", 10, Duration.ofMillis(200)));
        assertThat(c.isBackfill()).isFalse();
    }

    @Test
    void shouldRefuseInvalidSettings() {
        ReplayConfig c = ReplayConfig.defaults(DIR, "b:1");
        assertThatThrownBy(() -> c.withSpeed(Double.NaN)).hasMessageContaining("speed");
        assertThatThrownBy(() -> c.withLabelDelay(Duration.ofSeconds(-1))).hasMessageContaining("labelDelay");
        assertThatThrownBy(() -> c.withTopicLayout(0, (short) 1)).hasMessageContaining("partitions");
        assertThatThrownBy(() -> c.withStopAfter(-1)).hasMessageContaining("stopAfter");
        assertThatThrownBy(() -> c.withReplayId("a b")).hasMessageContaining("replayId");
        assertThatThrownBy(() -> c.withTransactions(0, Duration.ofSeconds(1)))
                .hasMessageContaining("transactionRecords");
        assertThatThrownBy(() -> ReplayConfig.defaults(DIR, " ")).hasMessageContaining("bootstrapServers");
    }
}
