package dev.wnd.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * A caching client for any registry that speaks the Confluent REST API (Confluent, Apicurio's ccompat API,
 * Karapace, Redpanda, or the embedded one).
 *
 * <p>Each (subject, schema) pair and each id is asked for once per client; answers are cached forever, which is
 * safe because registry ids are immutable. Basic auth and TLS come from a {@link RegistryConnection}. Thread-safe.
 */
public final class HttpSchemaRegistryClient implements SchemaRegistryClient {

    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private final URI baseUri;
    private final HttpClient http;
    private final Optional<String> authorization;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();

    /** @param baseUrl e.g. {@code http://127.0.0.1:8081}; a trailing slash is ignored */
    public HttpSchemaRegistryClient(String baseUrl) {
        this(RegistryConnection.plain(baseUrl));
    }

    /**
     * A client sending the connection's basic-auth credentials with every request and, for an {@code https} URL,
     * trusting the connection's trust store (the JDK's default trust when none is given) and presenting its key
     * store's certificate when one is given.
     *
     * @throws IllegalArgumentException when a key or trust store cannot be read (naming the file)
     */
    public HttpSchemaRegistryClient(RegistryConnection connection) {
        this.baseUri = URI.create(connection.url());
        this.authorization = connection.authorization();
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
        if (connection.trustStore().isPresent() || connection.keyStore().isPresent()) {
            builder.sslContext(TlsContexts.of(connection.trustStore(), connection.keyStore()));
        }
        this.http = builder.build();
    }

    @Override
    public int register(String subject, Schema schema) {
        Map<Schema, Integer> ids = idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
        Integer cached = ids.get(schema);
        if (cached != null) {
            return cached;
        }
        String body;
        try {
            body = json.writeValueAsString(Map.of("schema", schema.toString()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        JsonNode answer = send(HttpRequest.newBuilder(uri("/subjects/" + encode(subject) + "/versions"))
                .header("Content-Type", CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofString(body)), "register a schema under subject '" + subject + "'");
        int id = answer.path("id").asInt(-1);
        if (id < 0) {
            throw new RegistryException("registry answered without an id: " + answer, 200, 0, null);
        }
        ids.put(schema, id);
        schemasById.putIfAbsent(id, schema);
        return id;
    }

    @Override
    public Schema schemaById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = send(HttpRequest.newBuilder(uri("/schemas/ids/" + id)).GET(), "fetch schema id " + id);
        Schema schema = new Schema.Parser().parse(answer.path("schema").asText());
        Schema raced = schemasById.putIfAbsent(id, schema);
        return raced != null ? raced : schema;
    }

    private URI uri(String path) {
        return URI.create(baseUri + path);
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private JsonNode send(HttpRequest.Builder request, String what) {
        HttpResponse<String> response;
        try {
            request.timeout(Duration.ofSeconds(30)).header("Accept", CONTENT_TYPE);
            authorization.ifPresent(a -> request.header("Authorization", a));
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new RegistryException("cannot reach the schema registry at " + baseUri + " to " + what + ": " + e,
                    0, 0, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException("interrupted while trying to " + what, 0, 0, e);
        }
        if (response.statusCode() == 401 || response.statusCode() == 403) {
            throw new RegistryException("registry at " + baseUri + " refused to " + what + ": HTTP "
                    + response.statusCode() + (response.statusCode() == 401
                            ? (authorization.isPresent() ? " (the basic-auth credentials were not accepted)"
                                    : " (it needs credentials: basic.auth.credentials.source=USER_INFO and "
                                            + "basic.auth.user.info=user:password in --client-config)")
                            : " (the credentials lack the permission)"),
                    response.statusCode(), 0, null);
        }
        JsonNode node;
        try {
            node = json.readTree(response.body());
        } catch (IOException e) {
            throw new RegistryException("registry at " + baseUri + " answered HTTP " + response.statusCode()
                    + " with a body that is not JSON while trying to " + what, response.statusCode(), 0, e);
        }
        if (response.statusCode() / 100 != 2) {
            throw new RegistryException("registry at " + baseUri + " refused to " + what + ": HTTP "
                    + response.statusCode() + " " + node.path("message").asText(node.toString()),
                    response.statusCode(), node.path("error_code").asInt(0), null);
        }
        return node;
    }
}
