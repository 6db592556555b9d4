package dev.wnd.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wnd.embedded.EmbeddedRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Local Streams state checked against the real cluster it is about to run on. */
class LocalStateIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path work;

    private EmbeddedRuntime cluster;
    private Admin admin;

    @BeforeEach
    void start() throws Exception {
        cluster = EmbeddedRuntime.startFresh(work.resolve("cluster"), 0, 0, 1);
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        admin = Admin.create(p);
        admin.createTopics(List.of(new NewTopic("changelog", 1, (short) 1))).all().get();
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(pp, new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>("changelog", "k" + i, "v")).get();
            }
        }
    }

    @AfterEach
    void stop() {
        admin.close();
        cluster.close();
    }

    @Test
    void shouldDeleteStateBuiltOnAnotherClusterAndRecordThisOne() throws Exception {
        Path state = work.resolve("state");
        Files.createDirectories(state.resolve("scorer/wnd-scorer/global"));
        Files.writeString(state.resolve(LocalState.CLUSTER_ID_FILE), "another-cluster\n");

        LocalState.reconcile(state, admin, TIMEOUT);

        assertThat(state.resolve("scorer")).doesNotExist();
        assertThat(Files.readString(state.resolve(LocalState.CLUSTER_ID_FILE)).strip())
                .isEqualTo(admin.describeCluster().clusterId().get());
    }

    @Test
    void shouldDeleteStateOfAnUnknownClusterButKeepStateOfThisOne() throws Exception {
        Path state = work.resolve("state");
        Files.createDirectories(state.resolve("features/wnd-features/0_0"));
        LocalState.reconcile(state, admin, TIMEOUT);
        assertThat(state.resolve("features")).doesNotExist();

        Files.createDirectories(state.resolve("features/wnd-features/0_0"));
        LocalState.reconcile(state, admin, TIMEOUT);
        assertThat(state.resolve("features/wnd-features/0_0")).isDirectory();
    }

    @Test
    void shouldDeleteOnlyTheStoresWhoseCheckpointIsPastTheEndOfItsTopic() throws Exception {
        Path state = work.resolve("state");
        LocalState.reconcile(state, admin, TIMEOUT); // records this cluster
        Path ahead = state.resolve("scorer/wnd-scorer/global");
        Path behind = state.resolve("scorer/wnd-scorer/0_0");
        Path gone = state.resolve("scorer/wnd-scorer/0_1");
        checkpoint(ahead, "changelog 0 9329");
        checkpoint(behind, "changelog 0 10");
        checkpoint(gone, "no-such-topic 0 5");

        LocalState.reconcile(state, admin, TIMEOUT);

        assertThat(ahead).doesNotExist();
        assertThat(gone).doesNotExist();
        assertThat(behind.resolve(LocalState.CHECKPOINT_FILE)).exists();
    }

    private static void checkpoint(Path dir, String line) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(LocalState.CHECKPOINT_FILE), "0\n1\n" + line + "\n");
    }
}
