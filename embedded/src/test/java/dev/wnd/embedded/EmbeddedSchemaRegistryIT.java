package dev.wnd.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wnd.schemas.registry.HttpSchemaRegistryClient;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedSchemaRegistryIT {

    static final String USER_V1 = """
            {"type":"record","name":"User","namespace":"dev.wnd.test","fields":[
              {"name":"id","type":"long"}]}""";
    /** Adds a field without default: a BACKWARD-incompatible change. */
    static final String USER_NO_DEFAULT = """
            {"type":"record","name":"User","namespace":"dev.wnd.test","fields":[
              {"name":"id","type":"long"},{"name":"email","type":"string"}]}""";
    /** Adds a field with a default: BACKWARD (and FORWARD) compatible. */
    static final String USER_V2 = """
            {"type":"record","name":"User","namespace":"dev.wnd.test","fields":[
              {"name":"id","type":"long"},{"name":"country","type":"string","default":"??"}]}""";

    @TempDir
    static Path sharedDir;
    static EmbeddedRuntime runtime;
    static RegistryHttp http;

    @BeforeAll
    static void start() {
        runtime = EmbeddedRuntime.start(new EmbeddedRuntime.Config(sharedDir));
        http = new RegistryHttp(runtime.registryUrl());
    }

    @AfterAll
    static void stop() {
        if (runtime != null) {
            runtime.close();
        }
    }

    @Test
    void shouldListenOnLoopbackOnly() {
        assertThat(runtime.registryUrl()).matches("http://127\\.0\\.0\\.1:\\d+");
    }

    @Test
    void shouldRegisterAndFetchSchemaById() {
        RegistryHttp.Reply reply = http.post("/subjects/fetch-value/versions", RegistryHttp.schemaBody(USER_V1));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.contentType()).isEqualTo(EmbeddedSchemaRegistry.CONTENT_TYPE);
        int id = reply.body().get("id").asInt();
        assertThat(id).isPositive();

        RegistryHttp.Reply byId = http.get("/schemas/ids/" + id);
        assertThat(byId.status()).isEqualTo(200);
        assertThat(new Schema.Parser().parse(byId.body().get("schema").asText()))
                .isEqualTo(new Schema.Parser().parse(USER_V1));
    }

    @Test
    void shouldReturnSameIdForSameSchema() {
        int first = http.register("same-value", USER_V1);
        // same schema, different formatting: equal once parsed
        int second = http.register("same-value", USER_V1.replace("\n", " ").replace(":", " : "));

        assertThat(second).isEqualTo(first);
        assertThat(http.get("/subjects/same-value/versions").body()).hasSize(1);
    }

    @Test
    void shouldReuseGlobalIdForSameSchemaInAnotherSubject() {
        int a = http.register("reuse-a-value", USER_V2);
        int b = http.register("reuse-b-value", USER_V2);

        assertThat(b).isEqualTo(a);
        assertThat(http.get("/subjects/reuse-b-value/versions/latest").body().get("version").asInt()).isEqualTo(1);
        assertThat(http.get("/schemas/ids/" + a + "/versions").body()).hasSize(2);
    }

    @Test
    void shouldRejectIncompatibleChangeWith409AndAcceptCompatibleOneAsVersion2() {
        int v1 = http.register("evolve-value", USER_V1);

        RegistryHttp.Reply rejected = http.post("/subjects/evolve-value/versions",
                RegistryHttp.schemaBody(USER_NO_DEFAULT));
        assertThat(rejected.status()).isEqualTo(409);
        assertThat(rejected.errorCode()).isEqualTo(409);
        assertThat(rejected.body().get("message").asText()).contains("incompatible", "email");

        int v2 = http.register("evolve-value", USER_V2);
        assertThat(v2).isNotEqualTo(v1);
        assertThat(http.get("/subjects/evolve-value/versions").body().toString()).isEqualTo("[1,2]");
        JsonNode latest = http.get("/subjects/evolve-value/versions/latest").body();
        assertThat(latest.get("subject").asText()).isEqualTo("evolve-value");
        assertThat(latest.get("version").asInt()).isEqualTo(2);
        assertThat(latest.get("id").asInt()).isEqualTo(v2);
        assertThat(http.get("/subjects/evolve-value/versions/1").body().get("id").asInt()).isEqualTo(v1);
    }

    @Test
    void shouldAnswerCompatibilityChecks() {
        http.register("check-value", USER_V1);

        assertThat(http.post("/compatibility/subjects/check-value/versions/latest",
                RegistryHttp.schemaBody(USER_V2)).body().get("is_compatible").asBoolean()).isTrue();
        RegistryHttp.Reply incompatible = http.post("/compatibility/subjects/check-value/versions/latest?verbose=true",
                RegistryHttp.schemaBody(USER_NO_DEFAULT));
        assertThat(incompatible.body().get("is_compatible").asBoolean()).isFalse();
        assertThat(incompatible.body().get("messages")).isNotEmpty();
        assertThat(http.get("/subjects/check-value/versions").body()).hasSize(1);
    }

    @Test
    void shouldAcceptAnyChangeUnderCompatibilityNone() {
        http.register("free-value", USER_V1);
        assertThat(http.put("/config/free-value", "{\"compatibility\":\"NONE\"}").status()).isEqualTo(200);

        assertThat(http.post("/subjects/free-value/versions", RegistryHttp.schemaBody(USER_NO_DEFAULT)).status())
                .isEqualTo(200);
    }

    @Test
    void shouldCheckForwardCompatibility() {
        // FORWARD: old readers must read new data; removing a field without default breaks them
        String withName = """
                {"type":"record","name":"Item","fields":[{"name":"id","type":"long"},{"name":"name","type":"string"}]}""";
        String withoutName = """
                {"type":"record","name":"Item","fields":[{"name":"id","type":"long"}]}""";
        http.register("forward-value", withName);
        http.put("/config/forward-value", "{\"compatibility\":\"FORWARD\"}");

        assertThat(http.post("/subjects/forward-value/versions", RegistryHttp.schemaBody(withoutName)).status())
                .isEqualTo(409);
    }

    @Test
    void shouldPutAndGetSubjectAndGlobalConfig() {
        RegistryHttp.Reply put = http.put("/config/configured-value", "{\"compatibility\":\"FULL_TRANSITIVE\"}");
        assertThat(put.status()).isEqualTo(200);
        assertThat(put.body().toString()).isEqualTo("{\"compatibility\":\"FULL_TRANSITIVE\"}");

        assertThat(http.get("/config/configured-value").body().get("compatibilityLevel").asText())
                .isEqualTo("FULL_TRANSITIVE");
        assertThat(http.get("/config").body().get("compatibilityLevel").asText()).isEqualTo("BACKWARD");
        assertThat(http.get("/config/unconfigured-value").errorCode()).isEqualTo(40408);
        assertThat(http.get("/config/unconfigured-value?defaultToGlobal=true").body().get("compatibilityLevel")
                .asText()).isEqualTo("BACKWARD");
        assertThat(http.put("/config/configured-value", "{\"compatibility\":\"SIDEWAYS\"}").errorCode())
                .isEqualTo(42203);
    }

    @Test
    void shouldLookUpSchemaUnderSubject() {
        int id = http.register("lookup-value", USER_V1);

        RegistryHttp.Reply found = http.post("/subjects/lookup-value", RegistryHttp.schemaBody(USER_V1));
        assertThat(found.status()).isEqualTo(200);
        assertThat(found.body().get("id").asInt()).isEqualTo(id);
        assertThat(found.body().get("version").asInt()).isEqualTo(1);
        assertThat(found.body().get("subject").asText()).isEqualTo("lookup-value");
        assertThat(found.body().get("schema").asText()).isNotBlank();

        RegistryHttp.Reply missing = http.post("/subjects/lookup-value", RegistryHttp.schemaBody(USER_V2));
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.errorCode()).isEqualTo(40403);
    }

    @Test
    void shouldAnswerConfluentErrorCodes() {
        http.register("errors-value", USER_V1);

        assertThat(http.get("/subjects/no-such-subject/versions").errorCode()).isEqualTo(40401);
        assertThat(http.get("/subjects/no-such-subject/versions/latest").errorCode()).isEqualTo(40401);
        assertThat(http.post("/subjects/no-such-subject", RegistryHttp.schemaBody(USER_V1)).errorCode())
                .isEqualTo(40401);
        RegistryHttp.Reply noVersion = http.get("/subjects/errors-value/versions/99");
        assertThat(noVersion.status()).isEqualTo(404);
        assertThat(noVersion.errorCode()).isEqualTo(40402);
        assertThat(http.get("/subjects/errors-value/versions/zero").errorCode()).isEqualTo(42202);
        RegistryHttp.Reply noId = http.get("/schemas/ids/987654");
        assertThat(noId.status()).isEqualTo(404);
        assertThat(noId.errorCode()).isEqualTo(40403);
        RegistryHttp.Reply invalid = http.post("/subjects/errors-value/versions",
                RegistryHttp.schemaBody("{\"type\":\"record\",\"name\":\"Broken\"}"));
        assertThat(invalid.status()).isEqualTo(422);
        assertThat(invalid.errorCode()).isEqualTo(42201);
        assertThat(http.post("/subjects/errors-value/versions", "{not json").status()).isEqualTo(400);
    }

    @Test
    void shouldAssignOneIdAndVersionUnderConcurrentRegistrations() throws Exception {
        String schema = """
                {"type":"record","name":"Concurrent","fields":[{"name":"n","type":"int"}]}""";
        List<Callable<Integer>> calls = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            String subject = "concurrent-" + (i % 4) + "-value";
            calls.add(() -> http.register(subject, schema));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            Set<Integer> ids = new HashSet<>();
            for (Future<Integer> f : pool.invokeAll(calls)) {
                ids.add(f.get());
            }
            assertThat(ids).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
        for (int i = 0; i < 4; i++) {
            assertThat(http.get("/subjects/concurrent-" + i + "-value/versions").body().toString()).isEqualTo("[1]");
        }
    }

    @Test
    void shouldListSubjects() {
        http.register("listed-value", USER_V1);

        assertThat(http.get("/subjects").body()).extracting(JsonNode::asText).contains("listed-value");
    }

    @Test
    void shouldKeepIdsVersionsAndConfigAcrossRestartOfRegistryAndBroker(@TempDir Path dir) {
        int v1;
        int v2;
        int other;
        try (EmbeddedRuntime first = EmbeddedRuntime.start(new EmbeddedRuntime.Config(dir))) {
            RegistryHttp client = new RegistryHttp(first.registryUrl());
            other = client.register("restart-other-value", USER_NO_DEFAULT);
            v1 = client.register("restart-value", USER_V1);
            v2 = client.register("restart-value", USER_V2);
            client.put("/config/restart-value", "{\"compatibility\":\"FULL\"}");
            client.put("/config", "{\"compatibility\":\"FORWARD\"}");
        }

        try (EmbeddedRuntime second = EmbeddedRuntime.start(new EmbeddedRuntime.Config(dir))) {
            RegistryHttp client = new RegistryHttp(second.registryUrl());
            assertThat(client.get("/subjects/restart-value/versions").body().toString()).isEqualTo("[1,2]");
            assertThat(client.get("/subjects/restart-value/versions/1").body().get("id").asInt()).isEqualTo(v1);
            assertThat(client.get("/subjects/restart-value/versions/2").body().get("id").asInt()).isEqualTo(v2);
            assertThat(client.get("/schemas/ids/" + other).status()).isEqualTo(200);
            assertThat(client.get("/config/restart-value").body().get("compatibilityLevel").asText())
                    .isEqualTo("FULL");
            assertThat(client.get("/config").body().get("compatibilityLevel").asText()).isEqualTo("FORWARD");
            // re-registering returns the old id; a new schema gets a fresh id, not a reused one
            assertThat(client.register("restart-value", USER_V2)).isEqualTo(v2);
            int fresh = client.register("restart-new-value", """
                    {"type":"enum","name":"Color","symbols":["RED","GREEN"]}""");
            assertThat(fresh).isGreaterThan(Math.max(other, Math.max(v1, v2)));
        }
    }

    @Test
    void shouldComeBackAloneOnTheSamePortWithTheSameIdsWhileTheBrokerKeepsRunning(@TempDir Path dir) {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(new EmbeddedKafka.Config(dir))) {
            EmbeddedSchemaRegistry first = EmbeddedSchemaRegistry.start(kafka.connection(), 0, Optional.empty());
            String url = first.url();
            int port = URI.create(url).getPort();
            HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(url);
            int id = client.register("outage-value", new Schema.Parser().parse(USER_V1));
            first.close();

            // While it is down, a client that has not cached the id is told so as an outage, not as "not found".
            assertThatThrownBy(() -> new HttpSchemaRegistryClient(url).schemaById(id))
                    .isInstanceOfSatisfying(dev.wnd.schemas.registry.RegistryException.class,
                            e -> assertThat(e.isTransient()).isTrue());

            try (EmbeddedSchemaRegistry second = EmbeddedSchemaRegistry.start(kafka.connection(), port,
                    Optional.empty())) {
                assertThat(second.url()).isEqualTo(url);
                HttpSchemaRegistryClient fresh = new HttpSchemaRegistryClient(url);
                assertThat(fresh.schemaById(id)).isEqualTo(new Schema.Parser().parse(USER_V1));
                assertThat(fresh.register("outage-value", new Schema.Parser().parse(USER_V1))).isEqualTo(id);
            }
        }
    }
}
