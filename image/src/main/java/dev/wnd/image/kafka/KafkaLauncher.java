package dev.wnd.image.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.FeatureMetadata;

/**
 * The entry point of the offline Kafka image (wnd-kafka, docker-compose.offline.yml): Apache Kafka's own broker
 * ({@code kafka.Kafka}, KRaft) configured the way the official {@code apache/kafka} image is, so the compose file's
 * {@code kafka} service runs from either image with the same environment.
 *
 * <ul>
 *   <li>{@code start} (the default): writes {@code server.properties} from the {@code KAFKA_*} variables (the
 *       official image's names: {@code KAFKA_LOG_DIRS} is {@code log.dirs}; {@code __} stands for {@code _} and
 *       {@code ___} for {@code -}), or, when none is set, from the image's single-node defaults; formats the log
 *       directories for {@code CLUSTER_ID} unless they already are (a restart keeps its data); then runs
 *       {@code kafka.Kafka} on that file, which stops cleanly on SIGTERM.</li>
 *   <li>{@code health [HOST:PORT]}: exit status 0 when the broker answers an API-versions exchange and a cluster
 *       description within 10 s (default {@code localhost:9092}), 1 otherwise; the container's health check.</li>
 * </ul>
 * The image has no shell: everything the official image does in its start scripts happens here, in one JVM.
 */
public final class KafkaLauncher {

    /** The official image's default cluster id, used when {@code CLUSTER_ID} is not set. */
    static final String DEFAULT_CLUSTER_ID = "5L6g3nShT-eMCtK--X86sw";

    /** {@code KAFKA_*} variables of the official image that are JVM or tool settings, not broker properties. */
    static final Set<String> NOT_PROPERTIES = Set.of("KAFKA_VERSION", "KAFKA_HEAP_OPTS", "KAFKA_LOG4J_OPTS",
            "KAFKA_OPTS", "KAFKA_JMX_OPTS", "KAFKA_JVM_PERFORMANCE_OPTS", "KAFKA_GC_LOG_OPTS",
            "KAFKA_LOG4J_ROOT_LOGLEVEL", "KAFKA_LOG4J_LOGGERS", "KAFKA_TOOLS_LOG4J_LOGLEVEL", "KAFKA_JMX_HOSTNAME",
            "KAFKA_JMX_PORT");

    private KafkaLauncher() {
    }

    public static void main(String[] args) throws Exception {
        String command = args.length == 0 ? "start" : args[0];
        // Before anything logs: the image's logging configuration, quiet for the health check (it runs every few
        // seconds and its output lands in the container's health log).
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "/opt/kafka/config/logback.xml");
        }
        if (command.equals("health") && System.getProperty("wnd.kafka.log.level") == null) {
            System.setProperty("wnd.kafka.log.level", "WARN");
        }
        switch (command) {
            case "start" -> start(Path.of(System.getProperty("wnd.kafka.defaults", "/opt/kafka/config/server.properties")),
                    Path.of(System.getProperty("wnd.kafka.config", "/tmp/kafka/server.properties")), System.getenv());
            case "health" -> System.exit(health(args.length > 1 ? args[1] : "localhost:9092"));
            default -> {
                System.err.println("usage: KafkaLauncher [start | health [HOST:PORT]]");
                System.exit(2);
            }
        }
    }

    /**
     * The broker properties of {@code env}: each {@code KAFKA_*} variable (but the JVM and tool ones) as a property;
     * empty when none is set.
     */
    static Properties fromEnvironment(Map<String, String> env) {
        Properties props = new Properties();
        new TreeMap<>(env).forEach((name, value) -> {
            if (name.startsWith("KAFKA_") && !NOT_PROPERTIES.contains(name)) {
                props.setProperty(propertyName(name), value);
            }
        });
        return props;
    }

    /** {@code KAFKA_LOG_DIRS} is {@code log.dirs}; {@code ___} is {@code -}, {@code __} is {@code _}. */
    static String propertyName(String variable) {
        return variable.substring("KAFKA_".length()).toLowerCase(Locale.ROOT)
                .replace("___", "-").replace("__", "\u0000").replace('_', '.').replace('\u0000', '_');
    }

    /**
     * The properties the broker runs with: the {@code KAFKA_*} variables when any is set (as the official image,
     * which then ignores its defaults), else the defaults file.
     */
    static Properties brokerProperties(Path defaults, Map<String, String> env) throws IOException {
        Properties props = fromEnvironment(env);
        if (props.isEmpty()) {
            try (Reader in = Files.newBufferedReader(defaults, StandardCharsets.UTF_8)) {
                props.load(in);
            }
        }
        return props;
    }

    /**
     * The {@code kafka-storage format} arguments: {@code --ignore-formatted} so a restart keeps its data;
     * {@code --standalone} when no static quorum ({@code controller.quorum.voters}) is configured.
     */
    static String[] formatArguments(String clusterId, Path config, Properties props) {
        return props.containsKey("controller.quorum.voters")
                ? new String[] {"format", "--cluster-id", clusterId, "--config", config.toString(), "--ignore-formatted"}
                : new String[] {"format", "--cluster-id", clusterId, "--config", config.toString(), "--ignore-formatted",
                    "--standalone"};
    }

    private static void start(Path defaults, Path config, Map<String, String> env) throws IOException {
        Properties props = brokerProperties(defaults, env);
        Files.createDirectories(config.getParent());
        try (Writer out = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
            props.store(out, "written by the wnd-kafka image from its environment");
        }
        String clusterId = env.getOrDefault("CLUSTER_ID", DEFAULT_CLUSTER_ID);
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int rc;
        try (PrintStream ps = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            rc = kafka.tools.StorageTool.execute(formatArguments(clusterId, config, props), ps);
        } catch (RuntimeException e) {
            System.err.print(output.toString(StandardCharsets.UTF_8));
            System.err.println("kafka-storage format failed: " + e.getMessage());
            System.exit(1);
            return;
        }
        System.out.print(output.toString(StandardCharsets.UTF_8));
        if (rc != 0) {
            System.err.println("kafka-storage format exited with " + rc);
            System.exit(rc);
        }
        // The broker's own entry point: shutdown hook (SIGTERM stops it cleanly), startup, wait, exit.
        kafka.Kafka.main(new String[] {config.toString()});
    }

    /** 0 when the broker at {@code bootstrap} answers an API-versions exchange and describes its cluster. */
    static int health(String bootstrap) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "wnd-kafka-health");
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
        try (Admin admin = Admin.create(p)) {
            // describeFeatures is answered from an ApiVersions exchange, as kafka-broker-api-versions.sh checks.
            FeatureMetadata features = admin.describeFeatures().featureMetadata().get(10, TimeUnit.SECONDS);
            int nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(10_000)).nodes()
                    .get(10, TimeUnit.SECONDS).size();
            System.out.printf("healthy: %s answers, %d broker(s), finalized features %s%n", bootstrap, nodes,
                    features.finalizedFeatures().keySet());
            return nodes > 0 ? 0 : 1;
        } catch (Exception e) {
            System.err.println("unhealthy: " + bootstrap + ": " + e);
            return 1;
        }
    }
}
