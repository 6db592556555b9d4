package dev.wnd.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry client over TLS, against a small HTTPS server answering {@code GET /schemas/ids/1} behind basic
 * auth; its certificate (for 127.0.0.1) and the client's trust store are made by keytool at the start.
 */
class RegistryTlsTest {

    private static final String PASSWORD = "changeit";

    @TempDir
    static Path dir;
    static HttpsServer server;
    static String url;

    @BeforeAll
    static void start() throws Exception {
        Path serverStore = dir.resolve("server.p12");
        Path cert = dir.resolve("server.cer");
        keytool("-genkeypair", "-alias", "registry", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-storetype", "PKCS12",
                "-keystore", serverStore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
        keytool("-exportcert", "-alias", "registry", "-keystore", serverStore.toString(), "-storepass", PASSWORD,
                "-file", cert.toString());
        keytool("-importcert", "-noprompt", "-alias", "registry", "-file", cert.toString(), "-storetype", "PKCS12",
                "-keystore", dir.resolve("trust.p12").toString(), "-storepass", PASSWORD);

        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(serverStore)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD.toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);

        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/schemas/ids/1", exchange -> {
            boolean authorized = "Basic YWxpY2U6czNjcmV0".equals(exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] body = (authorized ? "{\"schema\":\"\\\"string\\\"\"}" : "{\"error_code\":401,\"message\":\"Unauthorized\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(authorized ? 200 : 401, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        url = "https://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("keytool %s: %s", args[0], out).isZero();
    }

    private static Map<String, String> trusting(Map<String, String> more) {
        Map<String, String> settings = new java.util.HashMap<>(more);
        settings.put("schema.registry.ssl.truststore.location", dir.resolve("trust.p12").toString());
        settings.put("schema.registry.ssl.truststore.password", PASSWORD);
        settings.put("schema.registry.ssl.truststore.type", "PKCS12");
        return settings;
    }

    @Test
    void shouldFetchOverTlsTrustingTheGivenTrustStoreWithCredentials() {
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(RegistryConnection.fromSettings(url,
                trusting(Map.of("basic.auth.credentials.source", "USER_INFO", "basic.auth.user.info", "alice:s3cret"))));

        assertThat(client.schemaById(1)).isEqualTo(Schema.create(Schema.Type.STRING));
    }

    @Test
    void shouldRefuseACertificateItWasNotToldToTrust() {
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(url);

        assertThatThrownBy(() -> client.schemaById(1)).isInstanceOf(RegistryException.class)
                .hasMessageContaining("cannot reach the schema registry at " + url);
    }

    @Test
    void shouldSay401WhenTheCredentialsAreMissing() {
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(RegistryConnection.fromSettings(url,
                trusting(Map.of())));

        assertThatThrownBy(() -> client.schemaById(1)).isInstanceOf(RegistryException.class)
                .hasMessageContaining("HTTP 401").hasMessageContaining("basic.auth.user.info");
    }

    @Test
    void shouldNameAMissingTrustStore() {
        Path missing = dir.resolve("missing.p12");

        assertThatThrownBy(() -> new HttpSchemaRegistryClient(RegistryConnection.fromSettings(url,
                Map.of("schema.registry.ssl.truststore.location", missing.toString()))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(missing.toString());
    }
}
