package dev.wnd.embedded;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaParseException;

/**
 * The registry's in-memory state: subjects, their versions, global schema ids and compatibility configs. It is
 * changed only by {@code apply*} calls, which the registry makes for records read back from, or just written to,
 * the {@code _schemas} topic. Not thread-safe: the registry guards it with one lock.
 */
final class SchemaStore {

    /** One registered version of a subject. */
    record Version(String subject, int version, int id, Schema schema) {
        String schemaString() {
            return schema.toString();
        }
    }

    static final CompatibilityLevel DEFAULT_LEVEL = CompatibilityLevel.BACKWARD;

    private final Map<String, NavigableMap<Integer, Version>> subjects = new TreeMap<>();
    private final Map<Integer, Schema> schemasById = new HashMap<>();
    private final Map<Schema, Integer> idsBySchema = new HashMap<>();
    private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
    private CompatibilityLevel globalLevel = DEFAULT_LEVEL;
    private int maxId;

    /** Parses an Avro schema, or throws the registry's 422 / 42201. */
    static Schema parse(String schema) {
        if (schema == null || schema.isBlank()) {
            throw RegistryException.invalidSchema("empty schema");
        }
        try {
            return new Schema.Parser().parse(schema);
        } catch (SchemaParseException | NullPointerException | IllegalArgumentException e) {
            throw RegistryException.invalidSchema(e.getMessage());
        }
    }

    // ---- applying log records ------------------------------------------------------------------------------

    /** Records that {@code subject} version {@code version} is schema {@code id}. */
    void applySchema(String subject, int version, int id, Schema schema) {
        Schema known = schemasById.get(id);
        if (known == null) {
            schemasById.put(id, schema);
            idsBySchema.putIfAbsent(schema, id);
        } else {
            schema = known;
        }
        maxId = Math.max(maxId, id);
        subjects.computeIfAbsent(subject, s -> new TreeMap<>()).put(version, new Version(subject, version, id, schema));
    }

    /** Forgets a version (soft delete or tombstone); the id stays reserved. */
    void removeVersion(String subject, int version) {
        NavigableMap<Integer, Version> versions = subjects.get(subject);
        if (versions != null) {
            versions.remove(version);
            if (versions.isEmpty()) {
                subjects.remove(subject);
            }
        }
    }

    /** Sets ({@code level != null}) or clears the level of a subject, or of the registry when subject is null. */
    void applyConfig(String subject, CompatibilityLevel level) {
        if (subject == null) {
            globalLevel = level == null ? DEFAULT_LEVEL : level;
        } else if (level == null) {
            subjectLevels.remove(subject);
        } else {
            subjectLevels.put(subject, level);
        }
    }

    // ---- queries ---------------------------------------------------------------------------------------

    List<String> subjects() {
        return List.copyOf(subjects.keySet());
    }

    /** Versions of a subject, ascending; empty if the subject is unknown. */
    List<Version> versions(String subject) {
        NavigableMap<Integer, Version> versions = subjects.get(subject);
        return versions == null ? List.of() : List.copyOf(versions.values());
    }

    /** @param version a version number, or -1 for the latest */
    Version version(String subject, int version, String asGiven) {
        NavigableMap<Integer, Version> versions = subjects.get(subject);
        if (versions == null) {
            throw RegistryException.subjectNotFound(subject);
        }
        Version v = version == -1 ? versions.lastEntry().getValue() : versions.get(version);
        if (v == null) {
            throw RegistryException.versionNotFound(asGiven);
        }
        return v;
    }

    Optional<Version> find(String subject, Schema schema) {
        NavigableMap<Integer, Version> versions = subjects.get(subject);
        if (versions == null) {
            return Optional.empty();
        }
        return versions.values().stream().filter(v -> v.schema().equals(schema)).findFirst();
    }

    Optional<Schema> schemaById(int id) {
        return Optional.ofNullable(schemasById.get(id));
    }

    /** Subjects and versions that use schema {@code id}. */
    List<Version> usages(int id) {
        List<Version> out = new ArrayList<>();
        for (NavigableMap<Integer, Version> versions : subjects.values()) {
            for (Version v : versions.values()) {
                if (v.id() == id) {
                    out.add(v);
                }
            }
        }
        return out;
    }

    /** The id the schema already has in any subject, or the next free id. */
    int idFor(Schema schema) {
        Integer id = idsBySchema.get(schema);
        return id != null ? id : maxId + 1;
    }

    int nextVersion(String subject) {
        NavigableMap<Integer, Version> versions = subjects.get(subject);
        return versions == null ? 1 : versions.lastKey() + 1;
    }

    int schemaCount() {
        return schemasById.size();
    }

    CompatibilityLevel globalLevel() {
        return globalLevel;
    }

    Optional<CompatibilityLevel> subjectLevel(String subject) {
        return Optional.ofNullable(subjectLevels.get(subject));
    }

    CompatibilityLevel effectiveLevel(String subject) {
        return subjectLevels.getOrDefault(subject, globalLevel);
    }

    // ---- compatibility ------------------------------------------------------------------------------------

    /**
     * Why {@code candidate} may not be registered under {@code subject}, checked against the latest version (or
     * every version for transitive levels) under the subject's effective level; empty when compatible.
     */
    List<String> incompatibilities(String subject, Schema candidate) {
        CompatibilityLevel level = effectiveLevel(subject);
        List<Version> versions = versions(subject);
        if (level == CompatibilityLevel.NONE || versions.isEmpty()) {
            return List.of();
        }
        List<Version> against = level.transitive ? versions : List.of(versions.get(versions.size() - 1));
        List<String> problems = new ArrayList<>();
        for (int i = against.size() - 1; i >= 0; i--) {
            problems.addAll(incompatibilities(candidate, against.get(i), level));
        }
        return problems;
    }

    /** Why {@code candidate} is incompatible with one existing version under {@code level}; empty if compatible. */
    static List<String> incompatibilities(Schema candidate, Version existing, CompatibilityLevel level) {
        List<String> problems = new ArrayList<>();
        if (level.backward) {
            describe(SchemaCompatibility.checkReaderWriterCompatibility(candidate, existing.schema()),
                    "the new schema cannot read data written with version " + existing.version(), problems);
        }
        if (level.forward) {
            describe(SchemaCompatibility.checkReaderWriterCompatibility(existing.schema(), candidate),
                    "version " + existing.version() + " cannot read data written with the new schema", problems);
        }
        return problems;
    }

    private static void describe(SchemaCompatibility.SchemaPairCompatibility result, String context,
                                 List<String> problems) {
        if (result.getType() == SchemaCompatibilityType.COMPATIBLE) {
            return;
        }
        List<Incompatibility> incompatibilities = result.getResult().getIncompatibilities();
        if (incompatibilities.isEmpty()) {
            problems.add("{" + context + ": " + result.getDescription() + "}");
        }
        for (Incompatibility inc : incompatibilities) {
            problems.add("{errorType:'" + inc.getType() + "', location:'" + inc.getLocation() + "', description:'"
                    + inc.getMessage() + "', context:'" + context + "'}");
        }
    }
}
