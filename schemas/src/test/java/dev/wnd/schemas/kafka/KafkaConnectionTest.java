package dev.wnd.schemas.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class KafkaConnectionTest {

    @Test
    void shouldStartEveryClientsPropertiesFromTheSettingsAndTheBootstrapServers() {
        KafkaConnection c = new KafkaConnection("k1:9093,k2:9093", Map.of("security.protocol", "SASL_SSL",
                "sasl.mechanism", "PLAIN"));

        Properties p = c.properties();

        assertThat(p).containsEntry("bootstrap.servers", "k1:9093,k2:9093").containsEntry("security.protocol",
                "SASL_SSL").containsEntry("sasl.mechanism", "PLAIN");
        p.put("acks", "all");
        assertThat(c.properties()).doesNotContainKey("acks");
        assertThat(c.config()).containsEntry("sasl.mechanism", "PLAIN");
    }

    @Test
    void shouldRefuseKeysTheClientsSetThemselvesNamingTheReason() {
        assertThatThrownBy(() -> new KafkaConnection("k:1", Map.of("transactional.id", "x")))
                .hasMessageContaining("transactional.id").hasMessageContaining("replay id");
        assertThatThrownBy(() -> new KafkaConnection("k:1", Map.of("bootstrap.servers", "x")))
                .hasMessageContaining("--bootstrap");
    }

    @Test
    void shouldRefuseRegistryKeys() {
        assertThatThrownBy(() -> new KafkaConnection("k:1", Map.of("basic.auth.user.info", "a:b")))
                .hasMessageContaining("basic.auth.user.info");
    }

    @Test
    void shouldHideSecretsWhenPrinted() {
        KafkaConnection c = new KafkaConnection("k:1", Map.of("sasl.jaas.config", "x password=\"s3cret\";",
                "ssl.truststore.password", "s3cret", "security.protocol", "SASL_SSL"));

        assertThat(c.toString()).doesNotContain("s3cret").contains("SASL_SSL");
    }
}
