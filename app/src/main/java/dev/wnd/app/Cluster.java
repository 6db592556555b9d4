package dev.wnd.app;

import dev.wnd.embedded.EmbeddedRuntime;
import dev.wnd.schemas.kafka.KafkaConnection;
import dev.wnd.schemas.registry.HttpSchemaRegistryClient;
import dev.wnd.schemas.registry.RegistryConnection;
import dev.wnd.schemas.topic.AppTopics;
import dev.wnd.schemas.topic.TopicPlan;
import dev.wnd.schemas.topic.TopicReconciler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka cluster and registry a command works against: an external one (with the security settings of
 * {@code --client-config}), or the embedded broker and registry started for the command's lifetime (PLAINTEXT on
 * 127.0.0.1 only). Every Kafka client of a command starts from {@link #kafka()}, and the registry client is built
 * from {@link #registry()}, so a cluster's security settings reach all of them. Closing stops what this object
 * started and nothing else.
 */
public final class Cluster implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Cluster.class);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(60);
    /** The Streams state directory inside the work directory. */
    private static final String STATE = "state";

    private final KafkaConnection kafka;
    private final RegistryConnection registry;
    private final EmbeddedRuntime embedded;
    private final AppTopics topics;
    private final int partitions;
    private final Optional<Short> replicationFactor;
    private final Path workDir;
    private WorkDirLock workDirLock;
    private Path stateDir;

    private Cluster(KafkaConnection kafka, RegistryConnection registry, EmbeddedRuntime embedded, int partitions,
            Optional<Short> replicationFactor, Path workDir, WorkDirLock workDirLock) {
        this.kafka = kafka;
        this.registry = registry;
        this.embedded = embedded;
        this.partitions = partitions;
        this.replicationFactor = replicationFactor;
        this.workDir = workDir;
        this.workDirLock = workDirLock;
        this.topics = new AppTopics(new HttpSchemaRegistryClient(registry));
    }

    /**
     * Connects to the cluster of {@code options}, or starts the embedded one in {@code options.workDir()/cluster}.
     * The embedded cluster makes this command the owner of the work directory ({@link WorkDirLock}) until
     * {@link #close()}; a command that already holds it passes it to {@link #open(ClusterOptions, boolean,
     * WorkDirLock)}.
     *
     * @param fresh delete the embedded data, and the Streams state built on it, first (ignored for an external
     *     cluster)
     * @throws IllegalArgumentException for options that do not fit together or a refused client config
     * @throws WorkDirLock.WorkDirBusyException when another command holds the work directory
     */
    public static Cluster open(ClusterOptions options, boolean fresh) {
        return open(options, fresh, null);
    }

    /**
     * As {@link #open(ClusterOptions, boolean)}, with the work directory already held by the caller; the cluster
     * takes the lock over and releases it on {@link #close()}.
     *
     * @param held the caller's lock on {@code options.workDir()}, or null to claim it here when needed
     */
    public static Cluster open(ClusterOptions options, boolean fresh, WorkDirLock held) {
        if (options.partitions < 1) {
            throw new IllegalArgumentException("--partitions must be >= 1, was " + options.partitions);
        }
        if (options.replicationFactor != null && options.replicationFactor < 1) {
            throw new IllegalArgumentException("--replication-factor must be >= 1, was " + options.replicationFactor);
        }
        Optional<Short> replication = Optional.ofNullable(options.replicationFactor);
        if (options.external()) {
            if (options.registry == null) {
                throw new IllegalArgumentException("--bootstrap needs --registry too (the topics carry Avro)");
            }
            ClientConfig client = options.clientConfig == null ? ClientConfig.NONE
                    : ClientConfig.load(options.clientConfig);
            KafkaConnection kafka = client.kafkaConnection(options.bootstrap);
            RegistryConnection registry = client.registryConnection(options.registry);
            LOG.info("using the Kafka cluster {} and the schema registry {}", kafka, registry);
            return new Cluster(kafka, registry, null, options.partitions, replication, options.workDir(), held);
        }
        if (options.clientConfig != null) {
            throw new IllegalArgumentException("--client-config " + options.clientConfig + " is for an external "
                    + "cluster (--bootstrap and --registry); the embedded broker and registry take plain connections "
                    + "on 127.0.0.1 only");
        }
        WorkDirLock lock = held != null ? held : WorkDirLock.claim(options.workDir());
        try {
            Path dir = options.workDir().resolve("cluster");
            EmbeddedRuntime runtime;
            if (fresh) {
                // The Streams state of the stages belongs to the cluster it was built on: it goes with it.
                WorkDirLock.deleteTree(options.workDir().resolve(STATE));
                runtime = EmbeddedRuntime.startFresh(dir, options.kafkaPort, options.registryPort,
                        options.partitions);
            } else {
                runtime = EmbeddedRuntime.start(new EmbeddedRuntime.Config(dir, options.kafkaPort,
                        options.registryPort, options.partitions));
            }
            return new Cluster(KafkaConnection.plaintext(runtime.bootstrapServers()),
                    RegistryConnection.plain(runtime.registryUrl()), runtime, options.partitions, replication,
                    options.workDir(), lock);
        } catch (java.io.IOException e) {
            lock.close();
            throw new java.io.UncheckedIOException("cannot delete the stale state in " + options.workDir(), e);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /**
     * The Streams state directory of this command's stages ({@code workDir/state}), checked against this cluster
     * first (see {@link LocalState#reconcile}): state built on another cluster, or recording offsets past the end
     * of a topic, is deleted with a log line so the stages rebuild it from the cluster instead of failing. Claims
     * the work directory if this command does not hold it yet (a stage on an external cluster).
     *
     * @throws WorkDirLock.WorkDirBusyException when another command holds the work directory
     */
    public synchronized Path stateDir() {
        if (stateDir == null) {
            if (workDirLock == null) {
                workDirLock = WorkDirLock.claim(workDir);
            }
            Path dir = workDir.resolve(STATE);
            Outages.waitOut("checking the local state", bootstrap(), () -> {
                try (Admin admin = admin()) {
                    LocalState.reconcile(dir, admin, ADMIN_TIMEOUT);
                }
                return dir;
            });
            stateDir = dir;
        }
        return stateDir;
    }

    /** The cluster and the settings every Kafka client of the command starts from. */
    public KafkaConnection kafka() {
        return kafka;
    }

    /** The registry, with its credentials and TLS settings. */
    public RegistryConnection registry() {
        return registry;
    }

    public String bootstrap() {
        return kafka.bootstrapServers();
    }

    public String registryUrl() {
        return registry.url();
    }

    public AppTopics topics() {
        return topics;
    }

    public boolean embedded() {
        return embedded != null;
    }

    /** Partitions of the topics this command creates. */
    public int partitions() {
        return partitions;
    }

    /** Replication factor of the topics this command creates; empty for the broker's default. */
    public Optional<Short> replicationFactor() {
        return replicationFactor;
    }

    public Admin admin() {
        return Admin.create(kafka.properties());
    }

    /**
     * Applies the {@link TopicPlan} of the application's topics: creates what is missing, sets declared configs that
     * existing topics leave to the broker's default, and warns about every other difference (see
     * {@link TopicReconciler}). Idempotent.
     */
    public TopicReconciler.Report ensureTopics() {
        return Outages.waitOut("setting up the topics", bootstrap(), () -> {
            try (Admin admin = admin()) {
                return new TopicReconciler(admin, replicationFactor, ADMIN_TIMEOUT)
                        .apply(TopicPlan.forApp(topics, partitions));
            } catch (IllegalStateException e) {
                throw new IllegalStateException("cannot set up the topics on " + bootstrap() + ": " + e.getMessage(),
                        e);
            }
        });
    }

    @Override
    public void close() {
        try {
            if (embedded != null) {
                embedded.close();
            }
        } finally {
            if (workDirLock != null) {
                workDirLock.close();
            }
        }
    }
}
