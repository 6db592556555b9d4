package dev.wnd.schemas.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wnd.schemas.registry.InMemorySchemaRegistryClient;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

class TopicPlanTest {

    private final AppTopics app = new AppTopics(new InMemorySchemaRegistryClient());

    @Test
    void shouldDeclareEveryAppTopicAndTheReplayPosition() {
        TopicPlan plan = TopicPlan.forApp(app, 3);

        assertThat(plan.names()).containsAll(app.all().stream().map(Topic::name).toList())
                .contains(TopicPlan.REPLAY_POSITION).hasSize(app.all().size() + 1);
    }

    @Test
    void shouldGiveTheAppTopicsThePartitionCountAndTheReplayPositionOne() {
        TopicPlan plan = TopicPlan.forApp(app, 3);

        assertThat(plan.find("displays").orElseThrow().partitions()).isEqualTo(3);
        assertThat(plan.find(TopicPlan.REPLAY_POSITION).orElseThrow().partitions()).isEqualTo(1);
        assertThat(TopicPlan.schemaRegistry().partitions()).isEqualTo(1);
    }

    @Test
    void shouldCompactTheKeyedTablesOnly() {
        TopicPlan plan = TopicPlan.forApp(app, 1);

        assertThat(plan.topics().stream().filter(TopicDeclaration::compacted).map(TopicDeclaration::name))
                .containsExactlyInAnyOrder("promoted-content", "documents-meta", TopicPlan.REPLAY_POSITION);
        assertThat(TopicPlan.schemaRegistry().compacted()).isTrue();
        assertThat(plan.find("page-views").orElseThrow().cleanupPolicy()).isEqualTo("delete");
    }

    @Test
    void shouldKeepEveryRecordForeverBecauseTheEventTimesLieIn2016() {
        assertThat(TopicPlan.forApp(app, 1).topics())
                .allSatisfy(t -> assertThat(t.configs()).containsEntry("retention.ms", "-1"));
    }

    @Test
    void shouldCreateWithTheBrokerDefaultReplicationUnlessOneIsGiven() {
        TopicDeclaration meta = TopicPlan.forApp(app, 2).find("documents-meta").orElseThrow();

        NewTopic byDefault = meta.newTopic(Optional.empty());
        NewTopic three = meta.newTopic(Optional.of((short) 3));

        assertThat(byDefault.numPartitions()).isEqualTo(2);
        assertThat(byDefault.replicationFactor()).isEqualTo((short) -1);
        assertThat(three.replicationFactor()).isEqualTo((short) 3);
        assertThat(byDefault.configs()).containsEntry("cleanup.policy", "compact").containsEntry("retention.ms", "-1");
    }

    @Test
    void shouldSelectDeclaredTopicsAndRefuseUndeclaredOnes() {
        TopicPlan plan = TopicPlan.forApp(app, 1);

        assertThat(plan.only(List.of("labels", "displays")).names()).containsExactly("displays", "labels");
        assertThatThrownBy(() -> plan.only(List.of("nope"))).hasMessageContaining("nope");
    }

    @Test
    void shouldRefuseBadDeclarations() {
        assertThatThrownBy(() -> TopicDeclaration.events("x", 0)).hasMessageContaining("partitions");
        assertThatThrownBy(() -> new TopicDeclaration("x", 1, Map.of())).hasMessageContaining("cleanup.policy");
        assertThatThrownBy(() -> new TopicDeclaration("x", 1, Map.of("cleanup.policy", "shred")))
                .hasMessageContaining("shred");
        assertThatThrownBy(() -> new TopicPlan(List.of(TopicDeclaration.events("x", 1),
                TopicDeclaration.table("x", 1)))).hasMessageContaining("twice");
    }

    @Test
    void shouldCompareCleanupPoliciesInAnyOrder() {
        assertThat(TopicDeclaration.sameValue("cleanup.policy", "compact,delete", "delete, compact")).isTrue();
        assertThat(TopicDeclaration.sameValue("cleanup.policy", "compact", "delete")).isFalse();
        assertThat(TopicDeclaration.sameValue("retention.ms", "-1", null)).isFalse();
    }
}
