package dev.wnd.schemas.topic;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Every topic this system creates, with its layout, in one place: the application's topics ({@link AppTopics})
 * and the system topics (the replay position, the embedded registry's {@value #SCHEMAS}). Applied by
 * {@link TopicReconciler} at the start of every command, on the embedded broker and on an external cluster
 * alike. Immutable.
 *
 * <p>What is declared, and why:
 * <ul>
 *   <li>every topic keeps its records forever ({@code retention.ms=-1}): the Outbrain event timestamps lie in 2016,
 *       and time retention would delete a replay at once;</li>
 *   <li>{@code promoted-content} and {@code documents-meta} are tables keyed by their id and compacted; the other
 *       document tables hold several rows per document and are logs; so are the events;</li>
 *   <li>the application topics get the partition count given to {@link #forApp} ({@code --partitions}, default
 *       {@value #DEFAULT_PARTITIONS}; with more, the features and scorer applications create their own CTR
 *       updates topics with as many partitions);</li>
 *   <li>{@value #REPLAY_POSITION} and {@value #SCHEMAS} are compacted single-partition topics (one record per key,
 *       read to the end at start).</li>
 * </ul>
 *
 * @param topics the declarations, names unique; copied
 */
public record TopicPlan(List<TopicDeclaration> topics) {

    /** Default partition count of the application topics. */
    public static final int DEFAULT_PARTITIONS = 1;
    /** The compacted topic holding each replay's position, keyed by replay id. */
    public static final String REPLAY_POSITION = "replay-position";
    /** The compacted topic holding the embedded schema registry's state (Confluent's layout). */
    public static final String SCHEMAS = "_schemas";

    public TopicPlan {
        Objects.requireNonNull(topics, "topics");
        Set<String> names = new HashSet<>();
        for (TopicDeclaration t : topics) {
            if (!names.add(t.name())) {
                throw new IllegalArgumentException("topic " + t.name() + " is declared twice");
            }
        }
        topics = List.copyOf(topics);
    }

    /**
     * The application's topics (every topic of {@code app}) and the replay position topic.
     *
     * @param partitions partitions of the application topics
     */
    public static TopicPlan forApp(AppTopics app, int partitions) {
        Map<Topic<?, ?>, Boolean> compacted = new LinkedHashMap<>();
        for (Topic<?, ?> t : app.all()) {
            compacted.put(t, false);
        }
        compacted.put(app.promotedContent, true);
        compacted.put(app.documentsMeta, true);
        List<TopicDeclaration> out = new ArrayList<>();
        compacted.forEach((t, table) -> out.add(table
                ? TopicDeclaration.table(t.name(), partitions)
                : TopicDeclaration.events(t.name(), partitions)));
        out.add(replayPosition());
        return new TopicPlan(out);
    }

    /** The replay position topic: compacted, one partition. */
    public static TopicDeclaration replayPosition() {
        return TopicDeclaration.table(REPLAY_POSITION, 1);
    }

    /** The embedded registry's topic: compacted, one partition (as Confluent's registry declares it). */
    public static TopicDeclaration schemaRegistry() {
        return TopicDeclaration.table(SCHEMAS, 1);
    }

    /** The declaration of topic {@code name}, if this plan has one. */
    public Optional<TopicDeclaration> find(String name) {
        return topics.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /**
     * The declarations of the named topics, in this plan's order.
     *
     * @throws IllegalArgumentException naming a topic this plan does not declare
     */
    public TopicPlan only(Collection<String> names) {
        for (String name : names) {
            if (find(name).isEmpty()) {
                throw new IllegalArgumentException("topic " + name + " is not declared in the topic plan");
            }
        }
        return new TopicPlan(topics.stream().filter(t -> names.contains(t.name())).toList());
    }

    /** The topic names, in order. */
    public List<String> names() {
        return topics.stream().map(TopicDeclaration::name).toList();
    }
}
