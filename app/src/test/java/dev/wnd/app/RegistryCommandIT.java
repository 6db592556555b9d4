package dev.wnd.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wnd.embedded.EmbeddedKafka;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code wnd registry} as docker-compose.offline.yml runs it: on every interface (through its relay), with a health
 * file, keeping its schemas in the broker across a restart.
 */
class RegistryCommandIT {

    private static final String SCHEMA = "{\"schema\": \"{\\\"type\\\": \\\"record\\\", \\\"name\\\": \\\"R\\\", "
            + "\\\"fields\\\": [{\\\"name\\\": \\\"a\\\", \\\"type\\\": \\\"long\\\"}]}\"}";

    @TempDir
    Path work;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void shouldServeOnEveryInterfaceBeatWhileItAnswersAndKeepItsSchemasAcrossARestart() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(new EmbeddedKafka.Config(work.resolve("kafka")))) {
            int port = freePort();
            Path health = work.resolve("health");

            Running first = start(kafka.bootstrapServers(), port, health);
            URI base = URI.create("http://127.0.0.1:" + port);
            await("the registry answering").atMost(Duration.ofSeconds(90))
                    .until(() -> get(base.resolve("/subjects")).status() == 200);
            HttpResponse<String> registered = http.send(HttpRequest.newBuilder(base.resolve("/subjects/r-value/versions"))
                    .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                    .POST(HttpRequest.BodyPublishers.ofString(SCHEMA)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
            assertThat(registered.body()).isEqualTo("{\"id\":1}");

            await("the heartbeat").atMost(Duration.ofSeconds(30)).until(() -> Files.exists(health));
            assertThat(healthCheck(health)).isZero();

            first.command.stop();
            assertThat(first.exit.get(30, TimeUnit.SECONDS)).isZero();
            assertThat(health).as("removed on stop").doesNotExist();
            assertThat(canConnect(port)).as("the listener is closed").isFalse();

            // Started again on the same broker: the schema and its id come back from the _schemas topic.
            Running second = start(kafka.bootstrapServers(), port, health);
            await("the registry answering again").atMost(Duration.ofSeconds(90))
                    .until(() -> get(base.resolve("/subjects")).status() == 200);
            assertThat(get(base.resolve("/subjects")).body()).isEqualTo("[\"r-value\"]");
            assertThat(get(base.resolve("/schemas/ids/1")).body()).contains("long");
            second.command.stop();
            assertThat(second.exit.get(30, TimeUnit.SECONDS)).isZero();
        }
    }

    @Test
    void shouldWaitForAClusterThatCannotBeReachedYetAndNotForAnythingElse() {
        assertThat(Outages.isOutage(new IllegalStateException("timed out creating topic _schemas",
                new java.util.concurrent.TimeoutException()))).isTrue();
        assertThat(Outages.isOutage(new IllegalStateException("x", new TimeoutException("no leader"))))
                .isTrue();
        assertThat(Outages.isOutage(new ConfigException("No resolvable bootstrap urls given in "
                + "bootstrap.servers"))).isTrue();
        assertThat(Outages.isOutage(new IllegalArgumentException("basic-auth user info must be "
                + "user:password"))).isFalse();
    }

    private record Running(RegistryCommand command, CompletableFuture<Integer> exit) {
    }

    private static Running start(String bootstrap, int port, Path health) {
        CommandLine cli = Wnd.commandLine(Map.of());
        RegistryCommand command = cli.getSubcommands().get("registry").getCommand();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cli.execute("registry", "--bootstrap",
                bootstrap, "--host", "0.0.0.0", "--port", String.valueOf(port), "--health-file", health.toString()));
        return new Running(command, exit);
    }

    /** A GET's status and body; status 0 when the connection failed. */
    private record Answer(int status, String body) {
    }

    private Answer get(URI uri) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body());
        } catch (IOException e) {
            return new Answer(0, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(0, e.toString());
        }
    }

    private static int healthCheck(Path file) {
        CommandLine cli = Wnd.commandLine(Map.of());
        cli.setOut(new PrintWriter(new StringWriter()));
        cli.setErr(new PrintWriter(new StringWriter()));
        return cli.execute("health", "--health-file", file.toString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("0.0.0.0"))) {
            return s.getLocalPort();
        }
    }

    private static boolean canConnect(int port) {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
