package dev.wnd.bench;

import dev.wnd.app.Cluster;
import dev.wnd.app.Stages;
import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.schemas.avro.AdScore;
import dev.wnd.schemas.avro.Score;
import dev.wnd.schemas.avro.ScoreRequest;
import dev.wnd.schemas.topic.AppTopics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The scorer's Kafka path without its features and model, for {@code wnd bench scorer --passthrough}: the same
 * request and answer topics, serdes and live settings (at-least-once, 100 ms commits, producer linger 0, 5 ms fetch
 * waits and polls), the event topics read and dropped, and every request answered at once with its ads in the order
 * given, each at probability 0. Its latency is what the broker, the clients and Kafka Streams alone cost on the
 * machine at the same load, so it bounds the scorer's from below.
 */
final class ScorerPassthroughTopology {
    static final String APP_ID = "wnd-bench-scorer-passthrough";
    static final String MODEL_VERSION = "passthrough";

    private ScorerPassthroughTopology() {
    }

    static Topology build(AppTopics topics) {
        Topology topology = new Topology();
        PassthroughTopology.addDropped(topology, topics.pageViews);
        PassthroughTopology.addDropped(topology, topics.displays);
        PassthroughTopology.addDropped(topology, topics.labels);
        PassthroughTopology.addDropped(topology, topics.scoreRequestsJson);
        String specHash = FeatureSpec.standard().hash();
        topology.addSource("requests", topics.scoreRequests.keySerde().deserializer(),
                topics.scoreRequests.valueSerde().deserializer(), topics.scoreRequests.name());
        topology.addProcessor("answer", () -> new Answer(specHash), "requests");
        topology.addSink("scores", topics.scores.name(), topics.scores.keySerde().serializer(),
                topics.scores.valueSerde().serializer(), "answer");
        return topology;
    }

    /** Starts the application (the bench's topics exist already). */
    static KafkaStreams start(Cluster cluster, Path stateDir) {
        return Stages.start("scorer passthrough", build(cluster.topics()),
                Stages.scorerProperties(cluster, stateDir, APP_ID, true)).streams();
    }

    private static final class Answer implements Processor<String, ScoreRequest, Long, Score> {
        private final String specHash;
        private ProcessorContext<Long, Score> context;

        Answer(String specHash) {
            this.specHash = specHash;
        }

        @Override
        public void init(ProcessorContext<Long, Score> context) {
            this.context = context;
        }

        @Override
        public void process(Record<String, ScoreRequest> record) {
            long received = System.currentTimeMillis();
            ScoreRequest request = record.value();
            List<AdScore> ads = new ArrayList<>(request.getAdIds().size());
            for (Long ad : request.getAdIds()) {
                ads.add(new AdScore(ad, 0.0));
            }
            Score score = Score.newBuilder()
                    .setDisplayId(request.getDisplayId())
                    .setModelVersion(MODEL_VERSION)
                    .setSpecHash(specHash)
                    .setAds(ads)
                    .setReceivedMs(received)
                    .setAnsweredMs(System.currentTimeMillis())
                    .build();
            context.forward(new Record<>(request.getDisplayId(), score, record.timestamp()));
        }
    }
}
