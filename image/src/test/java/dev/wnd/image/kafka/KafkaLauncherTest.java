package dev.wnd.image.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The offline Kafka image reads the official apache/kafka image's variables the way that image does. */
class KafkaLauncherTest {

    @TempDir
    Path dir;

    @Test
    void shouldNameEachPropertyAsTheOfficialImageDoes() {
        assertThat(KafkaLauncher.propertyName("KAFKA_LOG_DIRS")).isEqualTo("log.dirs");
        assertThat(KafkaLauncher.propertyName("KAFKA_CONTROLLER_QUORUM_VOTERS")).isEqualTo("controller.quorum.voters");
        assertThat(KafkaLauncher.propertyName("KAFKA_LISTENER_NAME_INTERNAL_SSL_KEY__PASSWORD"))
                .isEqualTo("listener.name.internal.ssl.key_password");
        assertThat(KafkaLauncher.propertyName("KAFKA_SOME___DASHED_NAME")).isEqualTo("some-dashed.name");
    }

    @Test
    void shouldTakeTheComposeFilesEnvironmentAndLeaveJvmSettingsAndOtherVariablesOut() {
        Properties props = KafkaLauncher.fromEnvironment(Map.of("KAFKA_NODE_ID", "1",
                "KAFKA_LISTENERS", "INTERNAL://:9092,CONTROLLER://:9093,HOST://:29092", "KAFKA_HEAP_OPTS", "-Xmx1g",
                "KAFKA_OPTS", "-Dx=y", "CLUSTER_ID", "tGblGG3Rqu1kJZsy9qz0Lw", "PATH", "/bin"));
        assertThat(props).containsOnlyKeys("node.id", "listeners");
        assertThat(props.getProperty("listeners")).isEqualTo("INTERNAL://:9092,CONTROLLER://:9093,HOST://:29092");
    }

    @Test
    void shouldUseTheDefaultsFileOnlyWhenNoBrokerVariableIsSet() throws Exception {
        Path defaults = dir.resolve("server.properties");
        Files.writeString(defaults, "node.id=1\nprocess.roles=broker,controller\n");
        assertThat(KafkaLauncher.brokerProperties(defaults, Map.of("KAFKA_HEAP_OPTS", "-Xmx1g")))
                .containsOnlyKeys("node.id", "process.roles");
        assertThat(KafkaLauncher.brokerProperties(defaults, Map.of("KAFKA_NODE_ID", "2")))
                .containsOnlyKeys("node.id").containsEntry("node.id", "2");
    }

    @Test
    void shouldFormatOnlyOnceAndAsAStandaloneControllerOnlyWithoutStaticVoters() {
        Properties staticQuorum = new Properties();
        staticQuorum.setProperty("controller.quorum.voters", "1@kafka:9093");
        assertThat(List.of(KafkaLauncher.formatArguments("id", Path.of("/tmp/s.properties"), staticQuorum)))
                .contains("--ignore-formatted").doesNotContain("--standalone");
        assertThat(List.of(KafkaLauncher.formatArguments("id", Path.of("/tmp/s.properties"), new Properties())))
                .contains("--ignore-formatted", "--standalone");
    }
}
