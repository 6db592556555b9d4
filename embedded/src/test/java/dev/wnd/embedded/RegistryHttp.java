package dev.wnd.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Minimal JSON client for the registry's REST API (JDK HttpClient), for tests. */
final class RegistryHttp {
    static final ObjectMapper JSON = new ObjectMapper();

    record Reply(int status, JsonNode body, String contentType) {
        int errorCode() {
            return body.path("error_code").asInt();
        }
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;

    RegistryHttp(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    Reply get(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET());
    }

    Reply post(String path, Object body) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).POST(bodyOf(body)));
    }

    Reply put(String path, Object body) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).PUT(bodyOf(body)));
    }

    Reply delete(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).DELETE());
    }

    /** Registers an Avro schema and returns its id, failing on any non-200 answer. */
    int register(String subject, String schema) {
        Reply r = post("/subjects/" + subject + "/versions", schemaBody(schema));
        if (r.status() != 200) {
            throw new AssertionError("registration failed: " + r);
        }
        return r.body().get("id").asInt();
    }

    static Object schemaBody(String schema) {
        return JSON.createObjectNode().put("schema", schema);
    }

    private static HttpRequest.BodyPublisher bodyOf(Object body) {
        try {
            String s = body instanceof String str ? str : JSON.writeValueAsString(body);
            return HttpRequest.BodyPublishers.ofString(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Reply send(HttpRequest.Builder builder) {
        HttpRequest request = builder.header("Content-Type", EmbeddedSchemaRegistry.CONTENT_TYPE)
                .header("Accept", EmbeddedSchemaRegistry.CONTENT_TYPE).timeout(Duration.ofSeconds(30)).build();
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), JSON.readTree(response.body()),
                    response.headers().firstValue("Content-Type").orElse(""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
