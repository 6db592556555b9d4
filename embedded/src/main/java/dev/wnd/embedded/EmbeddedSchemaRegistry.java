package dev.wnd.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.wnd.schemas.kafka.KafkaConnection;
import dev.wnd.schemas.topic.TopicPlan;
import dev.wnd.schemas.topic.TopicReconciler;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A schema registry serving the subset of Confluent's REST API that Avro serializers and operators use, with
 * Confluent's JSON bodies and error codes, on the JDK {@link HttpServer} bound to {@code 127.0.0.1}.
 *
 * <h2>Endpoints</h2>
 * <ul>
 *   <li>{@code POST /subjects/{subject}/versions} registers ({@code {"id": N}}); {@code POST /subjects/{subject}}
 *       looks a schema up; {@code GET /subjects}, {@code GET /subjects/{subject}/versions},
 *       {@code GET /subjects/{subject}/versions/{version|latest}[/schema]};</li>
 *   <li>{@code GET /schemas/ids/{id}}, {@code GET /schemas/ids/{id}/versions}, {@code GET /schemas/types};</li>
 *   <li>{@code GET|PUT /config}, {@code GET|PUT|DELETE /config/{subject}} ({@code ?defaultToGlobal=true});</li>
 *   <li>{@code POST /compatibility/subjects/{subject}/versions/{version|latest}} ({@code ?verbose=true}).</li>
 * </ul>
 * Only {@code AVRO} schemas (without references) are supported. Schemas are equal when their parsed
 * {@link Schema}s are equal; an equal schema gets the same global id in every subject. Compatibility levels
 * NONE, BACKWARD (default), FORWARD, FULL and their transitive forms are checked with Avro's
 * {@link org.apache.avro.SchemaCompatibility}.
 *
 * <h2>Durability</h2>
 * Like Confluent's registry, the state lives in the compacted single-partition topic {@value #TOPIC} (same key and
 * value JSON layout, declared by {@link TopicPlan#schemaRegistry()}). {@link #start(String, int)} creates the topic if missing and reads it to the end; every
 * registration or config change is written (acks=all, synchronously) before it is answered and applied, so ids and
 * versions survive restarts of the registry and the broker. Only one registry should write to a topic at a time:
 * this one does not follow writes made by others after it started.
 *
 * <h2>Authentication</h2>
 * Off by default. {@link #start(String, int, Optional)} with {@code user:password} makes every request need that
 * HTTP basic-auth header; others are answered HTTP 401 {@code {"error_code":401,"message":"Unauthorized"}}.
 *
 * <h2>Lifecycle and threading</h2>
 * Requests are served by a small pool of daemon threads; all state access is serialized on one lock, so the
 * registry is safe under concurrent requests. {@link #close()} stops the HTTP server, its threads and the Kafka
 * producer; it is idempotent. Close the registry before the broker it writes to.
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {

    /** The topic holding the registry's state, as {@link TopicPlan#schemaRegistry()} declares it. */
    public static final String TOPIC = TopicPlan.SCHEMAS;

    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(30);
    private static final int HTTP_THREADS = 4;

    private final ObjectMapper json = new ObjectMapper();
    private final Object lock = new Object();
    private final SchemaStore store = new SchemaStore();
    private final KafkaConnection kafka;
    private final KafkaProducer<String, String> producer;
    private final Optional<String> expectedAuthorization;
    private HttpServer server;
    private ExecutorService executor;
    private String url;
    private boolean closed;

    private EmbeddedSchemaRegistry(KafkaConnection kafka, Optional<String> basicAuthUserInfo) {
        this.kafka = kafka;
        this.expectedAuthorization = basicAuthUserInfo.map(u -> "Basic "
                + Base64.getEncoder().encodeToString(u.getBytes(StandardCharsets.UTF_8)));
        this.producer = new KafkaProducer<>(producerConfig(kafka), new StringSerializer(),
                new StringSerializer());
    }

    /**
     * Starts a registry storing its state in {@value #TOPIC} on the given cluster.
     *
     * @param bootstrapServers the Kafka cluster
     * @param port             HTTP port on 127.0.0.1, {@code 0} for a free one
     * @throws EmbeddedStartupException if the topic cannot be created or read, or the port cannot be bound
     */
    public static EmbeddedSchemaRegistry start(String bootstrapServers, int port) {
        return start(bootstrapServers, port, Optional.empty());
    }

    /**
     * As {@link #start(String, int)}, optionally requiring HTTP basic auth on every request.
     *
     * @param basicAuthUserInfo {@code user:password} every request must carry (else HTTP 401, as Confluent's
     *     registry answers); empty for no authentication (the default)
     */
    public static EmbeddedSchemaRegistry start(String bootstrapServers, int port, Optional<String> basicAuthUserInfo) {
        return start(KafkaConnection.plaintext(bootstrapServers), port, basicAuthUserInfo);
    }

    /**
     * As {@link #start(String, int, Optional)}, on a cluster that needs client settings (SASL, TLS).
     *
     * @param kafka the cluster and the settings of the registry's producer, consumer and admin client
     */
    public static EmbeddedSchemaRegistry start(KafkaConnection kafka, int port, Optional<String> basicAuthUserInfo) {
        return start(kafka, Ports.loopback(), port, basicAuthUserInfo);
    }

    /**
     * As {@link #start(KafkaConnection, int, Optional)}, listening on {@code bind} instead of the loopback address:
     * for the registry as a service of its own ({@code wnd registry} in a container, on every interface). The
     * in-process uses (the demo, the tests, the embedded runtime) keep the loopback-only overloads.
     *
     * @param bind the address to listen on; {@link #url()} names the loopback address when it is a wildcard
     */
    public static EmbeddedSchemaRegistry start(KafkaConnection kafka, java.net.InetAddress bind, int port,
            Optional<String> basicAuthUserInfo) {
        String bootstrapServers = kafka.bootstrapServers();
        EmbeddedKafka.Config.checkPort("port", port);
        basicAuthUserInfo.ifPresent(u -> {
            if (u.indexOf(':') < 1) {
                throw new IllegalArgumentException("basic-auth user info must be user:password");
            }
        });
        long t0 = System.nanoTime();
        EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(kafka, basicAuthUserInfo);
        try {
            createTopic(kafka);
            int records = registry.restore();
            registry.listen(bind, port);
            LOG.info("Schema registry (Confluent API) listening on {}, {} schemas restored from {}"
                            + " ({} log records, {} subjects, started in {} ms)",
                    registry.url, registry.store.schemaCount(), TOPIC, records, registry.store.subjects().size(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            return registry;
        } catch (RuntimeException e) {
            registry.close();
            if (e instanceof EmbeddedStartupException) {
                throw e;
            }
            throw new EmbeddedStartupException("schema registry failed to start on " + bootstrapServers + ": " + e, e);
        }
    }

    /** {@code http://127.0.0.1:PORT} (the bound address, when not the loopback or a wildcard), without a trailing slash. */
    public String url() {
        return url;
    }

    /** Stops serving and closes the Kafka producer. Idempotent. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (server != null) {
            server.stop(0);
        }
        if (executor != null) {
            executor.shutdown();
            try {
                if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                    executor.shutdownNow();
                }
            } catch (InterruptedException e) {
                executor.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        producer.close(Duration.ofSeconds(5));
        if (url != null) {
            LOG.info("Schema registry on {} stopped", url);
        }
    }

    // ---- startup ------------------------------------------------------------------------------------------

    private static Map<String, Object> producerConfig(KafkaConnection kafka) {
        Map<String, Object> c = kafka.config();
        c.put(ProducerConfig.CLIENT_ID_CONFIG, "embedded-schema-registry");
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        c.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) KAFKA_TIMEOUT.toMillis());
        c.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) KAFKA_TIMEOUT.toMillis());
        return c;
    }

    private static void createTopic(KafkaConnection kafka) {
        Map<String, Object> config = kafka.config();
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "embedded-schema-registry-admin");
        try (Admin admin = Admin.create(config)) {
            new TopicReconciler(admin, Optional.empty(), KAFKA_TIMEOUT).apply(List.of(TopicPlan.schemaRegistry()));
        } catch (IllegalStateException e) {
            throw new EmbeddedStartupException("cannot create topic " + TOPIC + ": " + e.getMessage(), e);
        }
    }

    /** Reads {@value #TOPIC} from the beginning to its current end into the store. */
    private int restore() {
        Properties c = kafka.properties();
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "embedded-schema-registry-reader");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        int records = 0;
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp), KAFKA_TIMEOUT).get(tp);
            long deadline = System.nanoTime() + KAFKA_TIMEOUT.toNanos();
            while (consumer.position(tp, KAFKA_TIMEOUT) < end) {
                if (System.nanoTime() > deadline) {
                    throw new EmbeddedStartupException("timed out reading " + TOPIC + " to offset " + end, null);
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    synchronized (lock) {
                        apply(r.key(), r.value());
                    }
                    records++;
                }
            }
        }
        return records;
    }

    private void listen(java.net.InetAddress bind, int port) {
        try {
            server = HttpServer.create(new InetSocketAddress(bind, port), 50);
        } catch (IOException e) {
            throw new EmbeddedStartupException("cannot bind the schema registry to " + bind.getHostAddress() + ":"
                    + port, e);
        }
        AtomicInteger n = new AtomicInteger();
        executor = Executors.newFixedThreadPool(HTTP_THREADS, r -> {
            Thread t = new Thread(r, "schema-registry-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        String host = bind.isAnyLocalAddress() ? "127.0.0.1" : bind.getHostAddress();
        url = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + server.getAddress().getPort();
    }

    // ---- the log ------------------------------------------------------------------------------------------

    /** Applies one {@value #TOPIC} record (Confluent's key/value layout); unknown key types are ignored. */
    private void apply(String key, String value) {
        if (key == null) {
            return;
        }
        JsonNode k;
        JsonNode v;
        try {
            k = json.readTree(key);
            v = value == null ? null : json.readTree(value);
        } catch (JsonProcessingException e) {
            LOG.warn("skipping unreadable {} record {}: {}", TOPIC, key, e.getOriginalMessage());
            return;
        }
        String subject = k.path("subject").isTextual() ? k.get("subject").asText() : null;
        switch (k.path("keytype").asText()) {
            case "SCHEMA" -> {
                int version = k.path("version").asInt();
                if (v == null || v.isNull() || v.path("deleted").asBoolean(false)) {
                    store.removeVersion(subject, version);
                    return;
                }
                String type = v.path("schemaType").asText("AVRO");
                if (!"AVRO".equals(type)) {
                    LOG.warn("skipping {} schema of subject {} version {}: only AVRO is supported", type, subject,
                            version);
                    return;
                }
                try {
                    store.applySchema(v.path("subject").asText(subject), v.path("version").asInt(version),
                            v.path("id").asInt(), SchemaStore.parse(v.path("schema").asText()));
                } catch (RegistryException e) {
                    LOG.warn("skipping subject {} version {}: {}", subject, version, e.getMessage());
                }
            }
            case "CONFIG" -> {
                CompatibilityLevel level = v == null || v.isNull() ? null
                        : CompatibilityLevel.parse(v.path("compatibilityLevel").asText(null)).orElse(null);
                store.applyConfig(subject, level);
            }
            default -> {
                // NOOP, DELETE_SUBJECT, MODE, ...: not used here
            }
        }
    }

    /** Writes a record synchronously, then applies it. Caller holds {@link #lock}. */
    private void write(ObjectNode key, ObjectNode value) {
        String k = key.toString();
        String v = value == null ? null : value.toString();
        try {
            producer.send(new ProducerRecord<>(TOPIC, 0, k, v)).get(KAFKA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw RegistryException.storeError(String.valueOf(e.getCause()), e.getCause());
        } catch (TimeoutException e) {
            throw RegistryException.storeError("timed out writing to " + TOPIC, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RegistryException.storeError("interrupted", e);
        }
        apply(k, v);
    }

    private ObjectNode configKey(String subject) {
        ObjectNode key = json.createObjectNode().put("keytype", "CONFIG");
        if (subject == null) {
            key.putNull("subject");
        } else {
            key.put("subject", subject);
        }
        return key.put("magic", 0);
    }

    // ---- HTTP ---------------------------------------------------------------------------------------------

    private record Response(int status, Object body) {
    }

    private void handle(HttpExchange exchange) throws IOException {
        Response response;
        try {
            if (expectedAuthorization.isPresent() && !expectedAuthorization.get()
                    .equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"SchemaRegistry\"");
                throw new RegistryException(401, 401, "Unauthorized");
            }
            response = route(exchange);
        } catch (RegistryException e) {
            response = error(e.httpStatus, e.errorCode, e.getMessage());
        } catch (JsonProcessingException e) {
            response = error(400, 400, "Invalid JSON: " + e.getOriginalMessage());
        } catch (RuntimeException e) {
            LOG.error("{} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
            response = error(500, 50001, "Internal error: " + e);
        }
        byte[] bytes = json.writeValueAsBytes(response.body());
        exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        exchange.sendResponseHeaders(response.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private Response error(int status, int code, String message) {
        return new Response(status, json.createObjectNode().put("error_code", code).put("message", message));
    }

    private Response route(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        List<String> p = segments(exchange.getRequestURI().getRawPath());
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        int n = p.size();
        if (n == 0) {
            return get(method, () -> json.createObjectNode());
        }
        switch (p.get(0)) {
            case "subjects" -> {
                if (n == 1) {
                    return get(method, this::listSubjects);
                }
                String subject = p.get(1);
                if (n == 2) {
                    return post(method, () -> lookup(subject, body(exchange)));
                }
                if (n == 3 && p.get(2).equals("versions")) {
                    if (method.equals("POST")) {
                        return new Response(200, register(subject, body(exchange)));
                    }
                    return get(method, () -> listVersions(subject));
                }
                if (n == 4 && p.get(2).equals("versions")) {
                    return get(method, () -> getVersion(subject, p.get(3)));
                }
                if (n == 5 && p.get(2).equals("versions") && p.get(4).equals("schema")) {
                    return get(method, () -> rawSchema(subject, p.get(3)));
                }
            }
            case "schemas" -> {
                if (n == 2 && p.get(1).equals("types")) {
                    return get(method, () -> json.createArrayNode().add("AVRO"));
                }
                if (n >= 3 && n <= 4 && p.get(1).equals("ids")) {
                    int id = parseId(p.get(2));
                    if (n == 3) {
                        return get(method, () -> schemaById(id));
                    }
                    if (p.get(3).equals("versions")) {
                        return get(method, () -> schemaUsages(id));
                    }
                }
            }
            case "config" -> {
                String subject = n == 2 ? p.get(1) : null;
                if (n <= 2) {
                    return switch (method) {
                        case "GET" -> new Response(200, getConfig(subject,
                                Boolean.parseBoolean(query.get("defaultToGlobal"))));
                        case "PUT" -> new Response(200, putConfig(subject, body(exchange)));
                        case "DELETE" -> new Response(200, deleteConfig(subject));
                        default -> methodNotAllowed();
                    };
                }
            }
            case "compatibility" -> {
                if (n == 5 && p.get(1).equals("subjects") && p.get(3).equals("versions")) {
                    boolean verbose = Boolean.parseBoolean(query.get("verbose"));
                    return post(method, () -> testCompatibility(p.get(2), p.get(4), body(exchange), verbose));
                }
            }
            default -> {
                // fall through to 404
            }
        }
        return error(404, 404, "HTTP 404 Not Found");
    }

    @FunctionalInterface
    private interface Action {
        Object run() throws IOException;
    }

    private Response get(String method, Action action) throws IOException {
        return method.equals("GET") ? new Response(200, action.run()) : methodNotAllowed();
    }

    private Response post(String method, Action action) throws IOException {
        return method.equals("POST") ? new Response(200, action.run()) : methodNotAllowed();
    }

    private Response methodNotAllowed() {
        return error(405, 405, "HTTP 405 Method Not Allowed");
    }

    private JsonNode body(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readAllBytes();
            if (bytes.length == 0) {
                throw new RegistryException(422, 422, "Request body is empty");
            }
            JsonNode node = json.readTree(bytes);
            if (!node.isObject()) {
                throw new RegistryException(422, 422, "Request body must be a JSON object");
            }
            return node;
        }
    }

    private static List<String> segments(String rawPath) {
        List<String> out = new ArrayList<>();
        for (String s : rawPath.split("/")) {
            if (!s.isEmpty()) {
                out.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static Map<String, String> query(String rawQuery) {
        Map<String, String> out = new HashMap<>();
        if (rawQuery != null) {
            for (String pair : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                String k = eq < 0 ? pair : pair.substring(0, eq);
                String v = eq < 0 ? "true" : pair.substring(eq + 1);
                out.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static int parseId(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw RegistryException.schemaNotFound();
        }
    }

    /** -1 for latest. */
    private static int parseVersion(String s) {
        if (s.equals("latest")) {
            return -1;
        }
        try {
            int v = Integer.parseInt(s);
            if (v == -1 || v >= 1) {
                return v;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw RegistryException.invalidVersion(s);
    }

    private static Schema schemaOf(JsonNode body) {
        String type = body.path("schemaType").asText("AVRO");
        if (!type.equalsIgnoreCase("AVRO")) {
            throw RegistryException.invalidSchema("unsupported schema type " + type + " (only AVRO)");
        }
        JsonNode refs = body.get("references");
        if (refs != null && refs.isArray() && !refs.isEmpty()) {
            throw RegistryException.invalidSchema("schema references are not supported");
        }
        JsonNode schema = body.get("schema");
        return SchemaStore.parse(schema == null || !schema.isTextual() ? null : schema.asText());
    }

    private ObjectNode versionJson(SchemaStore.Version v) {
        return json.createObjectNode().put("subject", v.subject()).put("version", v.version()).put("id", v.id())
                .put("schema", v.schemaString());
    }

    // ---- operations ---------------------------------------------------------------------------------------

    private Object listSubjects() {
        synchronized (lock) {
            ArrayNode a = json.createArrayNode();
            store.subjects().forEach(a::add);
            return a;
        }
    }

    private Object listVersions(String subject) {
        synchronized (lock) {
            List<SchemaStore.Version> versions = store.versions(subject);
            if (versions.isEmpty()) {
                throw RegistryException.subjectNotFound(subject);
            }
            ArrayNode a = json.createArrayNode();
            versions.forEach(v -> a.add(v.version()));
            return a;
        }
    }

    private Object getVersion(String subject, String version) {
        int v = parseVersion(version);
        synchronized (lock) {
            return versionJson(store.version(subject, v, version));
        }
    }

    private Object rawSchema(String subject, String version) {
        int v = parseVersion(version);
        synchronized (lock) {
            return rawSchemaNode(store.version(subject, v, version));
        }
    }

    private JsonNode rawSchemaNode(SchemaStore.Version v) {
        try {
            return json.readTree(v.schemaString());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private Object schemaById(int id) {
        synchronized (lock) {
            Schema s = store.schemaById(id).orElseThrow(RegistryException::schemaNotFound);
            return json.createObjectNode().put("schema", s.toString());
        }
    }

    private Object schemaUsages(int id) {
        synchronized (lock) {
            store.schemaById(id).orElseThrow(RegistryException::schemaNotFound);
            ArrayNode a = json.createArrayNode();
            for (SchemaStore.Version v : store.usages(id)) {
                a.addObject().put("subject", v.subject()).put("version", v.version());
            }
            return a;
        }
    }

    private Object lookup(String subject, JsonNode body) {
        Schema schema = schemaOf(body);
        synchronized (lock) {
            if (store.versions(subject).isEmpty()) {
                throw RegistryException.subjectNotFound(subject);
            }
            return versionJson(store.find(subject, schema).orElseThrow(RegistryException::schemaNotFound));
        }
    }

    private Object register(String subject, JsonNode body) {
        Schema schema = schemaOf(body);
        synchronized (lock) {
            ensureOpen();
            Optional<SchemaStore.Version> existing = store.find(subject, schema);
            if (existing.isPresent()) {
                return json.createObjectNode().put("id", existing.get().id());
            }
            List<String> problems = store.incompatibilities(subject, schema);
            if (!problems.isEmpty()) {
                throw RegistryException.incompatible("Schema being registered is incompatible with an earlier schema"
                        + " for subject \"" + subject + "\" (compatibility " + store.effectiveLevel(subject)
                        + "), details: " + problems);
            }
            int id = store.idFor(schema);
            int version = store.nextVersion(subject);
            ObjectNode key = json.createObjectNode().put("keytype", "SCHEMA").put("subject", subject)
                    .put("version", version).put("magic", 1);
            ObjectNode value = json.createObjectNode().put("subject", subject).put("version", version)
                    .put("id", id).put("schema", schema.toString()).put("deleted", false);
            write(key, value);
            LOG.info("Registered schema id {} as subject {} version {}", id, subject, version);
            return json.createObjectNode().put("id", id);
        }
    }

    private Object getConfig(String subject, boolean defaultToGlobal) {
        synchronized (lock) {
            CompatibilityLevel level;
            if (subject == null) {
                level = store.globalLevel();
            } else {
                Optional<CompatibilityLevel> own = store.subjectLevel(subject);
                if (own.isEmpty() && !defaultToGlobal) {
                    throw RegistryException.subjectConfigNotFound(subject);
                }
                level = own.orElse(store.globalLevel());
            }
            return json.createObjectNode().put("compatibilityLevel", level.name());
        }
    }

    private Object putConfig(String subject, JsonNode body) {
        JsonNode node = body.has("compatibility") ? body.get("compatibility") : body.get("compatibilityLevel");
        String name = node == null || node.isNull() ? null : node.asText();
        CompatibilityLevel level = CompatibilityLevel.parse(name)
                .orElseThrow(() -> RegistryException.invalidCompatibilityLevel(name));
        synchronized (lock) {
            ensureOpen();
            write(configKey(subject), json.createObjectNode().put("compatibilityLevel", level.name()));
            LOG.info("Compatibility of {} set to {}", subject == null ? "the registry" : "subject " + subject, level);
        }
        return json.createObjectNode().put("compatibility", level.name());
    }

    private Object deleteConfig(String subject) {
        synchronized (lock) {
            ensureOpen();
            CompatibilityLevel previous;
            if (subject == null) {
                previous = store.globalLevel();
            } else {
                previous = store.subjectLevel(subject)
                        .orElseThrow(() -> RegistryException.subjectConfigNotFound(subject));
            }
            write(configKey(subject), null);
            return json.createObjectNode().put("compatibilityLevel", previous.name());
        }
    }

    private Object testCompatibility(String subject, String version, JsonNode body, boolean verbose) {
        int v = parseVersion(version);
        Schema schema = schemaOf(body);
        List<String> problems;
        synchronized (lock) {
            if (v == -1) {
                problems = store.incompatibilities(subject, schema);
            } else {
                SchemaStore.Version existing = store.version(subject, v, version);
                problems = SchemaStore.incompatibilities(schema, existing, store.effectiveLevel(subject));
            }
        }
        ObjectNode out = json.createObjectNode().put("is_compatible", problems.isEmpty());
        if (verbose) {
            ArrayNode messages = out.putArray("messages");
            problems.forEach(messages::add);
        }
        return out;
    }

    private void ensureOpen() {
        if (closed) {
            throw new RegistryException(503, 50003, "Schema registry is shutting down");
        }
    }
}
