package dev.wnd.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The repository's {@code docker-compose.yml}, read as plain YAML for the deployment tests: services, their
 * command, environment, volumes and health checks. Accepts both the list and the map forms Compose allows.
 */
record ComposeFile(Path path, JsonNode root) {

    /** The four stages of the system, by service name, as the compose file declares them. */
    static final List<String> STAGES = List.of("ingest", "features", "learner", "scorer");

    /** Finds docker-compose.yml in the working directory or above it (tests run in the module directory). */
    static ComposeFile ofRepository() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("docker-compose.yml"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no docker-compose.yml above " + Path.of("").toAbsolutePath());
        }
        return read(dir.resolve("docker-compose.yml"));
    }

    static ComposeFile read(Path path) {
        try {
            return new ComposeFile(path, new YAMLMapper().readTree(path.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }

    List<String> services() {
        List<String> names = new ArrayList<>();
        root.path("services").fieldNames().forEachRemaining(names::add);
        return names;
    }

    JsonNode service(String name) {
        JsonNode s = root.path("services").path(name);
        if (s.isMissingNode()) {
            throw new IllegalArgumentException("no service " + name + " in " + path);
        }
        return s;
    }

    List<String> declaredVolumes() {
        List<String> names = new ArrayList<>();
        root.path("volumes").fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** The service's command as a list (a string command is split at blanks, as Compose does without quotes). */
    List<String> command(String service) {
        return strings(service(service).path("command"));
    }

    /** The service's environment in file order, values as strings (Compose accepts a map or KEY=VALUE items). */
    Map<String, String> environment(String service) {
        JsonNode env = service(service).path("environment");
        Map<String, String> result = new LinkedHashMap<>();
        if (env.isObject()) {
            env.fields().forEachRemaining(e -> result.put(e.getKey(),
                    e.getValue().isNull() ? "" : e.getValue().asText()));
        } else if (env.isArray()) {
            for (JsonNode item : env) {
                String text = item.asText();
                int eq = text.indexOf('=');
                result.put(eq < 0 ? text : text.substring(0, eq), eq < 0 ? "" : text.substring(eq + 1));
            }
        }
        return result;
    }

    /** The service's volume mounts in short syntax, {@code SOURCE:TARGET[:MODE]}, parsed. */
    List<Mount> mounts(String service) {
        List<Mount> mounts = new ArrayList<>();
        for (JsonNode v : service(service).path("volumes")) {
            if (v.isObject()) {
                mounts.add(new Mount(v.path("source").asText(), v.path("target").asText(),
                        v.path("read_only").asBoolean(false)));
            } else {
                // The source may be an interpolation such as ${DIR:-./data}, whose ':' does not separate fields.
                String text = v.asText();
                int colon = text.indexOf(':', text.startsWith("${") ? text.indexOf('}') + 1 : 0);
                String[] rest = text.substring(colon + 1).split(":");
                mounts.add(new Mount(text.substring(0, colon), rest[0],
                        rest.length > 1 && List.of(rest[1].split(",")).contains("ro")));
            }
        }
        return mounts;
    }

    /** The services this one depends on, with their conditions ({@code service_started} in the list form). */
    Map<String, String> dependsOn(String service) {
        JsonNode deps = service(service).path("depends_on");
        Map<String, String> result = new LinkedHashMap<>();
        if (deps.isObject()) {
            deps.fields().forEachRemaining(e -> result.put(e.getKey(),
                    e.getValue().path("condition").asText("service_started")));
        } else {
            for (JsonNode d : deps) {
                result.put(d.asText(), "service_started");
            }
        }
        return result;
    }

    static List<String> strings(JsonNode node) {
        List<String> result = new ArrayList<>();
        if (node.isArray()) {
            for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
                result.add(it.next().asText());
            }
        } else if (node.isTextual()) {
            result.addAll(List.of(node.asText().trim().split("\\s+")));
        }
        return result;
    }

    /**
     * One volume mount.
     *
     * @param source a named volume, or a host path (starts with {@code .}, {@code /}, {@code ~} or {@code $})
     */
    record Mount(String source, String target, boolean readOnly) {
        boolean named() {
            return !(source.startsWith(".") || source.startsWith("/") || source.startsWith("~")
                    || source.startsWith("$"));
        }
    }
}
