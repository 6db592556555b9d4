package dev.wnd.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wnd.schemas.registry.HttpSchemaRegistryClient;
import dev.wnd.schemas.registry.RegistryConnection;
import dev.wnd.schemas.registry.RegistryException;
import java.nio.file.Path;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry client's basic auth against the embedded registry requiring it. */
class RegistryBasicAuthIT {

    static final Schema USER = new Schema.Parser().parse("""
            {"type":"record","name":"User","namespace":"dev.wnd.test","fields":[{"name":"id","type":"long"}]}""");

    @TempDir
    static Path dir;
    static EmbeddedRuntime runtime;

    @BeforeAll
    static void start() {
        runtime = EmbeddedRuntime.start(new EmbeddedRuntime.Config(dir).withRegistryBasicAuth("alice:s3cret"));
    }

    @AfterAll
    static void stop() {
        if (runtime != null) {
            runtime.close();
        }
    }

    @Test
    void shouldServeAClientGivingTheCredentials() {
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(RegistryConnection.fromSettings(
                runtime.registryUrl(), Map.of("basic.auth.credentials.source", "USER_INFO",
                        "basic.auth.user.info", "alice:s3cret")));

        int id = client.register("user-value", USER);

        assertThat(new HttpSchemaRegistryClient(RegistryConnection.fromSettings(runtime.registryUrl(),
                Map.of("basic.auth.credentials.source", "USER_INFO", "basic.auth.user.info", "alice:s3cret")))
                .schemaById(id)).isEqualTo(USER);
    }

    @Test
    void shouldAnswer401SayingHowToGiveCredentialsToAClientWithout() {
        HttpSchemaRegistryClient anonymous = new HttpSchemaRegistryClient(runtime.registryUrl());

        assertThatThrownBy(() -> anonymous.register("anon-value", USER)).isInstanceOfSatisfying(
                RegistryException.class, e -> assertThat(e.httpStatus()).isEqualTo(401))
                .hasMessageContaining("HTTP 401").hasMessageContaining("basic.auth.user.info");
    }

    @Test
    void shouldAnswer401ToWrongCredentials() {
        HttpSchemaRegistryClient wrong = new HttpSchemaRegistryClient(RegistryConnection.fromSettings(
                runtime.registryUrl(), Map.of("basic.auth.credentials.source", "USER_INFO",
                        "basic.auth.user.info", "alice:wrong")));

        assertThatThrownBy(() -> wrong.register("wrong-value", USER)).isInstanceOf(RegistryException.class)
                .hasMessageContaining("HTTP 401").hasMessageContaining("not accepted");
    }
}
