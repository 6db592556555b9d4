package dev.wnd.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.wnd.schemas.kafka.KafkaConnection;
import dev.wnd.schemas.topic.TopicReconciler;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Apache Kafka cluster (one KRaft process acting as broker and controller) running inside the
 * current JVM, bound to {@code 127.0.0.1} only (client and controller listeners). The client listener is PLAINTEXT,
 * or SASL_PLAINTEXT with PLAIN users when {@link Config#saslPlainUsers()} names some (to test secured clients).
 *
 * <h2>Lifecycle</h2>
 * {@link #start(Config)} formats the storage directory if (and only if) it holds no {@code meta.properties} yet,
 * starts the server and blocks until the broker answers an Admin {@code describeCluster} request; it fails with
 * {@link EmbeddedStartupException} if that takes longer than {@link #STARTUP_TIMEOUT}. Starting again on the same
 * {@link Config#dataDir() data directory} after {@link #close()} keeps every topic and record (ports given as
 * {@code 0} are chosen afresh on every start, so clients must take {@link #bootstrapServers()} from the new instance).
 * {@link #close()} shuts the server down and waits for the shutdown to complete; it is idempotent.
 *
 * <h2>Threading</h2>
 * All methods are thread-safe. {@link #createTopics(Collection)} may be called concurrently with clients using the
 * broker. Only one instance may use a data directory at a time (Kafka locks its log directory).
 */
public final class EmbeddedKafka implements AutoCloseable {

    /** How long {@link #start(Config)} waits for the broker to accept connections. */
    public static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final String HOST = "127.0.0.1";
    private static final int NODE_ID = 1;
    static final String LOG_DIR_NAME = "log";
    private static final String SERVER_PROPERTIES = "server.properties";

    /**
     * Settings of one embedded broker.
     *
     * @param dataDir           directory for the server properties and the Kafka log directory ({@code dataDir/log});
     *                          created if missing
     * @param port              client (PLAINTEXT) port on 127.0.0.1, {@code 0} to pick a free one
     * @param controllerPort    KRaft controller port on 127.0.0.1, {@code 0} to pick a free one
     * @param defaultPartitions {@code num.partitions} for auto-created topics and topics created without a count
     * @param saslPlainUsers when not empty, the client listener is {@code SASL_PLAINTEXT} with mechanism
     *                       {@code PLAIN} and accepts exactly these users (name to password); the first name in
     *                       order is also the broker's own; empty (the default) for a {@code PLAINTEXT} listener
     */
    public record Config(Path dataDir, int port, int controllerPort, int defaultPartitions,
            Map<String, String> saslPlainUsers) {
        public Config {
            Objects.requireNonNull(dataDir, "dataDir");
            Objects.requireNonNull(saslPlainUsers, "saslPlainUsers");
            saslPlainUsers = Collections.unmodifiableSortedMap(new TreeMap<>(saslPlainUsers));
            for (var user : saslPlainUsers.entrySet()) {
                if (!user.getKey().matches("[A-Za-z0-9_.-]+") || user.getValue().isEmpty()
                        || user.getValue().contains("\"")) {
                    throw new IllegalArgumentException("SASL user names must be letters, digits, '_', '.' or '-' "
                            + "and passwords non-empty without quotes");
                }
            }
            checkPort("port", port);
            checkPort("controllerPort", controllerPort);
            if (defaultPartitions < 1) {
                throw new IllegalArgumentException("defaultPartitions must be >= 1, was " + defaultPartitions);
            }
            if (port != 0 && port == controllerPort) {
                throw new IllegalArgumentException("port and controllerPort must differ, both were " + port);
            }
        }

        /** A PLAINTEXT client listener. */
        public Config(Path dataDir, int port, int controllerPort, int defaultPartitions) {
            this(dataDir, port, controllerPort, defaultPartitions, Map.of());
        }

        /** Free ports, one partition per auto-created topic, PLAINTEXT. */
        public Config(Path dataDir) {
            this(dataDir, 0, 0, 1);
        }

        /** This config with a SASL_PLAINTEXT (PLAIN) client listener accepting {@code users} (name to password). */
        public Config withSaslPlainUsers(Map<String, String> users) {
            return new Config(dataDir, port, controllerPort, defaultPartitions, users);
        }

        /** The Kafka client settings that log in as the broker's own (first) user; empty for PLAINTEXT. */
        Map<String, String> clientSettings() {
            if (saslPlainUsers.isEmpty()) {
                return Map.of();
            }
            String user = saslPlainUsers.keySet().iterator().next();
            return Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN",
                    "sasl.jaas.config", plainJaas(user, saslPlainUsers.get(user), Map.of()));
        }

        static void checkPort(String name, int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException(name + " must be in 0..65535 (0 = free port), was " + port);
            }
        }
    }

    private final KafkaRaftServer server;
    private final KafkaConnection connection;
    private final String bootstrapServers;
    private final Path logDir;
    private final Admin admin;
    private boolean closed;

    private EmbeddedKafka(KafkaRaftServer server, KafkaConnection connection, Path logDir, Admin admin) {
        this.server = server;
        this.connection = connection;
        this.bootstrapServers = connection.bootstrapServers();
        this.logDir = logDir;
        this.admin = admin;
    }

    /**
     * Starts a broker, formatting its storage first if this data directory was never formatted.
     *
     * @return the running broker, accepting connections on {@link #bootstrapServers()}
     * @throws EmbeddedStartupException if the server cannot start or does not answer within {@link #STARTUP_TIMEOUT}
     */
    public static EmbeddedKafka start(Config config) {
        long t0 = System.nanoTime();
        Path dataDir = config.dataDir().toAbsolutePath();
        Path logDir = dataDir.resolve(LOG_DIR_NAME);
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create Kafka data directory " + logDir, e);
        }
        int port = config.port();
        int controllerPort = config.controllerPort();
        // Config guarantees two given (non-zero) ports differ, so each loop only runs for a port given as 0
        while (port == 0 || port == controllerPort) {
            port = Ports.free();
        }
        while (controllerPort == 0 || controllerPort == port) {
            controllerPort = Ports.free();
        }

        Properties props = serverProperties(logDir, port, controllerPort, config.defaultPartitions());
        if (!config.saslPlainUsers().isEmpty()) {
            addSaslPlain(props, port, config.saslPlainUsers());
        }
        Path propsFile = dataDir.resolve(SERVER_PROPERTIES);
        writeProperties(propsFile, props, "written by EmbeddedKafka; regenerated on every start");

        boolean formatted = false;
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            format(propsFile, logDir);
            formatted = true;
        }

        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        String bootstrap = HOST + ":" + port;
        KafkaConnection connection = new KafkaConnection(bootstrap, config.clientSettings());
        Admin admin = null;
        try {
            server.startup();
            Map<String, Object> adminConfig = connection.config();
            adminConfig.put(AdminClientConfig.CLIENT_ID_CONFIG, "embedded-kafka-admin");
            adminConfig.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
            adminConfig.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
            admin = Admin.create(adminConfig);
            awaitBroker(admin, bootstrap);
        } catch (RuntimeException e) {
            if (admin != null) {
                admin.close(Duration.ZERO);
            }
            shutdown(server);
            if (e instanceof EmbeddedStartupException) {
                throw e;
            }
            throw new EmbeddedStartupException("Kafka broker failed to start in " + dataDir + ": " + e, e);
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        LOG.info("Kafka broker (KRaft) listening on {}, data in {}, started in {} ms{}",
                bootstrap, logDir, ms, formatted ? " (storage newly formatted)" : "");
        return new EmbeddedKafka(server, connection, logDir, admin);
    }

    /** {@code 127.0.0.1:PORT}, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * How a client reaches this broker: the bootstrap servers and, with SASL, the settings that log in as the
     * broker's own user.
     */
    public KafkaConnection connection() {
        return connection;
    }

    /** The Kafka log directory ({@code dataDir/log}). */
    public Path logDir() {
        return logDir;
    }

    /**
     * Creates the topics that do not exist yet; topics that already exist are left as they are (their partition
     * count and configs are not compared). Returns once every partition of every given topic has a leader, so that a
     * client started right after sees the topics and can produce to them. The system's
     * own topics are declared in {@link dev.wnd.schemas.topic.TopicPlan} and applied by
     * {@link dev.wnd.schemas.topic.TopicReconciler}, which does compare; this is for topics a test makes up.
     */
    public void createTopics(Collection<NewTopic> topics) {
        if (topics.isEmpty()) {
            return;
        }
        var futures = admin().createTopics(topics).values();
        List<String> created = new ArrayList<>();
        for (var entry : futures.entrySet()) {
            try {
                entry.getValue().get(60, TimeUnit.SECONDS);
                created.add(entry.getKey());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topic " + entry.getKey() + ": " + e.getCause(),
                            e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while creating topic " + entry.getKey(), e);
            } catch (TimeoutException e) {
                throw new IllegalStateException("timed out creating topic " + entry.getKey(), e);
            }
        }
        TopicReconciler.awaitLeaders(admin(), topics.stream().map(NewTopic::name).toList(), Duration.ofSeconds(60));
        if (!created.isEmpty()) {
            LOG.info("Created topics {}", created);
        }
    }

    /** Shuts the broker down and waits until it has stopped. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        long t0 = System.nanoTime();
        admin.close(Duration.ofSeconds(5));
        shutdown(server);
        LOG.info("Kafka broker on {} stopped in {} ms", bootstrapServers,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    private synchronized Admin admin() {
        if (closed) {
            throw new IllegalStateException("EmbeddedKafka on " + bootstrapServers + " is closed");
        }
        return admin;
    }

    static Properties serverProperties(Path logDir, int port, int controllerPort, int defaultPartitions) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(NODE_ID));
        p.put("listeners", "PLAINTEXT://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("controller.quorum.bootstrap.servers", HOST + ":" + controllerPort);
        p.put("log.dirs", logDir.toString());
        p.put("num.partitions", Integer.toString(defaultPartitions));
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("log.cleaner.dedupe.buffer.size", "8388608");
        p.put("auto.create.topics.enable", "true");
        return p;
    }

    /** Turns the client listener into SASL_PLAINTEXT with mechanism PLAIN for {@code users}. */
    static void addSaslPlain(Properties p, int port, Map<String, String> users) {
        p.put("listeners", "SASL_PLAINTEXT://" + HOST + ":" + port + ","
                + p.getProperty("listeners").substring(p.getProperty("listeners").indexOf("CONTROLLER://")));
        p.put("advertised.listeners", "SASL_PLAINTEXT://" + HOST + ":" + port);
        p.put("listener.security.protocol.map", "SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("inter.broker.listener.name", "SASL_PLAINTEXT");
        p.put("sasl.enabled.mechanisms", "PLAIN");
        p.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
        String self = users.keySet().iterator().next();
        p.put("listener.name.sasl_plaintext.plain.sasl.jaas.config", plainJaas(self, users.get(self), users));
    }

    private static String plainJaas(String user, String password, Map<String, String> accepted) {
        StringBuilder jaas = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required")
                .append(" username=\"").append(user).append("\" password=\"").append(password).append('"');
        accepted.forEach((u, pw) -> jaas.append(" user_").append(u).append("=\"").append(pw).append('"'));
        return jaas.append(';').toString();
    }

    private static void format(Path propsFile, Path logDir) {
        String clusterId = Uuid.randomUuid().toString();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc;
        try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            rc = StorageTool.execute(
                    new String[] {"format", "-t", clusterId, "-c", propsFile.toString(), "--standalone"}, ps);
        } catch (RuntimeException e) {
            throw new EmbeddedStartupException("formatting Kafka storage in " + logDir + " failed: " + e
                    + "\n" + out.toString(StandardCharsets.UTF_8), e);
        }
        if (rc != 0) {
            throw new EmbeddedStartupException("formatting Kafka storage in " + logDir + " failed (exit " + rc + "): "
                    + out.toString(StandardCharsets.UTF_8), null);
        }
        LOG.info("Formatted Kafka storage in {} (cluster id {})", logDir, clusterId);
    }

    private static void awaitBroker(Admin admin, String bootstrap) {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                var nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(5_000))
                        .nodes().get(6, TimeUnit.SECONDS);
                if (!nodes.isEmpty()) {
                    return;
                }
            } catch (ExecutionException | TimeoutException e) {
                last = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EmbeddedStartupException("interrupted while waiting for the broker on " + bootstrap, e);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EmbeddedStartupException("interrupted while waiting for the broker on " + bootstrap, e);
            }
        }
        throw new EmbeddedStartupException("Kafka broker on " + bootstrap + " did not answer describeCluster within "
                + STARTUP_TIMEOUT.toSeconds() + " s", last);
    }

    private static void shutdown(KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            LOG.warn("error while shutting down the Kafka broker", e);
        }
    }

    private static void writeProperties(Path file, Properties props, String comment) {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            props.store(w, comment);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
