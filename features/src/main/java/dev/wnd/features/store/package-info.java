/**
 * State store layers of the feature state, slipped under or over Kafka Streams' own layers. They are the one place
 * in the project that relies on Streams internals, each for a reason the public API does not cover:
 * <ul>
 *   <li>{@code org.apache.kafka.streams.state.internals.CachedStateStore} ({@link
 *       dev.wnd.features.store.ForwardingKeyValueStore}): Streams flushes the record cache of every store through
 *       this interface at commits; a layer above the cache must pass the hooks on or the cache is never flushed.</li>
 *   <li>{@code org.apache.kafka.streams.processor.internals.InternalProcessorContext} and
 *       {@code ProcessorRecordContext} ({@link dev.wnd.features.store.ObjectCachingKeyValueStore}): a value written
 *       back from the object cache at a commit must go to the changelog with the record context of the update that
 *       made it, not of whatever record is being processed then.</li>
 *   <li>{@code org.apache.kafka.streams.state.internals.WrappedStateStore} ({@link
 *       dev.wnd.features.store.WriteCountingKeyValueStore#under}): a processor is handed the outermost layer of a
 *       global store and finds the counting layer beneath it by unwrapping.</li>
 * </ul>
 * Why the layers exist, and what each saved, measured: docs/benchmarks-history.md and docs/design.md ("Why the object caches
 * exist"). A Kafka upgrade must run their tests ({@code DeferredWriteStoreTest}, {@code ObjectCachingKeyValueStoreTest})
 * and the features' restart and partition ITs.
 */
package dev.wnd.features.store;
