package dev.wnd.features.topology;

import dev.wnd.schemas.avro.DeadLetter;
import dev.wnd.schemas.registry.HttpSchemaRegistryClient;
import dev.wnd.schemas.registry.RegistryConnection;
import dev.wnd.schemas.topic.AppTopics;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends records that cannot be deserialized or processed to the dead-letter topic as {@link DeadLetter}s naming
 * the topic, partition, offset and reason, logs them, counts them, and lets the topology go on.
 *
 * <p>Configured through the Streams properties {@value #REGISTRY_CONFIG} (or {@value #TOPICS_CONFIG}),
 * {@value #STAGE_CONFIG} and, optionally, {@value #LISTENER_CONFIG}.
 */
public final class DeadLetterHandler implements DeserializationExceptionHandler, ProcessingExceptionHandler {

    /** The registry: a {@link RegistryConnection} (credentials, TLS) or a plain URL string. */
    public static final String REGISTRY_CONFIG = "wnd.registry";
    public static final String STAGE_CONFIG = "wnd.stage";
    /** Optional: an {@link AppTopics} instance to use instead of building one from the registry URL. */
    public static final String TOPICS_CONFIG = "wnd.topics";
    /** Optional: a {@link DeadLetterListener} instance told of every dead letter (for the metrics). */
    public static final String LISTENER_CONFIG = "wnd.dead-letter.listener";

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
        return DeserializationExceptionHandler.Response.resume(
                List.of(letter(context, "cannot deserialize: " + exception.getMessage(), record.value())));
    }

    @Override
    public ProcessingExceptionHandler.Response handleError(ErrorHandlerContext context, Record<?, ?> record,
            Exception exception) {
        return ProcessingExceptionHandler.Response.resume(
                List.of(letter(context, "cannot process: " + exception, context.sourceRawValue())));
    }

    private ProducerRecord<byte[], byte[]> letter(ErrorHandlerContext context, String reason, byte[] payload) {
        long n = count.incrementAndGet();
        LOG.warn("dead letter #{} from {}-{}@{}: {}", n, context.topic(), context.partition(), context.offset(),
                reason);
        listener.deadLettered(context.topic());
        DeadLetter letter = DeadLetter.newBuilder()
                .setStage(stage)
                .setSource(context.topic())
                .setPartition(context.partition())
                .setOffset(context.offset())
                .setReason(reason == null ? "unknown" : reason)
                .setPayload(payload == null ? null : ByteBuffer.wrap(payload))
                .setTimestamp(System.currentTimeMillis())
                .build();
        String topic = topics.deadLetters.name();
        return new ProducerRecord<>(topic, null, context.timestamp(),
                topics.deadLetters.keySerde().serializer().serialize(topic, context.topic()),
                topics.deadLetters.valueSerde().serializer().serialize(topic, letter));
    }
}
