package dev.wnd.features.topology;

import dev.wnd.features.streams.StatePartitioning;
import dev.wnd.features.streams.StreamsSettings;
import dev.wnd.features.fn.FeatureAssembler;
import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.schemas.kafka.KafkaConnection;
import dev.wnd.schemas.registry.HttpSchemaRegistryClient;
import dev.wnd.schemas.registry.RegistryConnection;
import dev.wnd.schemas.topic.AppTopics;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * One features instance as {@link FeaturesRestartIT} runs it, in a JVM of its own so that the test can kill it with
 * SIGKILL: no close, no commit, an open transaction left behind. Runs until killed.
 *
 * <p>Arguments: bootstrap servers, registry URL, state directory, application id, split seed, and optionally the
 * partition count of the event topics (default 1; with more, the CTR updates topic must exist and the instance runs
 * two stream threads).
 */
final class FeaturesInstance {

    private FeaturesInstance() {
    }

    /**
     * The instance's Streams properties, shared with the in-process instances of the test so that both run alike.
     * The session timeout is the broker's minimum, so that the group drops a killed member in seconds, not 45.
     */
    static Properties properties(String applicationId, String bootstrap, String registryUrl, Path stateDir) {
        Properties props = new StreamsSettings(applicationId, KafkaConnection.plaintext(bootstrap),
                RegistryConnection.plain(registryUrl), stateDir, "features", true, 100).toProperties();
        // Wait far longer than the app's 200 ms for an input that has no buffered records: a task that went ahead
        // while a fetch was late would merge the inputs out of timestamp order, a (documented) source of difference
        // the restart tests do not measure. Not longer than 5 s, though: at the end of its input a task waits this
        // long before it processes the last records, once per instance run (60 s made the class take 11 minutes).
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, 5_000L);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 6_000);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 1_000);
        return props;
    }

    public static void main(String[] args) throws InterruptedException {
        String bootstrap = args[0];
        String registryUrl = args[1];
        Path stateDir = Path.of(args[2]);
        String applicationId = args[3];
        long splitSeed = Long.parseLong(args[4]);
        int partitions = args.length > 5 ? Integer.parseInt(args[5]) : 1;
        AppTopics topics = new AppTopics(new HttpSchemaRegistryClient(registryUrl));
        Properties props = properties(applicationId, bootstrap, registryUrl, stateDir);
        if (partitions > 1) {
            props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 2);
        }
        KafkaStreams streams = new KafkaStreams(FeaturesTopology.build(topics, new FeatureAssembler(FeatureSpec.seed()),
                FeaturesTopology.Options.of(splitSeed).withPartitioning(StatePartitioning.broadcast(partitions,
                        StatePartitioning.updatesTopicOf(applicationId)))), props);
        streams.start();
        new CountDownLatch(1).await();
    }
}
