package dev.wnd.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {

    @Test
    void shouldRejectInvalidKafkaConfig() {
        Path dir = Path.of("x");
        assertThatThrownBy(() -> new EmbeddedKafka.Config(null, 0, 0, 1)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new EmbeddedKafka.Config(dir, -1, 0, 1)).hasMessageContaining("port");
        assertThatThrownBy(() -> new EmbeddedKafka.Config(dir, 0, 70000, 1)).hasMessageContaining("controllerPort");
        assertThatThrownBy(() -> new EmbeddedKafka.Config(dir, 0, 0, 0)).hasMessageContaining("defaultPartitions");
        assertThatThrownBy(() -> new EmbeddedKafka.Config(dir, 9092, 9092, 1)).hasMessageContaining("differ");
    }

    @Test
    void shouldRejectInvalidRuntimeConfig() {
        Path dir = Path.of("x");
        assertThatThrownBy(() -> new EmbeddedRuntime.Config(dir, 0, 65536, 1)).hasMessageContaining("registryPort");
        assertThatThrownBy(() -> new EmbeddedRuntime.Config(dir, 8080, 8080, 1)).hasMessageContaining("differ");
        assertThat(new EmbeddedRuntime.Config(dir)).isEqualTo(new EmbeddedRuntime.Config(dir, 0, 0, 1));
    }

    @Test
    void shouldKeepSingleNodeSettingsInServerProperties() {
        var p = EmbeddedKafka.serverProperties(Path.of("/tmp/k"), 1111, 2222, 4);

        assertThat(p).containsEntry("num.partitions", "4")
                .containsEntry("offsets.topic.replication.factor", "1")
                .containsEntry("transaction.state.log.min.isr", "1")
                .containsEntry("log.cleaner.dedupe.buffer.size", "8388608")
                .containsEntry("auto.create.topics.enable", "true")
                .containsEntry("listeners", "PLAINTEXT://127.0.0.1:1111,CONTROLLER://127.0.0.1:2222");
    }

    @Test
    void shouldKeepTheSaslListenerOnLoopbackAndTheControllerPlain() {
        var p = EmbeddedKafka.serverProperties(Path.of("/tmp/k"), 1111, 2222, 1);

        EmbeddedKafka.addSaslPlain(p, 1111, new java.util.TreeMap<>(java.util.Map.of("wnd", "pw", "other", "pw2")));

        assertThat(p).containsEntry("listeners", "SASL_PLAINTEXT://127.0.0.1:1111,CONTROLLER://127.0.0.1:2222")
                .containsEntry("advertised.listeners", "SASL_PLAINTEXT://127.0.0.1:1111")
                .containsEntry("listener.security.protocol.map", "SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT")
                .containsEntry("sasl.enabled.mechanisms", "PLAIN");
        assertThat(p.getProperty("listener.name.sasl_plaintext.plain.sasl.jaas.config"))
                .contains("user_wnd=\"pw\"").contains("user_other=\"pw2\"").contains("username=\"other\"");
    }

    @Test
    void shouldGiveClientsOfASaslBrokerTheBrokersOwnLogin() {
        var config = new EmbeddedKafka.Config(Path.of("x")).withSaslPlainUsers(java.util.Map.of("wnd", "pw"));

        assertThat(config.clientSettings()).containsEntry("security.protocol", "SASL_PLAINTEXT")
                .containsEntry("sasl.mechanism", "PLAIN");
        assertThat(new EmbeddedKafka.Config(Path.of("x")).clientSettings()).isEmpty();
        assertThatThrownBy(() -> config.withSaslPlainUsers(java.util.Map.of("a b", "pw")))
                .hasMessageContaining("SASL user");
    }

    @Test
    void shouldRefuseToDeleteForeignDirectory(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("precious.txt"), "keep me");

        assertThatThrownBy(() -> EmbeddedRuntime.deleteDataDir(dir)).isInstanceOf(IllegalStateException.class);
        assertThat(dir.resolve("precious.txt")).exists();
    }

    @Test
    void shouldDeleteRuntimeDirectory(@TempDir Path parent) throws Exception {
        Path dir = Files.createDirectories(parent.resolve("data/kafka/log"));
        Files.writeString(parent.resolve("data").resolve(EmbeddedRuntime.MARKER), "");

        EmbeddedRuntime.deleteDataDir(parent.resolve("data"));

        assertThat(dir).doesNotExist();
        assertThat(parent.resolve("data")).doesNotExist();
    }
}
