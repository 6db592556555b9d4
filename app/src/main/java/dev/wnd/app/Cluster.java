package dev.wnd.app;

import dev.wnd.embedded.EmbeddedRuntime;
import dev.wnd.schemas.registry.HttpSchemaRegistryClient;
import dev.wnd.schemas.topic.AppTopics;
import dev.wnd.schemas.topic.Topic;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka cluster and registry a command works against: an external one, or the embedded broker and registry
 * started for the command's lifetime. Closing stops what this object started and nothing else.
 */
final class Cluster implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Cluster.class);

    private final String bootstrap;
    private final String registryUrl;
    private final EmbeddedRuntime embedded;
    private final AppTopics topics;
    private final int partitions;

    private Cluster(String bootstrap, String registryUrl, EmbeddedRuntime embedded, int partitions) {
        this.bootstrap = bootstrap;
        this.registryUrl = registryUrl;
        this.embedded = embedded;
        this.partitions = partitions;
        this.topics = new AppTopics(new HttpSchemaRegistryClient(registryUrl));
    }

    /**
     * Connects to the cluster of {@code options}, or starts the embedded one in {@code options.workDir/kafka}.
     *
     * @param fresh delete the embedded data first (ignored for an external cluster)
     */
    static Cluster open(ClusterOptions options, boolean fresh) {
        if (options.external()) {
            if (options.registry == null) {
                throw new IllegalArgumentException("--bootstrap needs --registry too (the topics carry Avro)");
            }
            LOG.info("using the Kafka cluster at {} and the schema registry at {}", options.bootstrap, options.registry);
            return new Cluster(options.bootstrap, options.registry, null, options.partitions);
        }
        Path dir = options.workDir.resolve("cluster");
        EmbeddedRuntime runtime = fresh
                ? EmbeddedRuntime.startFresh(dir, options.kafkaPort, options.registryPort, options.partitions)
                : EmbeddedRuntime.start(new EmbeddedRuntime.Config(dir, options.kafkaPort, options.registryPort,
                        options.partitions));
        return new Cluster(runtime.bootstrapServers(), runtime.registryUrl(), runtime, options.partitions);
    }

    String bootstrap() {
        return bootstrap;
    }

    String registryUrl() {
        return registryUrl;
    }

    AppTopics topics() {
        return topics;
    }

    boolean embedded() {
        return embedded != null;
    }

    Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return Admin.create(p);
    }

    /**
     * Creates every topic of the system that is missing, idempotently. Event-time topics keep their records
     * forever: their timestamps lie in 2016 and time-based retention would delete them at once.
     */
    void ensureTopics() {
        try (Admin admin = admin()) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = new ArrayList<>();
            for (Topic<?, ?> t : topics.all()) {
                if (!existing.contains(t.name())) {
                    NewTopic nt = t.declaration(partitions, (short) 1);
                    java.util.HashMap<String, String> configs = new java.util.HashMap<>(
                            nt.configs() == null ? Map.of() : nt.configs());
                    configs.put("retention.ms", "-1");
                    missing.add(nt.configs(configs));
                }
            }
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get();
                LOG.info("created {} topics with {} partition(s)", missing.size(), partitions);
            }
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
                throw new IllegalStateException("cannot create topics on " + bootstrap + ": " + e.getCause(), e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }

    @Override
    public void close() {
        if (embedded != null) {
            embedded.close();
        }
    }
}
