package dev.wnd.features.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wnd.schemas.kafka.KafkaConnection;
import dev.wnd.schemas.registry.RegistryConnection;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class StreamsSettingsTest {

    @Test
    void shouldGiveTheClusterSecuritySettingsToTheStreamsClientsAndTheRegistryToTheDeadLetterHandler() {
        KafkaConnection kafka = new KafkaConnection("k:9093", Map.of("security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512", "ssl.truststore.location", "/etc/kafka/trust.p12"));
        RegistryConnection registry = RegistryConnection.fromSettings("https://sr:8081", Map.of(
                "basic.auth.credentials.source", "USER_INFO", "basic.auth.user.info", "u:p"));

        Properties p = new StreamsSettings("app", kafka, registry, Path.of("/tmp/s"), "features", true, 100)
                .toProperties();
        StreamsConfig config = new StreamsConfig(p);

        for (Map<String, Object> client : java.util.List.of(config.getMainConsumerConfigs("app", "c", 0),
                config.getProducerConfigs("p"), config.getAdminConfigs("a"), config.getRestoreConsumerConfigs("r"))) {
            assertThat(client).containsEntry("security.protocol", "SASL_SSL")
                    .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                    .containsEntry("ssl.truststore.location", "/etc/kafka/trust.p12")
                    .containsEntry("bootstrap.servers", "k:9093");
        }
        assertThat(p.get(DeadLetterHandler.REGISTRY_CONFIG)).isEqualTo(registry);
        for (String handler : java.util.List.of(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG)) {
            assertThat(p.get(handler)).as(handler).isEqualTo(DeadLetterHandler.class);
        }
        assertThat(p).doesNotContainKey("basic.auth.user.info");
    }
}
