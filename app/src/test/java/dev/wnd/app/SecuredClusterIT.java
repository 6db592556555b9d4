package dev.wnd.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wnd.embedded.EmbeddedRuntime;
import dev.wnd.ingest.generate.DataGenerator;
import dev.wnd.ingest.generate.GeneratorConfig;
import dev.wnd.model.checkpoint.CheckpointStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wnd train} against a secured cluster: a SASL_PLAINTEXT broker that lets no anonymous client in and a
 * registry that needs basic auth. The replay's producer, consumer and admin client, the topic reconciler, the
 * features Streams application, the dead-letter handler and the learner's consumer and producer all have to get
 * {@code --client-config}'s settings for the command to finish.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecuredClusterIT {

    private static final String KAFKA_PASSWORD = "kafka-secret";
    private static final String REGISTRY_USER_INFO = "wnd:registry-secret";

    @TempDir
    static Path dir;
    static EmbeddedRuntime runtime;

    @BeforeAll
    static void start() {
        runtime = EmbeddedRuntime.start(new EmbeddedRuntime.Config(dir.resolve("cluster"))
                .withKafkaSaslUsers(Map.of("wnd", KAFKA_PASSWORD)).withRegistryBasicAuth(REGISTRY_USER_INFO));
    }

    @AfterAll
    static void stop() {
        if (runtime != null) {
            runtime.close();
        }
    }

    private static Path clientConfig(String name, boolean withRegistryCredentials) throws Exception {
        String text = "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\n"
                + "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required "
                + "username=\"wnd\" password=\"" + KAFKA_PASSWORD + "\";\n"
                + (withRegistryCredentials ? "basic.auth.credentials.source=USER_INFO\nbasic.auth.user.info="
                        + REGISTRY_USER_INFO + "\n" : "");
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    @Test
    @Order(1)
    void shouldLetNoClientWithoutTheSaslSettingsIn() {
        try (Admin anonymous = Admin.create(Map.of("bootstrap.servers", runtime.bootstrapServers(),
                "default.api.timeout.ms", 5_000, "request.timeout.ms", 4_000))) {
            assertThatThrownBy(() -> anonymous.listTopics().names().get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class);
        }
    }

    @Test
    @Order(3)
    void shouldTrainOnASecuredClusterWithTheClientConfigsSettings() throws Exception {
        Path data = dir.resolve("data");
        DataGenerator.generate(GeneratorConfig.defaults(300, 3), data);
        Path models = dir.resolve("models");

        int rc = Wnd.commandLine(Map.of("WND_CLIENT_CONFIG", clientConfig("client.properties", true).toString()))
                .execute("train", "--bootstrap", runtime.bootstrapServers(), "--registry", runtime.registryUrl(),
                        "--data", data.toString(), "--model-dir", models.toString(),
                        "--work-dir", dir.resolve("work").toString(), "--deep-hidden-units", "8",
                        "--global-batch-size", "256");

        assertThat(rc).isZero();
        assertThat(new CheckpointStore(models, 3).loadNewestValid()).isPresent();
    }

    /** First: the replay fails at its first schema registration, before it commits a position. */
    @Test
    @Order(2)
    void shouldFailClearlyWhenTheRegistryCredentialsAreMissing() throws Exception {
        Path data = dir.resolve("data-2");
        DataGenerator.generate(GeneratorConfig.defaults(50, 4), data);
        StringWriter err = new StringWriter();
        var cli = Wnd.commandLine(Map.of());
        cli.setErr(new PrintWriter(err));

        int rc = cli.execute("ingest", "--bootstrap", runtime.bootstrapServers(), "--registry",
                runtime.registryUrl(), "--client-config", clientConfig("no-registry.properties", false).toString(),
                "--data", data.toString(), "--work-dir", dir.resolve("work-2").toString());

        assertThat(rc).isNotZero();
        assertThat(err.toString()).contains("HTTP 401").contains("basic.auth.user.info");
    }
}
