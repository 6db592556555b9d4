package dev.wnd.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

import dev.wnd.schemas.kafka.KafkaConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole in-process runtime: an {@link EmbeddedKafka} broker and an {@link EmbeddedSchemaRegistry} storing its
 * schemas on that broker. Used by {@code ./wnd demo} and by integration tests of other modules.
 *
 * <h2>Lifecycle</h2>
 * {@link #start(Config)} starts the broker (Kafka data in {@code dataDir/kafka}), then the registry; if the
 * registry fails the broker is stopped again. {@link #close()} stops them in reverse order and is idempotent.
 * Starting again on the same data directory keeps topics, records, schema ids and versions.
 * {@link #startFresh(Path, int, int, int)} first deletes a data directory that an earlier runtime created.
 *
 * <h2>Threading</h2>
 * All methods are thread-safe; see {@link EmbeddedKafka} and {@link EmbeddedSchemaRegistry}.
 */
public final class EmbeddedRuntime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRuntime.class);
    /** Written into every data directory; {@link #startFresh} deletes only directories that carry it. */
    static final String MARKER = ".wnd-embedded";

    /**
     * Settings of the runtime.
     *
     * @param dataDir           root of all state; the broker keeps its data in {@code dataDir/kafka}
     * @param kafkaPort         broker client port on 127.0.0.1, {@code 0} for a free one (the controller port is
     *                          always chosen free)
     * @param registryPort      registry HTTP port on 127.0.0.1, {@code 0} for a free one
     * @param defaultPartitions partitions of auto-created topics
     * @param registryBasicAuth {@code user:password} the registry requires on every request, or empty for none
     *     (the default)
     * @param kafkaSaslUsers when not empty, the broker's client listener is SASL_PLAINTEXT (PLAIN) for these users,
     *     name to password (see {@link EmbeddedKafka.Config#saslPlainUsers()}); empty (the default) for PLAINTEXT
     */
    public record Config(Path dataDir, int kafkaPort, int registryPort, int defaultPartitions,
            Optional<String> registryBasicAuth, Map<String, String> kafkaSaslUsers) {
        public Config {
            Objects.requireNonNull(dataDir, "dataDir");
            Objects.requireNonNull(registryBasicAuth, "registryBasicAuth");
            kafkaSaslUsers = Map.copyOf(kafkaSaslUsers);
            EmbeddedKafka.Config.checkPort("kafkaPort", kafkaPort);
            EmbeddedKafka.Config.checkPort("registryPort", registryPort);
            if (defaultPartitions < 1) {
                throw new IllegalArgumentException("defaultPartitions must be >= 1, was " + defaultPartitions);
            }
            if (kafkaPort != 0 && kafkaPort == registryPort) {
                throw new IllegalArgumentException("kafkaPort and registryPort must differ, both were " + kafkaPort);
            }
        }

        /** No registry authentication. */
        public Config(Path dataDir, int kafkaPort, int registryPort, int defaultPartitions) {
            this(dataDir, kafkaPort, registryPort, defaultPartitions, Optional.empty(), Map.of());
        }

        /** Free ports, one partition per auto-created topic, no registry authentication. */
        public Config(Path dataDir) {
            this(dataDir, 0, 0, 1);
        }

        /** This config with a registry requiring HTTP basic auth with {@code userInfo} ({@code user:password}). */
        public Config withRegistryBasicAuth(String userInfo) {
            return new Config(dataDir, kafkaPort, registryPort, defaultPartitions, Optional.of(userInfo),
                    kafkaSaslUsers);
        }

        /** This config with a SASL_PLAINTEXT (PLAIN) broker accepting {@code users} (name to password). */
        public Config withKafkaSaslUsers(Map<String, String> users) {
            return new Config(dataDir, kafkaPort, registryPort, defaultPartitions, registryBasicAuth, users);
        }
    }

    private final EmbeddedKafka kafka;
    private final EmbeddedSchemaRegistry registry;

    private EmbeddedRuntime(EmbeddedKafka kafka, EmbeddedSchemaRegistry registry) {
        this.kafka = kafka;
        this.registry = registry;
    }

    /**
     * Starts the broker, then the registry on it.
     *
     * @throws EmbeddedStartupException if either cannot start
     */
    public static EmbeddedRuntime start(Config config) {
        long t0 = System.nanoTime();
        Path dataDir = config.dataDir().toAbsolutePath();
        try {
            Files.createDirectories(dataDir);
            Path marker = dataDir.resolve(MARKER);
            if (!Files.exists(marker)) {
                Files.writeString(marker, "data directory of dev.wnd.embedded.EmbeddedRuntime\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data directory " + dataDir, e);
        }
        EmbeddedKafka kafka = EmbeddedKafka.start(new EmbeddedKafka.Config(dataDir.resolve("kafka"),
                config.kafkaPort(), 0, config.defaultPartitions(), config.kafkaSaslUsers()));
        EmbeddedSchemaRegistry registry;
        try {
            registry = EmbeddedSchemaRegistry.start(kafka.connection(), config.registryPort(),
                    config.registryBasicAuth());
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
        LOG.info("Embedded runtime up in {} ms: Kafka {}, schema registry {}",
                (System.nanoTime() - t0) / 1_000_000, kafka.bootstrapServers(), registry.url());
        return new EmbeddedRuntime(kafka, registry);
    }

    /**
     * Deletes {@code dataDir} (which must be missing, empty, or a data directory of an earlier runtime) and starts
     * a runtime on it.
     *
     * @throws IllegalStateException if {@code dataDir} holds files but was not created by a runtime
     */
    public static EmbeddedRuntime startFresh(Path dataDir, int kafkaPort, int registryPort, int defaultPartitions) {
        Config config = new Config(dataDir, kafkaPort, registryPort, defaultPartitions);
        deleteDataDir(config.dataDir());
        return start(config);
    }

    static void deleteDataDir(Path dataDir) {
        if (!Files.exists(dataDir)) {
            return;
        }
        try {
            boolean empty;
            try (Stream<Path> entries = Files.list(dataDir)) {
                empty = entries.findAny().isEmpty();
            }
            if (!empty && !Files.exists(dataDir.resolve(MARKER))) {
                throw new IllegalStateException("refusing to delete " + dataDir.toAbsolutePath()
                        + ": it is not empty and has no " + MARKER + " marker of an embedded runtime");
            }
            try (Stream<Path> walk = Files.walk(dataDir)) {
                for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                    Files.delete(p);
                }
            }
            LOG.info("Deleted data directory {}", dataDir.toAbsolutePath());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete data directory " + dataDir, e);
        }
    }

    /** The broker, e.g. for {@link EmbeddedKafka#createTopics}. */
    public EmbeddedKafka kafka() {
        return kafka;
    }

    /** {@code 127.0.0.1:PORT} of the broker. */
    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** How a client reaches the broker (with SASL: the settings that log in as the broker's own user). */
    public KafkaConnection kafkaConnection() {
        return kafka.connection();
    }

    /** {@code http://127.0.0.1:PORT} of the schema registry. */
    public String registryUrl() {
        return registry.url();
    }

    /** Stops the registry, then the broker. Idempotent. */
    @Override
    public void close() {
        try {
            registry.close();
        } finally {
            kafka.close();
        }
    }
}
