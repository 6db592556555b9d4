package dev.wnd.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wnd.schemas.avro.DeadLetter;
import dev.wnd.schemas.avro.Example;
import dev.wnd.schemas.topic.AppTopics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What the Streams stages write, read from the start of each output topic (one partition each) by a read_committed
 * consumer on a background thread: Avro answers, JSON answers (their display ids), Examples and dead letters.
 * Decoded with the test's own serdes, so a stage's registry client is not involved.
 */
final class StageOutputs implements AutoCloseable {

    private final AppTopics topics;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread = new Thread(this::run, "stage-outputs");
    private final ObjectMapper json = new ObjectMapper();
    private final List<Long> avroAnswers = Collections.synchronizedList(new ArrayList<>());
    private final List<Long> jsonAnswers = Collections.synchronizedList(new ArrayList<>());
    private final List<Example> examples = Collections.synchronizedList(new ArrayList<>());
    private final List<DeadLetter> deadLetters = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean stopping;
    private volatile RuntimeException failure;

    StageOutputs(Cluster cluster) {
        this.topics = cluster.topics();
        Properties p = cluster.kafka().properties();
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 << 20);
        consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = List.of(new TopicPartition(topics.scores.name(), 0),
                new TopicPartition(topics.scoresJson.name(), 0), new TopicPartition(topics.examples.name(), 0),
                new TopicPartition(topics.deadLetters.name(), 0));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        thread.start();
    }

    private void run() {
        try {
            while (!stopping) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    String topic = r.topic();
                    if (topic.equals(topics.scores.name())) {
                        avroAnswers.add(topics.scores.valueSerde().deserializer().deserialize(topic, r.value())
                                .getDisplayId());
                    } else if (topic.equals(topics.scoresJson.name())) {
                        jsonAnswers.add(json.readTree(new String(r.value(), StandardCharsets.UTF_8))
                                .get("display_id").asLong());
                    } else if (topic.equals(topics.examples.name())) {
                        examples.add(topics.examples.valueSerde().deserializer().deserialize(topic, r.value()));
                    } else {
                        deadLetters.add(topics.deadLetters.valueSerde().deserializer().deserialize(topic, r.value()));
                    }
                }
            }
        } catch (IOException e) {
            failure = new UncheckedIOException(e);
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            consumer.close();
        }
    }

    private <T> List<T> copy(List<T> list) {
        if (failure != null) {
            throw new IllegalStateException("reading the outputs failed", failure);
        }
        synchronized (list) {
            return List.copyOf(list);
        }
    }

    /** Display ids of the Avro answers on {@code scores}, in order. */
    List<Long> avroAnswers() {
        return copy(avroAnswers);
    }

    /** Display ids of the JSON answers on {@code scores.json}, in order. */
    List<Long> jsonAnswers() {
        return copy(jsonAnswers);
    }

    List<Example> examples() {
        return copy(examples);
    }

    List<DeadLetter> deadLetters() {
        return copy(deadLetters);
    }

    @Override
    public void close() throws InterruptedException {
        stopping = true;
        thread.join(10_000);
    }
}
