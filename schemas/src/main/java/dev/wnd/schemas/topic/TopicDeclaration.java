package dev.wnd.schemas.topic;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * How one topic is laid out on the cluster. Immutable, validated on construction.
 *
 * @param name the topic name
 * @param partitions the partition count the topic is created with
 * @param configs the topic configs it is created with and that {@link TopicReconciler} checks on an existing
 *     topic; always holds {@code cleanup.policy}; copied, sorted by key
 */
public record TopicDeclaration(String name, int partitions, Map<String, String> configs) {

    /** Keep records forever: the data's event timestamps lie in 2016, so time retention would delete them at once. */
    public static final String FOREVER = "-1";

    public TopicDeclaration {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(configs, "configs");
        if (name.isBlank() || !name.matches("[a-zA-Z0-9._-]+") || name.length() > 249) {
            throw new IllegalArgumentException("not a legal Kafka topic name: '" + name + "'");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("topic " + name + ": partitions must be >= 1, was " + partitions);
        }
        String policy = configs.get(TopicConfig.CLEANUP_POLICY_CONFIG);
        if (policy == null) {
            throw new IllegalArgumentException("topic " + name + ": " + TopicConfig.CLEANUP_POLICY_CONFIG
                    + " must be declared");
        }
        for (String p : policy.split(",")) {
            if (!p.trim().equals(TopicConfig.CLEANUP_POLICY_COMPACT) && !p.trim().equals(TopicConfig.CLEANUP_POLICY_DELETE)) {
                throw new IllegalArgumentException("topic " + name + ": cleanup.policy must be compact, delete or "
                        + "both, was '" + policy + "'");
            }
        }
        configs = Map.copyOf(configs);
    }

    /** An event log: every record kept ({@code cleanup.policy=delete}, {@code retention.ms=-1}). */
    public static TopicDeclaration events(String name, int partitions) {
        return new TopicDeclaration(name, partitions, Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG, FOREVER));
    }

    /** A table: the newest record per key kept ({@code cleanup.policy=compact}, {@code retention.ms=-1}). */
    public static TopicDeclaration table(String name, int partitions) {
        return new TopicDeclaration(name, partitions, Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                TopicConfig.RETENTION_MS_CONFIG, FOREVER));
    }

    /** This declaration with one more topic config (or another value for one). */
    public TopicDeclaration with(String key, String value) {
        Map<String, String> more = new TreeMap<>(configs);
        more.put(key, value);
        return new TopicDeclaration(name, partitions, more);
    }

    /** The declared {@code cleanup.policy}. */
    public String cleanupPolicy() {
        return configs.get(TopicConfig.CLEANUP_POLICY_CONFIG);
    }

    /** Whether the topic keeps only the newest record per key. */
    public boolean compacted() {
        return cleanupPolicy().contains(TopicConfig.CLEANUP_POLICY_COMPACT);
    }

    /** The admin request creating this topic; an empty replication factor takes the broker's default. */
    public NewTopic newTopic(Optional<Short> replicationFactor) {
        return new NewTopic(name, Optional.of(partitions), replicationFactor).configs(configs);
    }

    /** Whether two values of topic config {@code key} mean the same ({@code cleanup.policy} lists in any order). */
    static boolean sameValue(String key, String a, String b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (key.equals(TopicConfig.CLEANUP_POLICY_CONFIG)) {
            return Arrays.equals(Arrays.stream(a.split(",")).map(String::trim).sorted().toArray(),
                    Arrays.stream(b.split(",")).map(String::trim).sorted().toArray());
        }
        return a.trim().equals(b.trim());
    }
}
