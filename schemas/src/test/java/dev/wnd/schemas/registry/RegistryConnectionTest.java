package dev.wnd.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RegistryConnectionTest {

    @Test
    void shouldReadConfluentsBasicAuthAndTlsKeys() {
        RegistryConnection c = RegistryConnection.fromSettings("https://sr:8081/", Map.of(
                "basic.auth.credentials.source", "USER_INFO",
                "basic.auth.user.info", "alice:pw",
                "schema.registry.ssl.truststore.location", "/etc/trust.p12",
                "schema.registry.ssl.truststore.password", "tpw",
                "schema.registry.ssl.truststore.type", "PKCS12",
                "schema.registry.ssl.keystore.location", "/etc/key.jks",
                "security.protocol", "SASL_SSL"));

        assertThat(c.url()).isEqualTo("https://sr:8081");
        assertThat(c.userInfo()).contains("alice:pw");
        assertThat(c.authorization()).contains("Basic YWxpY2U6cHc=");
        assertThat(c.trustStore()).contains(new RegistryConnection.Store(Path.of("/etc/trust.p12"),
                Optional.of("tpw"), "PKCS12", Optional.empty()));
        assertThat(c.keyStore().orElseThrow().type()).isEqualTo("JKS");
        assertThat(c.toString()).doesNotContain("pw\"").doesNotContain("alice:pw");
    }

    @Test
    void shouldNeedNoSettingsForAPlainRegistry() {
        RegistryConnection c = RegistryConnection.fromSettings("http://sr:8081", Map.of());

        assertThat(c).isEqualTo(RegistryConnection.plain("http://sr:8081"));
        assertThat(c.authorization()).isEmpty();
    }

    @Test
    void shouldRefuseWhatItCannotDoNamingTheKey() {
        assertThatThrownBy(() -> RegistryConnection.fromSettings("http://sr:1",
                Map.of("basic.auth.credentials.source", "SASL_INHERIT")))
                .hasMessageContaining("SASL_INHERIT").hasMessageContaining("USER_INFO");
        assertThatThrownBy(() -> RegistryConnection.fromSettings("http://sr:1",
                Map.of("bearer.auth.token", "t"))).hasMessageContaining("bearer.auth.token");
        assertThatThrownBy(() -> RegistryConnection.fromSettings("http://sr:1",
                Map.of("basic.auth.user.info", "a:b"))).hasMessageContaining("basic.auth.credentials.source");
        assertThatThrownBy(() -> RegistryConnection.fromSettings("http://sr:1",
                Map.of("basic.auth.credentials.source", "USER_INFO", "basic.auth.user.info", "nocolon")))
                .hasMessageContaining("user:password");
        assertThatThrownBy(() -> RegistryConnection.fromSettings("http://sr:1",
                Map.of("schema.registry.ssl.truststore.location", "/t"))).hasMessageContaining("not https");
        assertThatThrownBy(() -> RegistryConnection.fromSettings("https://sr:1",
                Map.of("schema.registry.ssl.truststore.password", "x"))).hasMessageContaining("location");
        assertThatThrownBy(() -> RegistryConnection.plain("http://alice:pw@sr:1")).hasMessageContaining("not in the URL");
        assertThatThrownBy(() -> RegistryConnection.plain("sr:1")).hasMessageContaining("http://host:port");
    }
}
