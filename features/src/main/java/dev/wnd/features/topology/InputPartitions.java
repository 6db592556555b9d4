package dev.wnd.features.topology;

import dev.wnd.schemas.topic.AppTopics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The guard against the features topology's known limitation (see {@link FeaturesTopology}): its CTR counts are
 * kept per uuid partition, so with more than one partition on its event inputs every task would count only its
 * own users' labels and every CTR feature would silently differ from the reference. A features application checks
 * its inputs before it starts and refuses to run on such topics.
 */
public final class InputPartitions {

    private InputPartitions() {
    }

    /** The event topics whose partitioning the features topology depends on. */
    public static List<String> eventTopics(AppTopics topics) {
        return List.of(topics.pageViews.name(), topics.displays.name(), topics.labels.name());
    }

    /**
     * Why the features topology cannot run exactly on topics with these partition counts, or empty when it can.
     *
     * @param partitionsByTopic partition count of each event topic that exists
     */
    public static Optional<String> problem(Map<String, Integer> partitionsByTopic) {
        Map<String, Integer> several = new LinkedHashMap<>();
        partitionsByTopic.forEach((topic, partitions) -> {
            if (partitions > 1) {
                several.put(topic, partitions);
            }
        });
        if (several.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("the features topology is exact with one partition per event topic only, but "
                + several + " have more: its CTR state is kept per uuid partition, so each task would count only "
                + "its own users' labels and every CTR feature (pop_*, ad_views, doc_views) would be wrong. "
                + "Recreate these topics with one partition (see FeaturesTopology's javadoc).");
    }

    /**
     * Throws when the event topics that exist have more than one partition; topics not created yet pass.
     *
     * @throws IllegalStateException naming the topics and why, when the topology would compute wrong features
     */
    public static void requireExact(Admin admin, AppTopics topics) {
        Map<String, Integer> partitions = new LinkedHashMap<>();
        admin.describeTopics(eventTopics(topics)).topicNameValues().forEach((name, future) -> {
            try {
                partitions.put(name, future.get(30, TimeUnit.SECONDS).partitions().size());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw new IllegalStateException("cannot describe the input topic " + name, e.getCause());
                }
                // Not created yet: Streams will wait for it or fail on its own.
            } catch (TimeoutException e) {
                throw new IllegalStateException("timed out describing the input topic " + name, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while describing the input topics", e);
            }
        });
        problem(partitions).ifPresent(p -> {
            throw new IllegalStateException(p);
        });
    }
}
