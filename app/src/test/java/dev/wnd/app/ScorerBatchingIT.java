package dev.wnd.app;

import dev.wnd.features.spec.EventTime;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wnd.features.fn.FeatureFunctions;
import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.model.ModelConfig;
import dev.wnd.model.WideDeepTrainer;
import dev.wnd.model.checkpoint.CheckpointStore;
import dev.wnd.schemas.avro.Score;
import dev.wnd.schemas.avro.ScoreRequest;
import dev.wnd.scorer.CheckpointModelFeed;
import dev.wnd.scorer.ScorerMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batching across requests on the embedded broker, with the scorer's real wiring: the consumer interceptor that
 * tells the processor which requests are already fetched ({@link dev.wnd.scorer.FetchedOffsets}, installed by
 * {@link Stages}), the change-logged held-requests store and the live settings. A backlog of requests, there before
 * the scorer starts, arrives in large polls: the scorer must score many of them per forward pass and still answer
 * each request exactly once, with the ads it asked about. {@code ScorerTopologyTest} covers the rules one record at
 * a time; this shows they engage with real fetches.
 */
class ScorerBatchingIT {

    private static final int REQUESTS = 300;

    @TempDir
    Path work;

    @Test
    void shouldScoreABacklogInFewForwardPassesAndAnswerEveryRequestOnce() throws Exception {
        FeatureSpec spec = FeatureSpec.standard();
        Path models = work.resolve("models");
        ModelConfig config = ModelConfig.defaults().toBuilder().deepHiddenUnits(List.of(16, 16)).seed(3).build();
        List<Integer> passes = Collections.synchronizedList(new ArrayList<>());
        ScorerMetrics metrics = new ScorerMetrics() {
            @Override
            public void scoredTogether(int requests, int rows) {
                passes.add(requests);
            }
        };
        try (Cluster cluster = Cluster.open(Workspace.embedded(work), true);
                WideDeepTrainer trainer = WideDeepTrainer.create(spec, config)) {
            cluster.ensureTopics();
            new CheckpointStore(models, 5).save(trainer, Map.of(), null);
            sendBacklog(cluster);

            try (CheckpointModelFeed feed = new CheckpointModelFeed(spec, models, cluster.topics(), cluster.kafka());
                    KafkaConsumer<Long, Score> answers = answersConsumer(cluster)) {
                KafkaStreams scorer = Stages.startScorer(cluster, cluster.stateDir(), feed, true, metrics).streams();
                try {
                    List<Score> received = new ArrayList<>();
                    await().atMost(Duration.ofSeconds(90)).until(() -> {
                        for (ConsumerRecord<Long, Score> r : answers.poll(Duration.ofMillis(200))) {
                            received.add(r.value());
                        }
                        return received.size() >= REQUESTS;
                    });
                    // Nothing more arrives: no request was answered twice.
                    answers.poll(Duration.ofSeconds(2)).forEach(r -> received.add(r.value()));

                    assertThat(received).extracting(Score::getDisplayId).doesNotHaveDuplicates()
                            .hasSize(REQUESTS);
                    for (Score s : received) {
                        assertThat(s.getAds()).extracting(a -> a.getAdId())
                                .containsExactlyInAnyOrderElementsOf(adsOf(s.getDisplayId()));
                    }
                    assertThat(passes.stream().mapToInt(Integer::intValue).sum())
                            .as("every request scored in exactly one pass").isEqualTo(REQUESTS);
                    assertThat(passes.size()).as("forward passes for %d queued requests: %s", REQUESTS, passes)
                            .isLessThan(REQUESTS / 4);
                    assertThat(Collections.max(passes)).isGreaterThan(1);
                } finally {
                    scorer.close(Duration.ofSeconds(30));
                }
            }
        }
    }

    private static List<Long> adsOf(long displayId) {
        return List.of(100L + displayId % 5, 200L + displayId % 7, 300L);
    }

    private static void sendBacklog(Cluster cluster) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        try (KafkaProducer<String, ScoreRequest> producer = new KafkaProducer<>(p,
                cluster.topics().scoreRequests.keySerde().serializer(),
                cluster.topics().scoreRequests.valueSerde().serializer())) {
            for (long display = 1; display <= REQUESTS; display++) {
                String uuid = "u" + (display % 13);
                long timestamp = 1_000L + display;
                producer.send(cluster.topics().scoreRequests.record(uuid, new ScoreRequest(display, uuid,
                        900L + display % 3, timestamp, 1, "US>CA>807", adsOf(display)),
                        EventTime.EPOCH_BASE_MS + timestamp));
            }
            producer.flush();
        }
    }

    private static KafkaConsumer<Long, Score> answersConsumer(Cluster cluster) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
        KafkaConsumer<Long, Score> consumer = new KafkaConsumer<>(p, cluster.topics().scores.keySerde().deserializer(),
                cluster.topics().scores.valueSerde().deserializer());
        TopicPartition scores = new TopicPartition(cluster.topics().scores.name(), 0);
        consumer.assign(List.of(scores));
        consumer.seekToBeginning(List.of(scores));
        return consumer;
    }
}
