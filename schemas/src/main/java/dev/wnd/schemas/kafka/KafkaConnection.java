package dev.wnd.schemas.kafka;

import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * How every Kafka client of this system reaches the cluster: the bootstrap servers plus the client settings a
 * real cluster needs (security.protocol, sasl.*, ssl.*, client.dns.lookup, ...). Every producer, consumer, admin
 * client and Streams application starts from {@link #properties()}, so a setting given once reaches all of them.
 * Immutable, validated on construction.
 *
 * <p>The settings are the base; what a client sets for its own correctness (serializers, transactional ids,
 * group ids, isolation level, idempotence, processing guarantee) is set on top and must not come from here:
 * such keys are refused, as is {@code bootstrap.servers} (given separately) and any schema-registry key.
 *
 * @param bootstrapServers Kafka bootstrap servers, {@code host:port[,host:port...]}
 * @param settings further client settings, as in a Kafka client properties file; copied
 */
public record KafkaConnection(String bootstrapServers, Map<String, String> settings) {

    /** Keys a client of this system sets itself; a settings file giving them is refused with the reason. */
    public static final Map<String, String> OWNED_KEYS = Map.ofEntries(
            Map.entry("bootstrap.servers", "give the cluster with --bootstrap"),
            Map.entry("key.serializer", "each client chooses its serializers"),
            Map.entry("value.serializer", "each client chooses its serializers"),
            Map.entry("key.deserializer", "each client chooses its deserializers"),
            Map.entry("value.deserializer", "each client chooses its deserializers"),
            Map.entry("transactional.id", "the replay derives it from the replay id"),
            Map.entry("enable.idempotence", "exactly-once producers need it on"),
            Map.entry("isolation.level", "the readers of transactional topics need read_committed"),
            Map.entry("group.id", "each stage names its own consumer group"),
            Map.entry("enable.auto.commit", "the learner commits offsets in its checkpoints"),
            Map.entry("application.id", "the Streams stages name themselves"),
            Map.entry("processing.guarantee", "each Streams stage chooses its guarantee"),
            Map.entry("state.dir", "give --work-dir"));

    public KafkaConnection {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(settings, "settings");
        if (bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrapServers must not be blank");
        }
        Set<String> owned = settings.keySet().stream().filter(OWNED_KEYS::containsKey)
                .collect(Collectors.toCollection(java.util.TreeSet::new));
        if (!owned.isEmpty()) {
            throw new IllegalArgumentException("Kafka client settings may not set " + owned.stream()
                    .map(k -> k + " (" + OWNED_KEYS.get(k) + ")").collect(Collectors.joining(", ")));
        }
        Set<String> registry = settings.keySet().stream().filter(KafkaConnection::isRegistryKey)
                .collect(Collectors.toCollection(java.util.TreeSet::new));
        if (!registry.isEmpty()) {
            throw new IllegalArgumentException("schema-registry settings are not Kafka client settings: " + registry);
        }
        settings = Map.copyOf(settings);
    }

    /** A connection with no settings beyond the bootstrap servers (PLAINTEXT, as the embedded broker takes). */
    public static KafkaConnection plaintext(String bootstrapServers) {
        return new KafkaConnection(bootstrapServers, Map.of());
    }

    /**
     * Whether a key of a Confluent-style client properties file belongs to the schema-registry client rather than
     * to Kafka clients: {@code schema.registry.*}, {@code basic.auth.*} and {@code bearer.auth.*}.
     */
    public static boolean isRegistryKey(String key) {
        return key.startsWith("schema.registry.") || key.startsWith("basic.auth.") || key.startsWith("bearer.auth.");
    }

    /**
     * A fresh, mutable set of client properties: the settings and {@code bootstrap.servers}. The one place every
     * client's configuration starts from; the caller adds its own keys on top.
     */
    public Properties properties() {
        Properties p = new Properties();
        p.putAll(settings);
        p.put("bootstrap.servers", bootstrapServers);
        return p;
    }

    /** As {@link #properties()}, as a map (for the clients that take one). */
    public Map<String, Object> config() {
        Map<String, Object> m = new java.util.HashMap<>(settings);
        m.put("bootstrap.servers", bootstrapServers);
        return m;
    }

    /** Secrets (passwords, JAAS configs, keys) are masked. */
    @Override
    public String toString() {
        Map<String, String> shown = new TreeMap<>();
        settings.forEach((k, v) -> shown.put(k, isSecret(k) ? "[hidden]" : v));
        return "KafkaConnection[bootstrapServers=" + bootstrapServers + ", settings=" + shown + "]";
    }

    static boolean isSecret(String key) {
        String k = key.toLowerCase(java.util.Locale.ROOT);
        return k.contains("password") || k.contains("jaas") || k.contains("secret") || k.endsWith(".key")
                || k.contains("user.info") || k.contains("token");
    }
}
