package dev.wnd.ingest.replay;

import dev.wnd.features.spec.EventTime;
import java.util.Objects;

/**
 * One record of the replay stream, ready to be produced.
 *
 * @param channel the topic it goes to
 * @param key the record key: a {@code Long} id for dimension channels, a {@code String} uuid for user-side channels,
 *     the source file name for dead letters
 * @param value the Avro record
 * @param timestampMs the Kafka record timestamp: absolute epoch ms (the CSV's relative ms plus
 *     {@link dev.wnd.ingest.csv.OutbrainFile#EventTime.EPOCH_BASE_MS}); for dead letters the wall clock when it was made
 */
public record StreamRecord(Channel channel, Object key, Object value, long timestampMs) {

    public StreamRecord {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }
}
