package dev.wnd.schemas.registry;

import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;

/** A registry client that keeps schemas in memory, for unit tests that need no registry process. */
public final class InMemorySchemaRegistryClient implements SchemaRegistryClient {

    private final Map<Schema, Integer> ids = new HashMap<>();
    private final Map<Integer, Schema> schemas = new HashMap<>();

    @Override
    public synchronized int register(String subject, Schema schema) {
        return ids.computeIfAbsent(schema, s -> {
            int id = ids.size() + 1;
            schemas.put(id, s);
            return id;
        });
    }

    @Override
    public synchronized Schema schemaById(int id) {
        Schema s = schemas.get(id);
        if (s == null) {
            throw new RegistryException("no schema " + id, 404, 40403, null);
        }
        return s;
    }
}
