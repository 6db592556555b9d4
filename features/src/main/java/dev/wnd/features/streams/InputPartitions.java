package dev.wnd.features.streams;

import dev.wnd.schemas.topic.AppTopics;
import dev.wnd.schemas.topic.TopicDeclaration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * What a features application checks and prepares before it starts: its event topics must be co-partitioned (one
 * partition count for page views, displays and labels, all keyed by uuid, so that a user's events meet in one
 * task), and with several partitions its CTR updates topic must exist with as many partitions
 * ({@link StatePartitioning}).
 */
public final class InputPartitions {

    private InputPartitions() {
    }

    /** The event topics whose partitioning the features topology depends on. */
    public static List<String> eventTopics(AppTopics topics) {
        return List.of(topics.pageViews.name(), topics.displays.name(), topics.labels.name());
    }

    /**
     * The partition count the event topics share: 1 when none exists yet.
     *
     * @param partitionsByTopic partition count of each event topic that exists
     * @throws IllegalStateException naming the topics and their counts when they differ
     */
    public static int sharedCount(Map<String, Integer> partitionsByTopic) {
        if (partitionsByTopic.values().stream().distinct().count() > 1) {
            throw new IllegalStateException("the event topics must have one partition count, so that each user's page "
                    + "views, displays, labels (and score requests) meet in one task, but they have " + partitionsByTopic
                    + ". Recreate them with one count (wnd ... --partitions N).");
        }
        return partitionsByTopic.values().stream().findFirst().orElse(1);
    }

    /**
     * Checks the event topics and, with several partitions, creates the application's CTR updates topic (kept
     * forever, as the event topics) when it does not exist yet.
     *
     * @return how the application must spread its state
     * @throws IllegalStateException when the event topics differ in partition count, or the updates topic exists
     *     with another one
     */
    public static StatePartitioning prepare(Admin admin, AppTopics topics, String applicationId) {
        return prepare(admin, eventTopics(topics), applicationId);
    }

    /**
     * As {@link #prepare(Admin, AppTopics, String)}, for an application whose other inputs keyed by uuid (the
     * scorer's requests) must be co-partitioned with the event topics too.
     *
     * @param coPartitioned the event topics and those other inputs
     */
    public static StatePartitioning prepare(Admin admin, List<String> coPartitioned, String applicationId) {
        int partitions = sharedCount(describe(admin, coPartitioned));
        StatePartitioning partitioning = StatePartitioning.broadcast(partitions,
                StatePartitioning.updatesTopicOf(applicationId));
        if (partitioning.broadcasts()) {
            String updates = partitioning.updatesTopic();
            Integer existing = describe(admin, List.of(updates)).get(updates);
            if (existing == null) {
                try {
                    admin.createTopics(List.of(TopicDeclaration.events(updates, partitions).newTopic(Optional.empty())))
                            .all().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create the CTR updates topic " + updates, e.getCause());
                    }
                } catch (TimeoutException e) {
                    throw new IllegalStateException("timed out creating the CTR updates topic " + updates, e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while creating " + updates, e);
                }
            } else if (existing != partitions) {
                throw new IllegalStateException("the CTR updates topic " + updates + " has " + existing
                        + " partitions but the event topics have " + partitions + "; delete it (it is rebuilt from the "
                        + "events only with a new application state) or recreate the event topics");
            }
        }
        return partitioning;
    }

    private static Map<String, Integer> describe(Admin admin, List<String> names) {
        Map<String, Integer> partitions = new LinkedHashMap<>();
        admin.describeTopics(names).topicNameValues().forEach((name, future) -> {
            try {
                partitions.put(name, future.get(30, TimeUnit.SECONDS).partitions().size());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw new IllegalStateException("cannot describe the topic " + name, e.getCause());
                }
                // Not created yet.
            } catch (TimeoutException e) {
                throw new IllegalStateException("timed out describing the topic " + name, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while describing the topics", e);
            }
        });
        return partitions;
    }
}
