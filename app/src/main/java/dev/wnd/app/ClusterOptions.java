package dev.wnd.app;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the Kafka cluster and schema registry are: given with --bootstrap/--registry, or embedded. */
public final class ClusterOptions {

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers of an existing cluster. Without it, a broker is started in-process.")
    String bootstrap;

    @Option(names = "--registry", paramLabel = "URL",
            description = "Confluent-compatible schema registry URL. Without it (and without --bootstrap), one is "
                    + "started in-process.")
    String registry;

    @Option(names = "--work-dir", paramLabel = "DIR", defaultValue = ".wnd",
            description = "Where embedded broker data, Streams state and checkpoints live (default: ${DEFAULT-VALUE}).")
    Path workDir;

    @Option(names = "--kafka-port", defaultValue = "0",
            description = "Port of the embedded broker (0 = any free port; default: ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--registry-port", defaultValue = "0",
            description = "Port of the embedded registry (0 = any free port; default: ${DEFAULT-VALUE}).")
    int registryPort;

    @Option(names = "--partitions", defaultValue = "1",
            description = "Partitions of the topics this command creates (default: ${DEFAULT-VALUE}).")
    int partitions;

    boolean external() {
        return bootstrap != null;
    }
}
