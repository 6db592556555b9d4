package dev.wnd.features.topology;

import dev.wnd.features.streams.StatePartitioning;
import dev.wnd.features.state.CtrBroadcast;
import dev.wnd.features.state.CtrUpdate;
import dev.wnd.features.state.DisplayFacts;
import dev.wnd.features.state.StateSerdes;
import dev.wnd.schemas.avro.DeadLetter;
import dev.wnd.schemas.avro.Display;
import dev.wnd.schemas.avro.Label;
import dev.wnd.schemas.avro.PageView;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a task's events in the order of the whole stream when the event topics have several partitions, so that its
 * features equal those of one task over one partition. One instance per task; confined to the task's thread.
 *
 * <p>On receipt, a task's own events (page views, displays, labels of its users) are held in a store ordered by
 * (event time, kind, source, sequence), kinds ordered as the reference orders equal times: label, page view,
 * display. A label's CTR update (the label joined with its display's facts) is sent at once to every partition of
 * the CTR updates topic, together with the task's watermark: the event time before which it will send no more
 * updates (its stream time, the latest time among its own inputs). Every task reads its partition of that topic:
 * every task's updates, its own included, which it holds in the same store. Whatever lies before the smallest
 * watermark of all tasks is complete, so it is released in order: updates to the CTR state, page views to the
 * user state, displays and labels to the features. Every task therefore counts every label, in the same order,
 * and a display sees exactly the labels and page views before it.
 *
 * <p>Progress without traffic: every {@link StatePartitioning#watermarkInterval()} a task sends its watermark if it
 * moved. A task whose inputs brought nothing for {@link StatePartitioning#idleAfter()} declares its stream time
 * complete (its watermark moves past the latest stream time of any task), so the others need not wait for it; an
 * event it receives later (as with Streams' own {@code max.task.idle.ms}) is ordered at the watermark rather than at
 * its own time, the one case in which the result can differ from the reference.
 *
 * <p>As they arrive ({@link StatePartitioning#inEventTimeOrder()} false, the scorer): nothing is held; events go on at
 * once and every task's updates are counted when they come, so answers use the state as fetched so far.
 *
 * <p>Exactly-once: the held events, the watermarks and the display facts are change-logged stores, and the
 * updates are sent in the task's transaction, so a restarted task resumes where its last commit left it.
 */
final class EventSequencer implements Processor<Object, Object, Object, Object> {

    private static final Logger LOG = LoggerFactory.getLogger(EventSequencer.class);

    /** Kinds, in the order of equal event times. */
    static final byte UPDATE = 0;
    static final byte LABEL = 1;
    static final byte PAGE_VIEW = 2;
    static final byte DISPLAY = 3;
    private static final int RELEASE_CHUNK = 1_000;
    /** Keys of {@link StoreNames#SEQUENCER_MARKS} besides the sources' watermarks (0..N-1) and stream times (N..2N-1). */
    private static final int OWN_SEQUENCE = -1;
    private static final int OWN_STREAM_TIME = -2;
    private static final int OWN_WATERMARK = -3;
    private static final int SENT_WATERMARK = -4;

    /** Where released events go, and where the sequencer writes. */
    record Routes(String pageViews, String displays, String labels, String ctrUpdates, String updatesSink,
            String deadLettersSink, String pageViewsTopic, String displaysTopic, String labelsTopic,
            String updatesTopic) {
    }

    private final StatePartitioning partitioning;
    private final Routes routes;
    private final Serde<CtrBroadcast> broadcasts = StateSerdes.ctrBroadcast();
    private ProcessorContext<Object, Object> context;
    private KeyValueStore<Bytes, byte[]> held;
    private KeyValueStore<Integer, Long> marks;
    private KeyValueStore<Long, DisplayFacts> facts;
    private int self;
    private long[] watermarks;
    private long[] streamTimes;
    private long sequence;
    private long streamTime;
    private long watermark;
    private long sentWatermark;
    private long releasedBefore = Long.MIN_VALUE;
    private long lastInputWallMs;

    EventSequencer(StatePartitioning partitioning, Routes routes) {
        this.partitioning = partitioning;
        this.routes = routes;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        held = context.getStateStore(StoreNames.SEQUENCER_HELD);
        marks = context.getStateStore(StoreNames.SEQUENCER_MARKS);
        facts = context.getStateStore(StoreNames.DISPLAY_FACTS);
        self = context.taskId().partition();
        int n = partitioning.partitions();
        if (self >= n) {
            throw new IllegalStateException("task " + context.taskId() + " exists, but the features were configured "
                    + "for " + n + " partitions: the event topics have more");
        }
        watermarks = new long[n];
        streamTimes = new long[n];
        for (int j = 0; j < n; j++) {
            watermarks[j] = mark(j, Long.MIN_VALUE);
            streamTimes[j] = mark(n + j, Long.MIN_VALUE);
        }
        sequence = mark(OWN_SEQUENCE, 0L);
        streamTime = mark(OWN_STREAM_TIME, Long.MIN_VALUE);
        watermark = mark(OWN_WATERMARK, Long.MIN_VALUE);
        sentWatermark = mark(SENT_WATERMARK, Long.MIN_VALUE);
        lastInputWallMs = context.currentSystemTimeMs();
        if (!partitioning.inEventTimeOrder()) {
            LOG.info("task {}: events and CTR updates of all {} partitions applied as they arrive", context.taskId(), n);
            return;
        }
        context.schedule(partitioning.watermarkInterval(), PunctuationType.WALL_CLOCK_TIME, this::punctuate);
        LOG.info("task {}: events held until all {} partitions' watermarks pass them; watermarks {}", context.taskId(),
                n, Arrays.toString(watermarks));
    }

    private long mark(int key, long absent) {
        Long v = marks.get(key);
        return v == null ? absent : v;
    }

    @Override
    public void process(Record<Object, Object> record) {
        Object value = record.value();
        if (value == null) {
            return;
        }
        long offset = context.recordMetadata().map(m -> m.offset()).orElse(-1L);
        if (!partitioning.inEventTimeOrder()) {
            passOn(value, record.timestamp());
        } else if (value instanceof CtrBroadcast b) {
            received(b, offset);
            release();
        } else {
            local(value, record.timestamp(), offset);
            release();
        }
    }

    /** As they arrive: labels are still sent to every task, and every update is counted when it comes. */
    private void passOn(Object value, long time) {
        if (value instanceof Display display) {
            FeatureStateTopology.rememberFacts(facts, display);
        } else if (value instanceof Label label) {
            streamTime = Math.max(streamTime, time);
            send(new CtrBroadcast(self, nextSequence(), streamTime, streamTime, time,
                    FeatureStateTopology.joinFacts(facts, label)));
        } else if (value instanceof CtrBroadcast b) {
            if (b.update() == null) {
                return;
            }
            value = b.update();
        }
        forward(value, time);
    }

    /** An event, or a CTR update, on to the processors of its kind. */
    private void forward(Object value, long time) {
        if (value instanceof CtrUpdate update) {
            context.forward(new Record<Object, Object>(update.displayId(), update, time), routes.ctrUpdates());
        } else if (value instanceof PageView view) {
            context.forward(new Record<Object, Object>(view.getUuid(), view, time), routes.pageViews());
        } else if (value instanceof Display display) {
            context.forward(new Record<Object, Object>(display.getUuid(), display, time), routes.displays());
        } else if (value instanceof Label label) {
            context.forward(new Record<Object, Object>(label.getUuid(), label, time), routes.labels());
        } else {
            throw unexpected(value);
        }
    }

    private static IllegalArgumentException unexpected(Object value) {
        return new IllegalArgumentException("the sequencer takes page views, displays, labels and CTR broadcasts, "
                + "not " + value.getClass().getName());
    }

    /** An event of this task's users: held at its time (or, when late, at the watermark already announced). */
    private void local(Object value, long time, long offset) {
        lastInputWallMs = context.currentSystemTimeMs();
        long order = Math.max(time, watermark);
        if (time > streamTime) {
            streamTime = time;
            marks.put(OWN_STREAM_TIME, streamTime);
        }
        advanceWatermark(streamTime);
        if (value instanceof PageView view) {
            hold(order, PAGE_VIEW, self, nextSequence(), offset, time, view::toByteBuffer);
        } else if (value instanceof Display display) {
            FeatureStateTopology.rememberFacts(facts, display);
            hold(order, DISPLAY, self, nextSequence(), offset, time, display::toByteBuffer);
        } else if (value instanceof Label label) {
            CtrUpdate update = FeatureStateTopology.joinFacts(facts, label);
            send(new CtrBroadcast(self, nextSequence(), watermark, streamTime, order, update));
            hold(order, LABEL, self, nextSequence(), offset, time, label::toByteBuffer);
        } else {
            throw unexpected(value);
        }
    }

    /** A task's CTR update or progress, read from this task's partition of the updates topic. */
    private void received(CtrBroadcast b, long offset) {
        int n = partitioning.partitions();
        if (b.source() >= n) {
            throw new IllegalArgumentException("CTR broadcast from partition " + b.source() + ", but there are " + n);
        }
        if (b.watermark() > watermarks[b.source()]) {
            watermarks[b.source()] = b.watermark();
            marks.put(b.source(), b.watermark());
        }
        if (b.streamTime() > streamTimes[b.source()]) {
            streamTimes[b.source()] = b.streamTime();
            marks.put(n + b.source(), b.streamTime());
        }
        if (b.update() != null) {
            byte[] bytes = broadcasts.serializer().serialize(routes.updatesTopic(), b);
            hold(b.orderTime(), UPDATE, b.source(), b.sequence(), offset, b.orderTime(), () -> ByteBuffer.wrap(bytes));
        }
    }

    private void punctuate(long wallMs) {
        if (wallMs - lastInputWallMs >= partitioning.idleAfter().toMillis()) {
            long latest = streamTime;
            for (long t : streamTimes) {
                latest = Math.max(latest, t);
            }
            if (latest != Long.MIN_VALUE && latest != Long.MAX_VALUE) {
                advanceWatermark(latest + 1);
            }
        }
        if (watermark > sentWatermark) {
            send(new CtrBroadcast(self, nextSequence(), watermark, streamTime, watermark, null));
        }
    }

    private void advanceWatermark(long to) {
        if (to > watermark) {
            watermark = to;
            marks.put(OWN_WATERMARK, watermark);
        }
    }

    private long nextSequence() {
        long s = sequence++;
        marks.put(OWN_SEQUENCE, sequence);
        return s;
    }

    private void send(CtrBroadcast b) {
        context.forward(new Record<Object, Object>(b.source(), b, Math.max(0L, b.update() != null ? b.orderTime()
                : b.watermark())), routes.updatesSink());
        if (b.watermark() > sentWatermark) {
            sentWatermark = b.watermark();
            marks.put(SENT_WATERMARK, sentWatermark);
        }
    }

    private interface Payload {
        ByteBuffer bytes() throws IOException;
    }

    private void hold(long order, byte kind, int source, long seq, long offset, long time, Payload payload) {
        ByteBuffer body;
        try {
            body = payload.bytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a held event", e);
        }
        ByteBuffer value = ByteBuffer.allocate(16 + body.remaining());
        value.putLong(offset).putLong(time).put(body);
        held.put(key(order, kind, source, seq), value.array());
    }

    /** Big-endian, sign bit flipped: RocksDB's byte order is then (time, kind, source, sequence) order. */
    static Bytes key(long order, byte kind, int source, long seq) {
        return Bytes.wrap(ByteBuffer.allocate(21).putLong(order ^ Long.MIN_VALUE).put(kind)
                .putInt(source ^ Integer.MIN_VALUE).putLong(seq ^ Long.MIN_VALUE).array());
    }

    /** The smallest watermark of all tasks, or {@link Long#MIN_VALUE} while one is unknown. */
    private long complete() {
        long min = Long.MAX_VALUE;
        for (long w : watermarks) {
            min = Math.min(min, w);
        }
        return min;
    }

    /**
     * Releases, in order, every held event before the smallest watermark. A new event is never held before it (an
     * own event is held at or after this task's watermark, another task's update at or after that task's), so
     * nothing needs releasing until the smallest watermark moves.
     */
    private void release() {
        long before = complete();
        if (before == Long.MIN_VALUE || before <= releasedBefore) {
            return;
        }
        // From the last release on: what lies before it is gone, and a scan from the start would step over every
        // tombstone it left in RocksDB.
        Bytes from = releasedBefore == Long.MIN_VALUE ? null
                : key(releasedBefore, (byte) 0, Integer.MIN_VALUE, Long.MIN_VALUE);
        Bytes to = key(before - 1, Byte.MAX_VALUE, Integer.MAX_VALUE, Long.MAX_VALUE);
        while (true) {
            List<KeyValue<Bytes, byte[]>> batch = new ArrayList<>(64);
            try (KeyValueIterator<Bytes, byte[]> it = held.range(from, to)) {
                while (it.hasNext() && batch.size() < RELEASE_CHUNK) {
                    batch.add(it.next());
                }
            }
            for (KeyValue<Bytes, byte[]> entry : batch) {
                held.put(entry.key, null); // a tombstone; delete() would read the old value again
                deliver(entry.key, entry.value);
            }
            if (batch.size() < RELEASE_CHUNK) {
                break;
            }
            from = batch.get(batch.size() - 1).key;
        }
        releasedBefore = before;
    }

    private void deliver(Bytes key, byte[] value) {
        ByteBuffer in = ByteBuffer.wrap(value);
        long offset = in.getLong();
        long time = in.getLong();
        byte kind = key.get()[8];
        ByteBuffer body = in.slice();
        try {
            Object event = switch (kind) {
                case UPDATE -> {
                    byte[] bytes = new byte[body.remaining()];
                    body.get(bytes);
                    yield broadcasts.deserializer().deserialize(routes.updatesTopic(), bytes).update();
                }
                case LABEL -> Label.fromByteBuffer(body);
                case PAGE_VIEW -> PageView.fromByteBuffer(body);
                case DISPLAY -> Display.fromByteBuffer(body);
                default -> throw new IllegalStateException("unknown held event kind " + kind);
            };
            forward(event, time);
        } catch (IOException | RuntimeException e) {
            deadLetter(kind, offset, value, e);
        }
    }

    /** A held event that could not be processed: the dead-letter topic, with where it came from and why. */
    private void deadLetter(byte kind, long offset, byte[] value, Exception e) {
        String topic = switch (kind) {
            case UPDATE -> routes.updatesTopic();
            case LABEL -> routes.labelsTopic();
            case PAGE_VIEW -> routes.pageViewsTopic();
            case DISPLAY -> routes.displaysTopic();
            default -> "unknown";
        };
        LOG.warn("task {}: a held event of {} (offset {}) failed when released; dead-lettered: {}", context.taskId(),
                topic, offset, e.toString());
        DeadLetter letter = DeadLetter.newBuilder().setStage("features").setSource(topic).setPartition(self)
                .setOffset(offset).setReason("failed when released in event-time order: " + e)
                .setPayload(ByteBuffer.wrap(value, 16, value.length - 16))
                .setTimestamp(context.currentSystemTimeMs()).build();
        context.forward(new Record<Object, Object>(topic + "-" + self + "-" + offset, letter,
                context.currentSystemTimeMs()), routes.deadLettersSink());
    }
}
