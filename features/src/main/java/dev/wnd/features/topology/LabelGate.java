package dev.wnd.features.topology;

import dev.wnd.features.state.DisplayFacts;
import dev.wnd.schemas.avro.Label;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Lets a label through only once its display has been processed. Labels are released after their displays, so in
 * timestamp order a display always comes first; but Kafka Streams merges its input partitions by timestamp only
 * while each has data buffered, and after {@code max.task.idle.ms} it goes on with what it has, so a label can be
 * processed before a display that is still being fetched. Let through then, the label would count in the CTRs of its
 * own display (a leak) and find no display to label (the display then waits forever).
 *
 * <p>So a label whose display has not been seen ({@link StoreNames#DISPLAY_FACTS} holds every display seen and not
 * yet labelled) waits in {@link StoreNames#EARLY_LABELS}. Every {@link #RELEASE_CHECK} of wall time, the labels whose
 * display has come since are passed on. A label whose display is still missing when stream time is
 * {@link #GRACE} past the label's own time is passed on all the same, so that the stage's usual rule for a label
 * without a display (a dead letter) applies and nothing waits forever.
 *
 * <p>One partition per input topic only: with several, the {@link EventSequencer} orders events by event time
 * across tasks.
 */
final class LabelGate implements Processor<String, Label, String, Label> {

    /** How often held labels are checked against the displays seen since. */
    static final Duration RELEASE_CHECK = Duration.ofMillis(100);
    /** How far past its own time (stream time) a label waits for its display. */
    static final Duration GRACE = Duration.ofHours(1);

    private ProcessorContext<String, Label> context;
    private KeyValueStore<Long, DisplayFacts> facts;
    private KeyValueStore<Long, Held> early;
    private long held;

    @Override
    public void init(ProcessorContext<String, Label> context) {
        this.context = context;
        facts = context.getStateStore(StoreNames.DISPLAY_FACTS);
        early = context.getStateStore(StoreNames.EARLY_LABELS);
        try (KeyValueIterator<Long, Held> it = early.all()) {
            while (it.hasNext()) {
                it.next();
                held++;
            }
        }
        context.schedule(RELEASE_CHECK, PunctuationType.WALL_CLOCK_TIME, now -> releaseArrived());
    }

    @Override
    public void process(Record<String, Label> record) {
        Label label = record.value();
        if (label == null) {
            return;
        }
        if (held > 0) {
            releaseArrived();
        }
        if (facts.get(label.getDisplayId()) != null) {
            context.forward(record);
        } else {
            early.put(label.getDisplayId(), new Held(record.key(), label, record.timestamp()));
            held++;
        }
    }

    /** Passes on the held labels whose display has come, and those that waited past {@link #GRACE}. */
    private void releaseArrived() {
        if (held == 0) {
            return;
        }
        long streamTime = context.currentStreamTimeMs();
        List<Held> ready = new ArrayList<>();
        try (KeyValueIterator<Long, Held> it = early.all()) {
            while (it.hasNext()) {
                Held h = it.next().value;
                if (facts.get(h.label().getDisplayId()) != null || streamTime - h.timestamp() > GRACE.toMillis()) {
                    ready.add(h);
                }
            }
        }
        for (Held h : ready) {
            early.delete(h.label().getDisplayId());
            held--;
            context.forward(new Record<>(h.key(), h.label(), h.timestamp()));
        }
    }

    /** A held label with its record's key and timestamp. */
    record Held(String key, Label label, long timestamp) {

        /** The store's serde: key and timestamp, then the label as {@code labels} writes it. */
        static Serde<Held> serde(Serde<Label> labels) {
            Serializer<Held> serializer = (topic, held) -> {
                if (held == null) {
                    return null;
                }
                byte[] key = held.key() == null ? new byte[0] : held.key().getBytes(StandardCharsets.UTF_8);
                byte[] label = labels.serializer().serialize(topic, held.label());
                return ByteBuffer.allocate(8 + 4 + key.length + label.length).putLong(held.timestamp())
                        .putInt(key.length).put(key).put(label).array();
            };
            Deserializer<Held> deserializer = (topic, bytes) -> {
                if (bytes == null) {
                    return null;
                }
                ByteBuffer b = ByteBuffer.wrap(bytes);
                long timestamp = b.getLong();
                byte[] key = new byte[b.getInt()];
                b.get(key);
                byte[] label = Arrays.copyOfRange(bytes, b.position(), bytes.length);
                return new Held(new String(key, StandardCharsets.UTF_8),
                        labels.deserializer().deserialize(topic, label), timestamp);
            };
            return Serdes.serdeFrom(serializer, deserializer);
        }
    }
}
