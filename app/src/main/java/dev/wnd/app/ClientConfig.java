package dev.wnd.app;

import dev.wnd.schemas.kafka.KafkaConnection;
import dev.wnd.schemas.registry.RegistryConnection;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The client settings of a real cluster ({@code --client-config FILE}): one Java properties file in Confluent's
 * convention, holding Kafka client settings ({@code security.protocol}, {@code sasl.mechanism},
 * {@code sasl.jaas.config}, {@code ssl.truststore.location}, {@code ssl.keystore.*}, ...) beside the schema
 * registry's ({@code basic.auth.credentials.source=USER_INFO}, {@code basic.auth.user.info=user:password},
 * {@code schema.registry.ssl.truststore.*}, {@code schema.registry.ssl.keystore.*}). The registry keys go to the
 * registry client only; the others to every Kafka client (producers, consumers, admin clients, Streams).
 * Immutable, validated on construction: a key no Kafka client knows, a key the stages set themselves and a
 * registry setting this client cannot honour are refused, naming the key.
 *
 * @param kafka the Kafka client settings
 * @param registry the schema-registry settings
 */
record ClientConfig(Map<String, String> kafka, Map<String, String> registry) {

    /** No settings: PLAINTEXT Kafka, a registry without authentication. */
    static final ClientConfig NONE = new ClientConfig(Map.of(), Map.of());

    ClientConfig {
        kafka = Map.copyOf(kafka);
        registry = Map.copyOf(registry);
        Set<String> unknown = new TreeSet<>();
        for (String key : kafka.keySet()) {
            if (KafkaConnection.isRegistryKey(key)) {
                throw new IllegalArgumentException(key + " is a schema-registry setting, not a Kafka one");
            }
            if (!KafkaConnection.OWNED_KEYS.containsKey(key) && !knownKafkaKeys().contains(key)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("not a Kafka producer, consumer, admin or Streams setting: " + unknown);
        }
        if (registry.containsKey("schema.registry.url")) {
            throw new IllegalArgumentException("schema.registry.url: give the registry with --registry");
        }
        // Refuse what the clients set themselves, and registry settings that cannot be honoured, now rather than
        // when the first client starts.
        new KafkaConnection("validation:9092", kafka);
        RegistryConnection.fromSettings("https://validation:8081", registry);
    }

    /**
     * Reads a properties file.
     *
     * @throws IllegalArgumentException naming the file when it is missing, unreadable or holds a refused key
     */
    static ClientConfig load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("--client-config " + file + ": no such file");
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException("--client-config " + file + ": cannot read it: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--client-config " + file + ": not a properties file: "
                    + e.getMessage(), e);
        }
        try {
            return of(p);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--client-config " + file + ": " + e.getMessage(), e);
        }
    }

    /** Splits properties into Kafka and registry settings. */
    static ClientConfig of(Properties properties) {
        Map<String, String> kafka = new TreeMap<>();
        Map<String, String> registry = new TreeMap<>();
        for (String key : properties.stringPropertyNames()) {
            String value = properties.getProperty(key).trim();
            (KafkaConnection.isRegistryKey(key) ? registry : kafka).put(key.trim(), value);
        }
        return new ClientConfig(kafka, registry);
    }

    /** The Kafka connection to {@code bootstrapServers} with these settings. */
    KafkaConnection kafkaConnection(String bootstrapServers) {
        return new KafkaConnection(bootstrapServers, kafka);
    }

    /** The registry connection to {@code url} with these settings. */
    RegistryConnection registryConnection(String url) {
        return RegistryConnection.fromSettings(url, registry);
    }

    boolean isEmpty() {
        return kafka.isEmpty() && registry.isEmpty();
    }

    private static Set<String> knownKafkaKeys() {
        Set<String> known = new HashSet<>(ProducerConfig.configNames());
        known.addAll(ConsumerConfig.configNames());
        known.addAll(AdminClientConfig.configNames());
        known.addAll(StreamsConfig.configDef().names());
        return known;
    }

    /** Only the keys: the values hold secrets. */
    @Override
    public String toString() {
        return "ClientConfig[kafka=" + new TreeSet<>(kafka.keySet()) + ", registry=" + new TreeSet<>(registry.keySet())
                + "]";
    }
}
