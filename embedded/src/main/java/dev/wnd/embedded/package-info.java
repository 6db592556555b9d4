/**
 * In-process runtime for demos and integration tests: a real single-node Kafka (KRaft) broker and a schema registry
 * speaking Confluent's REST API, both bound to {@code 127.0.0.1}.
 *
 * <ul>
 *   <li>{@link dev.wnd.embedded.EmbeddedKafka}: broker + controller in this JVM; storage is formatted once and kept
 *       across restarts on the same data directory.</li>
 *   <li>{@link dev.wnd.embedded.EmbeddedSchemaRegistry}: Confluent API subset on the JDK HTTP server, state in the
 *       compacted {@code _schemas} topic so schema ids survive restarts.</li>
 *   <li>{@link dev.wnd.embedded.EmbeddedRuntime}: both together, started broker first and closed in reverse.</li>
 * </ul>
 *
 * <p>Every class is {@link java.lang.AutoCloseable} and meant for try-with-resources; there is no static mutable
 * state, so several runtimes (on different data directories) can run in one JVM.
 */
package dev.wnd.embedded;
