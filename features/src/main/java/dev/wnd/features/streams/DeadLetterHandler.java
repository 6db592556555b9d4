package dev.wnd.features.streams;

import dev.wnd.schemas.avro.DeadLetter;
import dev.wnd.schemas.registry.HttpSchemaRegistryClient;
import dev.wnd.schemas.registry.RegistryConnection;
import dev.wnd.schemas.registry.RegistryException;
import dev.wnd.schemas.topic.AppTopics;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends records that cannot be deserialized, processed or produced to the dead-letter topic as {@link DeadLetter}s
 * naming the topic, partition, offset and reason, logs them, counts them, and lets the topology go on. What is not
 * one record's fault is never dead-lettered.
 *
 * <h2>What is dead-lettered, and what is not</h2>
 * <ul>
 *   <li><b>Deserialization:</b> a {@link SerializationException} (bytes that are not a record: too short, wrong
 *       magic byte, truncated, an unknown schema id) is dead-lettered. Anything else (the registry refusing the
 *       credentials, an interrupted wait) is not about the record: the stage fails rather than dead-letter every
 *       record behind it. A registry outage never reaches this handler: the serde waits it out in place.</li>
 *   <li><b>Processing:</b> an exception thrown by a processor (a request beyond the contract's bounds, a JSON
 *       request that does not parse, a display that cannot be scored) is dead-lettered.</li>
 *   <li><b>Production</b> ({@link ProductionExceptionHandler}): a record the broker or producer refuses for what it
 *       is ({@link RecordTooLargeException}, {@link RecordBatchTooLargeException}, {@link InvalidRecordException},
 *       {@link InvalidTimestampException}) or that cannot be serialized is dead-lettered, and the stage goes on.
 *       A {@link RetriableException} (a timeout, a broker that is not there, not enough replicas) is an outage,
 *       never dead-lettered: Streams is told to retry, and the task goes back to its last commit and processes again
 *       once the cluster answers. Everything else fails the stage, as Streams' default handler does; so does a
 *       write to a changelog (dropping it would make restored state differ from the state that was served), a
 *       serializer the registry refuses (a refused schema or credentials: configuration, not a record), an
 *       interrupted serializer, and a dead letter that cannot itself be written.</li>
 * </ul>
 *
 * <h2>The dead letters</h2>
 * A dead letter carries the source record's value as payload, up to {@value #MAX_PAYLOAD_BYTES} bytes: a longer one
 * is cut to its first {@value #MAX_PAYLOAD_BYTES} bytes and the reason says so and where the whole record is, so
 * that a dead letter always fits the dead-letter topic. For a production error the source is the input record being
 * processed when the error was reported on the stream thread; an error reported later by the producer's I/O thread
 * cannot be tied to its input, so the dead letter names the output topic (partition and offset empty). The reason
 * names the output record's topic, key and size; the payload is the input's value while Streams still holds it, the
 * refused output record's value otherwise (the reason says which).
 *
 * <p>Configured through the Streams properties {@value #REGISTRY_CONFIG} (or {@value #TOPICS_CONFIG}),
 * {@value #STAGE_CONFIG} and, optionally, {@value #LISTENER_CONFIG}. Thread-safe: Streams calls it from stream
 * threads and producer I/O threads.
 */
public final class DeadLetterHandler implements DeserializationExceptionHandler, ProcessingExceptionHandler,
        ProductionExceptionHandler {

    /** The registry: a {@link RegistryConnection} (credentials, TLS) or a plain URL string. */
    public static final String REGISTRY_CONFIG = "wnd.registry";
    public static final String STAGE_CONFIG = "wnd.stage";
    /** Optional: an {@link AppTopics} instance to use instead of building one from the registry URL. */
    public static final String TOPICS_CONFIG = "wnd.topics";
    /** Optional: a {@link DeadLetterListener} instance told of every dead letter (for the metrics). */
    public static final String LISTENER_CONFIG = "wnd.dead-letter.listener";

    /**
     * The most bytes of the source record a dead letter carries: 256 KiB, well below the 1 MB a Kafka topic takes by
     * default, and above any record the contracts accept (a score request is at most 64 KiB of JSON).
     */
    public static final int MAX_PAYLOAD_BYTES = 256 * 1024;

    /** Produce errors about one record: dead-lettered. */
    private static final Set<Class<? extends Exception>> RECORD_ERRORS = Set.of(RecordTooLargeException.class,
            RecordBatchTooLargeException.class, InvalidRecordException.class, InvalidTimestampException.class);

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterHandler.class);

    private final AtomicLong count = new AtomicLong();
    private AppTopics topics;
    private String stage;
    private DeadLetterListener listener = DeadLetterListener.NONE;

    @Override
    public void configure(Map<String, ?> configs) {
        Object registry = configs.get(REGISTRY_CONFIG);
        if (configs.get(TOPICS_CONFIG) instanceof AppTopics given) {
            topics = given;
        } else if (registry instanceof RegistryConnection connection) {
            topics = new AppTopics(new HttpSchemaRegistryClient(connection));
        } else if (registry != null) {
            topics = new AppTopics(new HttpSchemaRegistryClient(registry.toString()));
        } else {
            throw new IllegalArgumentException(REGISTRY_CONFIG + " must be set for the dead-letter handler");
        }
        Object s = configs.get(STAGE_CONFIG);
        stage = s == null ? "streams" : s.toString();
        if (configs.get(LISTENER_CONFIG) instanceof DeadLetterListener given) {
            listener = given;
        }
    }

    @Override
    public DeserializationExceptionHandler.Response handleError(ErrorHandlerContext context,
            org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> record, Exception exception) {
        if (!(exception instanceof SerializationException)) {
            LOG.error("cannot deserialize the record at {}-{}@{}, and not because of the record: {}; stopping "
                    + "rather than dead-letter every record behind it", context.topic(), context.partition(),
                    context.offset(), exception.toString());
            return DeserializationExceptionHandler.Response.fail();
        }
        return DeserializationExceptionHandler.Response.resume(List.of(letter(context.topic(), context.partition(),
                context.offset(), context.timestamp(), "cannot deserialize: " + exception.getMessage(),
                record.value())));
    }

    @Override
    public ProcessingExceptionHandler.Response handleError(ErrorHandlerContext context, Record<?, ?> record,
            Exception exception) {
        return ProcessingExceptionHandler.Response.resume(List.of(letter(context.topic(), context.partition(),
                context.offset(), context.timestamp(), "cannot process: " + exception, context.sourceRawValue())));
    }

    @Override
    public ProductionExceptionHandler.Response handleError(ErrorHandlerContext context,
            ProducerRecord<byte[], byte[]> record, Exception exception) {
        if (exception instanceof RetriableException) {
            LOG.warn("cannot produce to {} now ({}): retrying from the last commit, nothing dead-lettered",
                    record.topic(), exception.toString());
            return ProductionExceptionHandler.Response.retry();
        }
        if (RECORD_ERRORS.stream().noneMatch(type -> type.isInstance(exception)) || isChangelog(record.topic())
                || record.topic().equals(topics.deadLetters.name())) {
            LOG.error("cannot produce a record of {} bytes to {}: {}; this is not one record to set aside, the "
                    + "stage stops", size(record), record.topic(), exception.toString());
            return ProductionExceptionHandler.Response.fail();
        }
        String reason = "cannot produce a record of " + size(record) + " bytes (key " + keyText(record.key())
                + ") to " + record.topic() + ": " + exception;
        String refusedAsPayload = "; payload: the refused record's value";
        boolean onStreamThread = !Thread.currentThread().getName().startsWith(KafkaProducer.NETWORK_THREAD_PREFIX);
        if (onStreamThread && context.topic() != null) {
            // Streams releases the input's bytes once the output is handed to the producer: then keep the output's.
            byte[] input = context.sourceRawValue();
            return ProductionExceptionHandler.Response.resume(List.of(letter(context.topic(), context.partition(),
                    context.offset(), context.timestamp(), input != null ? reason : reason + refusedAsPayload,
                    input != null ? input : record.value(), input != null)));
        }
        // Reported by the producer's I/O thread after the send: the context is whatever the stream thread does now.
        return ProductionExceptionHandler.Response.resume(List.of(letter(record.topic(), null, null,
                record.timestamp() == null ? System.currentTimeMillis() : record.timestamp(),
                reason + refusedAsPayload, record.value(), false)));
    }

    @Override
    @SuppressWarnings("rawtypes")
    public ProductionExceptionHandler.Response handleSerializationError(ErrorHandlerContext context,
            ProducerRecord record, Exception exception, SerializationExceptionOrigin origin) {
        if (isChangelog(record.topic()) || record.topic().equals(topics.deadLetters.name())
                || causedBy(exception, RegistryException.class) || causedBy(exception, InterruptException.class)) {
            LOG.error("cannot serialize the {} of a record for {}: {}; this is not one record to set aside, the "
                    + "stage stops", origin.name().toLowerCase(java.util.Locale.ROOT), record.topic(),
                    exception.toString());
            return ProductionExceptionHandler.Response.fail();
        }
        String reason = "cannot serialize the " + origin.name().toLowerCase(java.util.Locale.ROOT)
                + " of a record for " + record.topic() + ": " + exception;
        String source = context.topic() != null ? context.topic() : record.topic();
        return ProductionExceptionHandler.Response.resume(List.of(letter(source,
                context.topic() != null ? context.partition() : null, context.topic() != null ? context.offset() : null,
                context.timestamp(), reason, context.sourceRawValue())));
    }

    private static boolean isChangelog(String topic) {
        return topic.endsWith("-changelog");
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static int size(ProducerRecord<byte[], byte[]> record) {
        return (record.key() == null ? 0 : record.key().length) + (record.value() == null ? 0 : record.value().length);
    }

    /** A key for a reason: printable text as is (cut at 64 characters), anything else in hex. */
    private static String keyText(byte[] key) {
        if (key == null) {
            return "null";
        }
        byte[] shown = key.length > 64 ? Arrays.copyOf(key, 64) : key;
        boolean printable = true;
        for (byte b : shown) {
            printable &= b >= 0x20 && b < 0x7f;
        }
        StringBuilder text = new StringBuilder();
        if (printable) {
            text.append('"').append(new String(shown, java.nio.charset.StandardCharsets.US_ASCII)).append('"');
        } else {
            text.append("0x");
            for (byte b : shown) {
                text.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
            }
        }
        return key.length > 64 ? text + "..." : text.toString();
    }

    private ProducerRecord<byte[], byte[]> letter(String source, Integer partition, Long offset, long timestamp,
            String reason, byte[] payload) {
        return letter(source, partition, offset, timestamp, reason, payload, true);
    }

    /** @param payloadIsSource whether {@code payload} is the value of the record at source-partition@offset */
    private ProducerRecord<byte[], byte[]> letter(String source, Integer partition, Long offset, long timestamp,
            String reason, byte[] payload, boolean payloadIsSource) {
        long n = count.incrementAndGet();
        String why = reason == null ? "unknown" : reason;
        byte[] kept = payload;
        if (payload != null && payload.length > MAX_PAYLOAD_BYTES) {
            kept = Arrays.copyOf(payload, MAX_PAYLOAD_BYTES);
            why += " [payload: the first " + MAX_PAYLOAD_BYTES + " of " + payload.length + " bytes"
                    + (payloadIsSource && offset != null ? "; the whole record is at " + source + "-" + partition + "@" + offset
                            + " until retention deletes it" : "") + "]";
        }
        LOG.warn("dead letter #{} from {}-{}@{}: {}", n, source, partition, offset, why);
        listener.deadLettered(source);
        DeadLetter letter = DeadLetter.newBuilder()
                .setStage(stage)
                .setSource(source)
                .setPartition(partition)
                .setOffset(offset)
                .setReason(why)
                .setPayload(kept == null ? null : ByteBuffer.wrap(kept))
                .setTimestamp(System.currentTimeMillis())
                .build();
        String topic = topics.deadLetters.name();
        // A punctuation's context has no record timestamp; a ProducerRecord refuses a negative one.
        return new ProducerRecord<>(topic, null, timestamp < 0 ? System.currentTimeMillis() : timestamp,
                topics.deadLetters.keySerde().serializer().serialize(topic, source),
                topics.deadLetters.valueSerde().serializer().serialize(topic, letter));
    }
}
