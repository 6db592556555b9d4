package dev.wnd.app;

import dev.wnd.embedded.EmbeddedSchemaRegistry;
import dev.wnd.schemas.kafka.KafkaConnection;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The project's schema registry ({@link EmbeddedSchemaRegistry}: Confluent's REST API, its state in the
 * {@code _schemas} topic) as a service of its own, for deployments that cannot pull a third-party registry image
 * (docker-compose.offline.yml runs it from the wnd image).
 *
 * <p>It listens on {@code --host}: the loopback interface by default, as every embedded service of the project; in a
 * container, {@code --host 0.0.0.0} makes it reachable from the other containers and the published port.
 *
 * <p>It waits for the Kafka cluster at start (the registry reads its topic before it serves), so it can be started
 * beside the broker. Stopped by SIGTERM ({@code docker compose stop}): the registry closes.
 */
@Command(name = "registry", mixinStandardHelpOptions = true,
        description = "Serve a Confluent-compatible schema registry (the subset of the REST API the stages and Avro "
                + "serializers use) that keeps its schemas in the _schemas topic of --bootstrap. Runs until stopped.")
final class RegistryCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryCommand.class);

    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers of the cluster that holds the registry's _schemas topic.")
    String bootstrap;

    @Option(names = "--client-config", paramLabel = "FILE",
            description = "Properties file of client settings for a secured cluster (with --bootstrap): Kafka's "
                    + "security.protocol, sasl.*, ssl.* for every Kafka client, and the registry's "
                    + "basic.auth.credentials.source=USER_INFO, basic.auth.user.info, schema.registry.ssl.*.")
    Path clientConfig;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "HOST",
            description = "Address the registry listens on: 0.0.0.0 for every interface, as in a container "
                    + "(default: ${DEFAULT-VALUE}, this machine only).")
    String host;

    @Option(names = "--port", defaultValue = "8081", paramLabel = "PORT",
            description = "HTTP port of the registry (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--basic-auth", paramLabel = "USER:PASSWORD",
            description = "Require HTTP basic authentication with these credentials on every request (401 "
                    + "otherwise, as Confluent's registry answers). Default: none.")
    String basicAuth;

    @Option(names = "--health-file", paramLabel = "FILE",
            description = "While the registry answers, rewrite FILE every few seconds; `wnd health` checks its age "
                    + "(the container health check). Not written unless given.")
    Path healthFile;

    private final CountDownLatch stopping = new CountDownLatch(1);

    @Override
    public Integer call() throws Exception {
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("--port must be between 1 and 65535, got " + port);
        }
        KafkaConnection kafka = clientConfig == null ? KafkaConnection.plaintext(bootstrap)
                : ClientConfig.load(clientConfig).kafkaConnection(bootstrap);
        InetAddress address = InetAddress.getByName(host);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        CountDownLatch closed = new CountDownLatch(1);
        // SIGTERM: this thread closes the registry, the hook waits for that (System.exit, which main calls after
        // call() returns, blocks while hooks run).
        Thread hook = new Thread(() -> {
            stopping.countDown();
            try {
                closed.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "wnd-registry-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try (EmbeddedSchemaRegistry registry = startWaitingForTheCluster(kafka, address);
                Heartbeat beat = Heartbeat.start(healthFile, () -> answers(http, localUrl()))) {
            System.out.printf("schema registry on http://%s:%d (schemas in the %s topic of %s)%n", host, port,
                    EmbeddedSchemaRegistry.TOPIC, bootstrap);
            stopping.await();
            return 0;
        } finally {
            closed.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook is running
            }
        }
    }

    /** Stops a running {@link #call()} as SIGTERM does (for tests in this JVM). */
    void stop() {
        stopping.countDown();
    }

    /** Starts the registry, waiting out a cluster that cannot be reached yet ({@link Outages#waitOut}). */
    private EmbeddedSchemaRegistry startWaitingForTheCluster(KafkaConnection kafka, InetAddress address) {
        return Outages.waitOut("starting the registry", bootstrap,
                () -> EmbeddedSchemaRegistry.start(kafka, address, port, Optional.ofNullable(basicAuth)));
    }

    /** Where this process reaches its own listener: the loopback address when it listens on every interface. */
    private URI localUrl() {
        String h = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
        return URI.create("http://" + (h.contains(":") ? "[" + h + "]" : h) + ":" + port + "/subjects");
    }

    /** Whether the registry answers {@code GET /subjects} through the address it serves on. */
    private boolean answers(HttpClient http, URI subjects) {
        HttpRequest.Builder request = HttpRequest.newBuilder(subjects).timeout(Duration.ofSeconds(3)).GET();
        if (basicAuth != null) {
            request.header("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString(basicAuth.getBytes(StandardCharsets.UTF_8)));
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            LOG.warn("the registry does not answer on {}: {}", subjects, e.toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
