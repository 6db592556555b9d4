package dev.wnd.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wnd.schemas.registry.HttpSchemaRegistryClient;
import dev.wnd.schemas.topic.AppTopics;
import dev.wnd.schemas.topic.TopicDeclaration;
import dev.wnd.schemas.topic.TopicPlan;
import dev.wnd.schemas.topic.TopicReconciler;
import dev.wnd.schemas.topic.TopicReconciler.Mismatch;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The topic plan applied to a real broker: created once, checked afterwards, differences reported. */
class TopicReconcilerIT {

    @TempDir
    static Path dir;
    static EmbeddedRuntime runtime;
    static Admin admin;

    @BeforeAll
    static void start() {
        runtime = EmbeddedRuntime.start(new EmbeddedRuntime.Config(dir));
        admin = Admin.create(Map.of("bootstrap.servers", runtime.bootstrapServers()));
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close();
        }
        if (runtime != null) {
            runtime.close();
        }
    }

    private static TopicReconciler reconciler() {
        return new TopicReconciler(admin, Optional.of((short) 1), Duration.ofSeconds(30));
    }

    @Test
    void shouldCreateMissingTopicsOnlyOnce() throws Exception {
        TopicPlan plan = TopicPlan.forApp(new AppTopics(new HttpSchemaRegistryClient(runtime.registryUrl())), 2);

        TopicReconciler.Report first = reconciler().apply(plan);
        TopicReconciler.Report second = reconciler().apply(plan);

        assertThat(first.created()).containsExactlyElementsOf(plan.names());
        assertThat(first.mismatches()).isEmpty();
        assertThat(second.noop()).as("second apply: %s", second).isTrue();
        Config meta = configOf("documents-meta");
        assertThat(meta.get("cleanup.policy").value()).isEqualTo("compact");
        assertThat(meta.get("retention.ms").value()).isEqualTo("-1");
        assertThat(admin.describeTopics(List.of("displays")).allTopicNames().get().get("displays").partitions())
                .hasSize(2);
    }

    @Test
    void shouldSetADeclaredConfigThatAnExistingTopicLeavesToTheBrokerDefault() throws Exception {
        admin.createTopics(List.of(new NewTopic("operator-made", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        TopicDeclaration declared = TopicDeclaration.events("operator-made", 1);

        TopicReconciler.Report first = reconciler().apply(List.of(declared));
        TopicReconciler.Report second = reconciler().apply(List.of(declared));

        assertThat(first.configsSet()).containsEntry("operator-made", Map.of("retention.ms", "-1"));
        assertThat(first.mismatches()).isEmpty();
        assertThat(second.noop()).isTrue();
        assertThat(configOf("operator-made").get("retention.ms").value()).isEqualTo("-1");
    }

    @Test
    void shouldReportButNeverChangeOtherPartitionsOrAPolicyTheTopicSetsItself() throws Exception {
        admin.createTopics(List.of(new NewTopic("differs", 3, (short) 1)
                .configs(Map.of("cleanup.policy", "delete", "retention.ms", "-1")))).all().get(30, TimeUnit.SECONDS);
        TopicDeclaration declared = TopicDeclaration.table("differs", 1);

        TopicReconciler.Report report = reconciler().apply(List.of(declared));

        assertThat(report.created()).isEmpty();
        assertThat(report.configsSet()).isEmpty();
        assertThat(report.mismatches()).containsExactlyInAnyOrder(
                new Mismatch("differs", "partitions", "1", "3"),
                new Mismatch("differs", "cleanup.policy", "compact", "delete"));
        assertThat(report.mismatches().get(0).describe()).contains("differs").contains("--partitions 3");
        assertThat(configOf("differs").get("cleanup.policy").value()).isEqualTo("delete");
        assertThat(admin.describeTopics(List.of("differs")).allTopicNames().get().get("differs").partitions())
                .hasSize(3);
    }

    @Test
    void shouldHaveCreatedTheRegistrysTopicAsDeclared() throws Exception {
        TopicReconciler.Report report = reconciler().apply(List.of(TopicPlan.schemaRegistry()));

        assertThat(report.noop()).as("%s", report).isTrue();
    }

    private static Config configOf(String topic) throws Exception {
        ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(List.of(r)).all().get(30, TimeUnit.SECONDS).get(r);
    }
}
