package dev.wnd.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientConfigTest {

    @TempDir
    Path dir;

    private Path file(String text) throws Exception {
        Path f = dir.resolve("client.properties");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void shouldSendRegistryKeysToTheRegistryAndTheRestToKafka() throws Exception {
        ClientConfig c = ClientConfig.load(file("""
                security.protocol=SASL_SSL
                sasl.mechanism=PLAIN
                sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required \\
                    username="alice" password="kafka-secret";
                ssl.truststore.location=/etc/kafka/truststore.jks
                basic.auth.credentials.source=USER_INFO
                basic.auth.user.info=alice:registry-secret
                schema.registry.ssl.truststore.location=/etc/registry/truststore.jks
                """));

        assertThat(c.kafka()).containsOnlyKeys("security.protocol", "sasl.mechanism", "sasl.jaas.config",
                "ssl.truststore.location");
        assertThat(c.registry()).containsOnlyKeys("basic.auth.credentials.source", "basic.auth.user.info",
                "schema.registry.ssl.truststore.location");
        assertThat(c.registryConnection("https://sr:8081").userInfo()).contains("alice:registry-secret");
        assertThat(c.kafkaConnection("k:9093").properties()).containsEntry("sasl.mechanism", "PLAIN")
                .containsEntry("bootstrap.servers", "k:9093").doesNotContainKey("basic.auth.user.info");
        assertThat(c.toString()).doesNotContain("secret\"").doesNotContain("registry-secret");
    }

    @Test
    void shouldNameAMissingFile() {
        Path missing = dir.resolve("nope.properties");

        assertThatThrownBy(() -> ClientConfig.load(missing)).hasMessageContaining(missing.toString())
                .hasMessageContaining("no such file");
    }

    @Test
    void shouldRefuseKeysThatMakeNoSenseNamingThem() throws Exception {
        assertThatThrownBy(() -> ClientConfig.load(file("sasl.mechansim=PLAIN\n")))
                .hasMessageContaining("sasl.mechansim").hasMessageContaining("client.properties");
        assertThatThrownBy(() -> ClientConfig.load(file("group.id=mine\n"))).hasMessageContaining("group.id");
        assertThatThrownBy(() -> ClientConfig.load(file("schema.registry.url=http://x:1\n")))
                .hasMessageContaining("--registry");
        assertThatThrownBy(() -> ClientConfig.load(file("bearer.auth.token=t\n")))
                .hasMessageContaining("bearer.auth.token");
    }

    @Test
    void shouldRefuseAClientConfigForTheEmbeddedCluster() throws Exception {
        ClusterOptions options = Workspace.embedded(dir.resolve("work"));
        options.clientConfig = file("security.protocol=SSL\n");

        assertThatThrownBy(() -> Cluster.open(options, true)).hasMessageContaining("--client-config")
                .hasMessageContaining("external");
    }

    @Test
    void shouldGiveAnExternalClustersClientsTheFilesSettings() throws Exception {
        ClusterOptions options = new ClusterOptions();
        options.bootstrap = "k1:9093";
        options.registry = "https://sr:8081";
        options.partitions = 3;
        options.replicationFactor = 3;
        options.clientConfig = file("security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-256\n"
                + "basic.auth.credentials.source=USER_INFO\nbasic.auth.user.info=u:p\n");

        try (Cluster cluster = Cluster.open(options, false)) {
            Properties p = cluster.kafka().properties();
            assertThat(p).containsEntry("security.protocol", "SASL_SSL").containsEntry("bootstrap.servers", "k1:9093");
            assertThat(cluster.registry().authorization()).isPresent();
            assertThat(cluster.replicationFactor()).contains((short) 3);
            assertThat(cluster.embedded()).isFalse();
        }
    }

    @Test
    void shouldTakeTheFileFromTheEnvironment() {
        var parsed = Wnd.commandLine(Map.of("WND_CLIENT_CONFIG", "/etc/wnd/client.properties",
                "WND_REPLICATION_FACTOR", "3")).parseArgs("features");
        FeaturesCommand features = (FeaturesCommand) parsed.subcommand().commandSpec().userObject();

        assertThat(features.cluster.clientConfig).isEqualTo(Path.of("/etc/wnd/client.properties"));
        assertThat(features.cluster.replicationFactor).isEqualTo((short) 3);
    }
}
