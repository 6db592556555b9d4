package dev.wnd.bench;

import dev.wnd.app.Cluster;
import dev.wnd.app.Stages;
import dev.wnd.features.streams.StreamsSettings;
import dev.wnd.schemas.topic.AppTopics;
import dev.wnd.schemas.topic.Topic;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The features topology's inputs without its features, for {@code wnd bench features --passthrough}: the same event
 * topics and serdes, the same guarantee and commit interval, each display forwarded as is to {@link #OUTPUT}, page
 * views and labels read and dropped, no state stores. What it sustains is what Kafka Streams and the broker alone
 * allow on the machine, so it bounds the features topology from above.
 */
final class PassthroughTopology {
    static final String APP_ID = "wnd-bench-passthrough";
    static final String OUTPUT = "bench-passthrough";

    private PassthroughTopology() {
    }

    static Topology build(AppTopics topics) {
        Topology topology = new Topology();
        addDropped(topology, topics.pageViews);
        addDropped(topology, topics.labels);
        topology.addSource("displays", topics.displays.keySerde().deserializer(),
                topics.displays.valueSerde().deserializer(), topics.displays.name());
        topology.addSink("output", OUTPUT, topics.displays.keySerde().serializer(),
                topics.displays.valueSerde().serializer(), "displays");
        return topology;
    }

    static <K, V> void addDropped(Topology topology, Topic<K, V> topic) {
        topology.addSource(topic.name(), topic.keySerde().deserializer(), topic.valueSerde().deserializer(),
                topic.name());
        topology.addProcessor(topic.name() + "-dropped", () -> new Processor<K, V, Void, Void>() {
            @Override
            public void process(Record<K, V> record) {
                // read and deserialized, like every input of the features topology; nothing to do with it
            }
        }, topic.name());
    }

    /** Creates the output topic (as many partitions as the displays topic) and starts the application. */
    static KafkaStreams start(Cluster cluster, Path stateDir, boolean exactlyOnce, long commitIntervalMs)
            throws InterruptedException, ExecutionException {
        try (Admin admin = cluster.admin()) { // the bench's broker is new, so the topic is too
            admin.createTopics(List.of(new NewTopic(OUTPUT, Optional.of(cluster.partitions()), Optional.empty())))
                    .all().get();
        }
        StreamsSettings settings = new StreamsSettings(APP_ID, cluster.kafka(), cluster.registry(),
                stateDir.resolve("passthrough"), "passthrough", exactlyOnce, commitIntervalMs);
        return Stages.start("features passthrough", build(cluster.topics()), settings.toProperties()).streams();
    }
}
