package dev.wnd.schemas.registry;

import org.apache.avro.Schema;

/**
 * The part of the Confluent schema registry API that the serdes need.
 *
 * <p>Implementations are thread-safe and may be shared by every serde of an application.
 */
public interface SchemaRegistryClient {

    /**
     * Registers {@code schema} under {@code subject} (or finds it if already there).
     *
     * @return the registry-wide schema id
     * @throws RegistryException when the registry refuses the schema (HTTP 409 for an incompatible change)
     */
    int register(String subject, Schema schema);

    /**
     * Fetches the schema with this registry-wide id.
     *
     * @throws RegistryException when the id is unknown ({@link RegistryException#isSchemaNotFound()}) or the registry
     *     cannot be reached ({@link RegistryException#isTransient()})
     */
    Schema schemaById(int id);
}
