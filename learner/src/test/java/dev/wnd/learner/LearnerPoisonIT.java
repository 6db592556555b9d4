package dev.wnd.learner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wnd.embedded.EmbeddedRuntime;
import dev.wnd.schemas.avro.DeadLetter;
import dev.wnd.schemas.avro.Example;
import dev.wnd.schemas.avro.Split;
import dev.wnd.schemas.kafka.KafkaConnection;
import dev.wnd.schemas.serde.AvroSerde;
import dev.wnd.schemas.topic.AppTopics;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The learner reads Examples through the same serde as the Streams stages: an Example whose categorical array
 * claims 2<sup>31</sup>&minus;9 items, in a few dozen bytes, is dead-lettered with the reason, and the learner
 * trains everything else (before the bounded decoder, it asked for a 8 GB array and died).
 */
class LearnerPoisonIT {

    private static final long HUGE = Integer.MAX_VALUE - 8L;

    @TempDir
    Path work;

    @Test
    void shouldDeadLetterAnExampleClaimingAHugeArrayAndTrainTheRest() throws Exception {
        try (EmbeddedRuntime runtime = EmbeddedRuntime.start(new EmbeddedRuntime.Config(work.resolve("kafka")))) {
            AppTopics topics = KafkaSupport.topics(runtime);
            KafkaSupport.createTopics(runtime, topics, 1);
            String specHash = TestExamples.spec().hash();
            List<Example> examples = TestExamples.generate(5, 60, 0, 0, specHash);
            int schemaId = ((AvroSerde<?>) topics.examples.valueSerde()).registerFor(topics.examples.name());
            KafkaSupport.produce(runtime, topics, examples.subList(0, examples.size() / 2));
            try (KafkaProducer<Long, byte[]> raw = new KafkaProducer<>(producerProps(runtime), new LongSerializer(),
                    new ByteArraySerializer())) {
                raw.send(new ProducerRecord<>(topics.examples.name(), 0, examples.get(0).getTimestamp(), 7L,
                        hugeCategorical(schemaId, specHash))).get();
            }
            KafkaSupport.produce(runtime, topics, examples.subList(examples.size() / 2, examples.size()));

            OnlineLearner.Summary summary;
            try (DjlTrainableModel model = DjlTrainableModel.open(TestExamples.spec(), TestExamples.modelConfig(3),
                    work.resolve("model"), 3);
                    OnlineLearner learner = new OnlineLearner(new LearnerConfig(
                            KafkaConnection.plaintext(runtime.bootstrapServers()), 64, Duration.ofMillis(200), 1_000,
                            Duration.ZERO, false, "wnd", work.resolve("metrics.jsonl"), 1), topics, model,
                            new OnlineMetrics(1_000))) {
                summary = learner.run(() -> true);
            }

            assertThat(summary.examplesTrained()).isEqualTo(TestExamples.count(examples, Split.TRAIN));
            assertThat(summary.deadLetters()).isEqualTo(1);
            List<ConsumerRecord<String, DeadLetter>> letters = KafkaSupport.readAll(runtime.bootstrapServers(),
                    topics.deadLetters);
            assertThat(letters).singleElement().satisfies(r -> {
                assertThat(r.value().getStage()).isEqualTo("learner");
                assertThat(r.value().getSource()).isEqualTo(topics.examples.name());
                assertThat(r.value().getReason()).contains("cannot deserialize").contains(HUGE + " items")
                        .contains("bytes left");
            });
        }
    }

    /** An Example whose categorical block claims 2^31-9 ints, with none following. */
    private static byte[] hugeCategorical(int schemaId, String specHash) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(new byte[] {0, (byte) (schemaId >>> 24), (byte) (schemaId >>> 16), (byte) (schemaId >>> 8),
                (byte) schemaId});
        BinaryEncoder out = EncoderFactory.get().directBinaryEncoder(bytes, null);
        out.writeLong(7L); // display_id
        out.writeLong(8L); // ad_id
        out.writeLong(1_000L); // timestamp
        out.writeInt(0); // label
        out.writeEnum(0); // split: TRAIN
        out.writeString(specHash);
        out.writeLong(HUGE); // categorical: the claim
        out.flush();
        return bytes.toByteArray();
    }

    private static Properties producerProps(EmbeddedRuntime runtime) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, runtime.bootstrapServers());
        return p;
    }
}
