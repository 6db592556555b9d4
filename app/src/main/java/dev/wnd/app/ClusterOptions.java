package dev.wnd.app;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the Kafka cluster and schema registry are: given with --bootstrap/--registry, or embedded. */
public final class ClusterOptions {

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers of an existing cluster. Without it, a broker is started in-process.")
    public String bootstrap;

    @Option(names = "--registry", paramLabel = "URL",
            description = "Confluent-compatible schema registry URL. Without it (and without --bootstrap), one is "
                    + "started in-process.")
    public String registry;

    @picocli.CommandLine.Mixin
    public WorkDirOption work = new WorkDirOption();

    @Option(names = "--kafka-port", defaultValue = "0",
            description = "Port of the embedded broker (0 = any free port; default: ${DEFAULT-VALUE}).")
    public int kafkaPort;

    @Option(names = "--registry-port", defaultValue = "0",
            description = "Port of the embedded registry (0 = any free port; default: ${DEFAULT-VALUE}).")
    public int registryPort;

    @Option(names = "--partitions", defaultValue = "1",
            description = "Partitions of the topics this command creates; existing topics with another count are "
                    + "reported, never changed (default: ${DEFAULT-VALUE}).")
    public int partitions;

    @Option(names = "--replication-factor", paramLabel = "N",
            description = "Replication factor of the topics this command creates (default: the broker's "
                    + "default.replication.factor; 1 on the embedded broker).")
    public Short replicationFactor;

    @Option(names = "--client-config", paramLabel = "FILE",
            description = "Properties file of client settings for a secured cluster (with --bootstrap): Kafka's "
                    + "security.protocol, sasl.*, ssl.* for every Kafka client, and the registry's "
                    + "basic.auth.credentials.source=USER_INFO, basic.auth.user.info, schema.registry.ssl.*.")
    public Path clientConfig;

    /** The work directory ({@code --work-dir}). */
    public Path workDir() {
        return work.value();
    }

    /** Sets the work directory (options built in code, not parsed). */
    public void workDir(Path dir) {
        work.set(dir);
    }

    public boolean external() {
        return bootstrap != null;
    }
}
