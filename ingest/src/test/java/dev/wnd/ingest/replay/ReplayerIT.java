package dev.wnd.ingest.replay;

import dev.wnd.features.spec.EventTime;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.wnd.embedded.EmbeddedRuntime;
import dev.wnd.ingest.csv.OutbrainFile;
import dev.wnd.ingest.generate.DataGenerator;
import dev.wnd.ingest.generate.GeneratorConfig;
import dev.wnd.ingest.generate.GeneratorSummary;
import dev.wnd.schemas.avro.DeadLetter;
import dev.wnd.schemas.avro.Display;
import dev.wnd.schemas.avro.Label;
import dev.wnd.schemas.avro.PageView;
import dev.wnd.schemas.avro.ScoreRequest;
import dev.wnd.schemas.registry.HttpSchemaRegistryClient;
import dev.wnd.schemas.registry.SchemaRegistryClient;
import dev.wnd.schemas.topic.AppTopics;
import dev.wnd.schemas.topic.Topic;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The replay against a real (embedded) broker and registry: counts, dead letters, resume without duplicates. */
class ReplayerIT {

    private static final int DISPLAYS = 3_000;

    @TempDir
    static Path shared;
    static Path data;
    static GeneratorSummary generated;

    @TempDir
    Path tmp;
    EmbeddedRuntime runtime;
    AppTopics topics;

    @BeforeAll
    static void generate() throws IOException {
        data = shared.resolve("data");
        generated = DataGenerator.generate(GeneratorConfig.defaults(DISPLAYS, 11), data);
    }

    @BeforeEach
    void start() {
        runtime = EmbeddedRuntime.start(new EmbeddedRuntime.Config(tmp.resolve("runtime")));
        topics = new AppTopics(new HttpSchemaRegistryClient(runtime.registryUrl()));
    }

    @AfterEach
    void stop() {
        runtime.close();
    }

    private ReplayConfig config(Path dir) {
        return ReplayConfig.defaults(dir, runtime.bootstrapServers()).withTopicLayout(3, (short) 1);
    }

    /** Every committed record of {@code topic}, read under read_committed. */
    private List<ConsumerRecord<byte[], byte[]>> committed(String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, runtime.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                assertThat(System.nanoTime()).as("reading %s to its end", topic).isLessThan(deadline);
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            return out;
        }
    }

    private <K, V> List<V> values(Topic<K, V> topic) {
        return committed(topic.name()).stream()
                .map(r -> topic.valueSerde().deserializer().deserialize(topic.name(), r.value())).toList();
    }

    private long rows(String file) {
        return generated.rows().get(file);
    }

    /**
     * Every topic holds each record of the generated data set exactly once, once the transaction markers are written
     * (a committed transaction becomes visible to read_committed consumers a moment after the commit returns).
     */
    private void awaitExactlyOnce() {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(this::assertExactlyOnce);
    }

    private void assertExactlyOnce() {
        assertThat(committed(topics.promotedContent.name())).hasSize((int) rows("promoted_content.csv"));
        assertThat(committed(topics.documentsMeta.name())).hasSize((int) rows("documents_meta.csv"));
        assertThat(committed(topics.documentsTopics.name())).hasSize((int) rows("documents_topics.csv"));
        assertThat(committed(topics.documentsEntities.name())).hasSize((int) rows("documents_entities.csv"));
        assertThat(committed(topics.documentsCategories.name())).hasSize((int) rows("documents_categories.csv"));
        List<PageView> views = values(topics.pageViews);
        assertThat(views).hasSize((int) rows("page_views.csv"));
        assertThat(views.stream().map(v -> v.getUuid() + "/" + v.getDocumentId() + "/" + v.getTimestamp())
                .distinct().count()).isEqualTo(views.stream().distinct().count());
        List<Display> displays = values(topics.displays);
        assertThat(displays).hasSize((int) generated.trainDisplays());
        assertThat(displays.stream().map(Display::getDisplayId).distinct().count())
                .isEqualTo(generated.trainDisplays());
        List<Label> labels = values(topics.labels);
        assertThat(labels.stream().map(Label::getDisplayId).distinct().count()).isEqualTo(labels.size())
                .isEqualTo(generated.trainDisplays());
        List<ScoreRequest> requests = values(topics.scoreRequests);
        assertThat(requests.stream().map(ScoreRequest::getDisplayId).distinct().count()).isEqualTo(requests.size())
                .isEqualTo(generated.testDisplays());
    }

    private long streamLength() {
        return generated.rows().values().stream().mapToLong(Long::longValue).sum() - rows("events.csv")
                - rows("clicks_train.csv") - rows("clicks_test.csv") + 2 * generated.trainDisplays()
                + generated.testDisplays();
    }

    @Test
    void shouldReplayEveryRecordOfAGeneratedDataSetOnceOnEveryTopic() throws Exception {
        List<ReplayProgress> progress = new ArrayList<>();
        AtomicReference<ReplayStart> started = new AtomicReference<>();
        ReplaySummary summary = Replayer.run(config(data), topics, new ProgressListener() {
            @Override
            public void onStart(ReplayStart start) {
                started.set(start);
            }

            @Override
            public void onProgress(ReplayProgress p) {
                progress.add(p);
            }
        });

        assertThat(summary.complete()).isTrue();
        assertThat(summary.position()).isEqualTo(streamLength()).isEqualTo(summary.sent());
        assertThat(summary.lateRecords()).isZero();
        assertThat(summary.eventRuns()).isEqualTo(2);
        assertThat(summary.deadLettersByCause()).isEmpty();
        assertThat(summary.sentPerTopic()).containsEntry("displays", generated.trainDisplays())
                .containsEntry("labels", generated.trainDisplays())
                .containsEntry("score-requests", generated.testDisplays())
                .containsEntry("page-views", rows("page_views.csv"))
                .containsEntry("documents-meta", rows("documents_meta.csv"));
        assertThat(started.get().eventRuns()).isEqualTo(2);
        assertThat(progress).isNotEmpty();
        awaitExactlyOnce();
        assertThat(committed("dead-letters")).isEmpty();

        ConsumerRecord<byte[], byte[]> first = committed(topics.displays.name()).get(0);
        Display display = topics.displays.valueSerde().deserializer().deserialize("displays", first.value());
        assertThat(first.timestamp()).isEqualTo(EventTime.EPOCH_BASE_MS + display.getTimestamp());
        assertThat(new String(first.key(), StandardCharsets.UTF_8)).isEqualTo(display.getUuid());
        assertThat(committed(topics.promotedContent.name()).get(0).timestamp())
                .isEqualTo(EventTime.EPOCH_BASE_MS - 1);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<ConsumerRecord<byte[], byte[]>> positions = committed(Replayer.POSITION_TOPIC);
            assertThat(positions).isNotEmpty();
            assertThat(new String(positions.get(positions.size() - 1).value(), StandardCharsets.UTF_8))
                    .contains("\"records\":" + streamLength()).contains("\"complete\":true");
        });

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                runtime.bootstrapServers()))) {
            ConfigResource pages = new ConfigResource(ConfigResource.Type.TOPIC, "page-views");
            ConfigResource ads = new ConfigResource(ConfigResource.Type.TOPIC, "promoted-content");
            Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(pages, ads)).all().get();
            assertThat(configs.get(pages).get("retention.ms").value()).isEqualTo("-1");
            assertThat(configs.get(ads).get("cleanup.policy").value()).isEqualTo("compact");
            assertThat(admin.describeTopics(List.of("page-views")).allTopicNames().get().get("page-views")
                    .partitions()).hasSize(3);
        }

        ReplaySummary again = Replayer.run(config(data), topics, ProgressListener.NONE);
        assertThat(again.sent()).isZero();
        assertThat(again.complete()).isTrue();
        awaitExactlyOnce();
    }

    @Test
    void shouldDeadLetterBadRowsWithFileLineAndReasonAndGoOn() throws Exception {
        Path bad = tmp.resolve("bad");
        Files.createDirectories(bad);
        try (Stream<Path> files = Files.list(data)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                Files.copy(p, bad.resolve(p.getFileName()));
            }
        }
        long clickLines = Files.readAllLines(bad.resolve("clicks_train.csv")).size();
        Files.writeString(bad.resolve("clicks_train.csv"), "abc,1,0\n99999999,1,1\n", StandardOpenOption.APPEND);
        long viewLines = Files.readAllLines(bad.resolve("page_views.csv")).size();
        Files.writeString(bad.resolve("page_views.csv"), "aaaaaaaaaaaaaa,1,,1,RS,1\n", StandardOpenOption.APPEND);

        ReplaySummary summary = Replayer.run(config(bad), topics, ProgressListener.NONE);

        assertThat(summary.complete()).isTrue();
        assertThat(summary.rejectedPerFile()).isEqualTo(Map.of("clicks_train.csv", 1L, "page_views.csv", 1L));
        assertThat(summary.deadLettersByCause()).isEqualTo(Map.of("rejected_row", 2L, "click_without_event", 1L));
        assertThat(summary.sentPerTopic()).containsEntry("dead-letters", 3L)
                .containsEntry("displays", generated.trainDisplays());
        await().atMost(Duration.ofSeconds(30)).until(() -> values(topics.deadLetters).size() == 3);
        List<DeadLetter> letters = values(topics.deadLetters);
        assertThat(letters).extracting(DeadLetter::getSource, DeadLetter::getLine, DeadLetter::getReason)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("clicks_train.csv", clickLines + 1,
                                "display_id: not an integer: 'abc'"),
                        org.assertj.core.groups.Tuple.tuple("clicks_train.csv", clickLines + 2,
                                "display_id 99999999 has no row in events.csv"),
                        org.assertj.core.groups.Tuple.tuple("page_views.csv", viewLines + 1, "timestamp: missing"));
        assertThat(letters).allSatisfy(l -> assertThat(l.getStage()).isEqualTo("ingest"));
        assertThat(values(topics.displays)).hasSize((int) generated.trainDisplays());
    }

    @Test
    void shouldResumeWithoutDuplicatesAfterStoppingMidway() throws Exception {
        long half = streamLength() / 2;

        ReplaySummary first = Replayer.run(config(data).withStopAfter(half).withTransactions(1_000,
                Duration.ofSeconds(1)), topics, ProgressListener.NONE);

        assertThat(first.complete()).isFalse();
        assertThat(first.position()).isEqualTo(half);
        await().atMost(Duration.ofSeconds(30)).until(() -> Stream.of(topics.promotedContent, topics.documentsMeta,
                topics.documentsTopics, topics.documentsEntities, topics.documentsCategories, topics.pageViews,
                topics.displays, topics.labels, topics.scoreRequests).mapToLong(t -> committed(t.name()).size())
                .sum() == half);

        ReplaySummary second = Replayer.run(config(data), topics, ProgressListener.NONE);

        assertThat(second.complete()).isTrue();
        assertThat(second.skipped()).isEqualTo(half);
        assertThat(second.sent()).isEqualTo(streamLength() - half);
        awaitExactlyOnce();
    }

    @Test
    void shouldResumeWithoutDuplicatesAfterAFailureInTheMiddleOfATransaction() throws Exception {
        SchemaRegistryClient real = new HttpSchemaRegistryClient(runtime.registryUrl());
        SchemaRegistryClient failing = new SchemaRegistryClient() {
            @Override
            public int register(String subject, Schema schema) {
                if (subject.equals("score-requests-value")) {
                    throw new IllegalStateException("registry refuses " + subject);
                }
                return real.register(subject, schema);
            }

            @Override
            public Schema schemaById(int id) {
                return real.schemaById(id);
            }
        };

        assertThatThrownBy(() -> Replayer.run(config(data).withTransactions(500, Duration.ofSeconds(1)),
                new AppTopics(failing), ProgressListener.NONE)).hasMessageContaining("registry refuses score-requests-value");
        await("dimensions went out in earlier transactions").atMost(Duration.ofSeconds(30))
                .until(() -> committed(topics.promotedContent.name()).size() == rows("promoted_content.csv"));
        assertThat(committed(topics.scoreRequests.name())).isEmpty();

        ReplaySummary second = Replayer.run(config(data), topics, ProgressListener.NONE);

        assertThat(second.complete()).isTrue();
        assertThat(second.skipped()).isPositive().isLessThan(streamLength());
        awaitExactlyOnce();
    }

    @Test
    void shouldStopWhenInterruptedCommitWhatWasSentAndResume() throws Exception {
        double speed = 15 * 86_400_000.0 / 30_000;
        AtomicLong sent = new AtomicLong();
        AtomicReference<ReplaySummary> result = new AtomicReference<>();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread replay = new Thread(() -> {
            try {
                result.set(Replayer.run(config(data).withSpeed(speed), topics, new ProgressListener() {
                    @Override
                    public void onProgress(ReplayProgress p) {
                        sent.set(p.sent());
                    }
                }));
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "replay");
        replay.start();
        long dimensions = rows("promoted_content.csv") + rows("documents_meta.csv") + rows("documents_topics.csv")
                + rows("documents_entities.csv") + rows("documents_categories.csv");
        await().atMost(Duration.ofSeconds(60)).until(() -> sent.get() > dimensions + 100);

        replay.interrupt();
        replay.join(Duration.ofSeconds(30).toMillis());

        assertThat(failure.get()).isNull();
        assertThat(replay.isAlive()).isFalse();
        assertThat(stillInterrupted).isTrue();
        ReplaySummary first = result.get();
        assertThat(first.complete()).isFalse();
        assertThat(first.position()).isGreaterThan(dimensions).isLessThan(streamLength());
        await().atMost(Duration.ofSeconds(30)).until(() -> !values(topics.pageViews).isEmpty());

        ReplaySummary second = Replayer.run(config(data), topics, ProgressListener.NONE);

        assertThat(second.skipped()).isEqualTo(first.position());
        assertThat(second.complete()).isTrue();
        awaitExactlyOnce();
    }

    @Test
    void shouldRefuseToResumeWithOtherInput() throws Exception {
        Replayer.run(config(data).withStopAfter(100), topics, ProgressListener.NONE);

        assertThatThrownBy(() -> Replayer.run(config(data).withLabelDelay(Duration.ofMinutes(5)), topics,
                ProgressListener.NONE)).isInstanceOf(ReplayException.class).hasMessageContaining("other input")
                .hasMessageContaining("another replay id");
    }
}
