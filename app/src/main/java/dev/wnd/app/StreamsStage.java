package dev.wnd.app;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A started Kafka Streams stage (features, scorer) that knows whether it is alive, and why not. A thread that dies
 * shuts the whole client down ({@code SHUTDOWN_CLIENT}), so a stage is either serving or failed, never half alive;
 * the first exception that killed a thread is kept as the cause.
 *
 * <p>Commands ask {@link #check()} while they wait on a stage, so that a dead stage stops them at once with
 * {@link StageFailedException} instead of waiting forever. Thread-safe.
 */
public final class StreamsStage implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamsStage.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(60);

    private final String name;
    private final KafkaStreams streams;
    private final AtomicReference<Throwable> cause = new AtomicReference<>();
    private volatile boolean closing;

    private StreamsStage(String name, KafkaStreams streams) {
        this.name = name;
        this.streams = streams;
    }

    /**
     * Creates and starts the stage.
     *
     * @param name what the user calls it in messages ("features", "scorer")
     */
    public static StreamsStage start(String name, Topology topology, java.util.Properties props) {
        StreamsStage stage = new StreamsStage(Objects.requireNonNull(name, "name"), new KafkaStreams(topology, props));
        stage.streams.setUncaughtExceptionHandler(e -> {
            stage.cause.compareAndSet(null, e);
            LOG.error("the {} stage failed", name, e);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        stage.streams.start();
        return stage;
    }

    /** The stage's name in messages. */
    public String name() {
        return name;
    }

    /** The running application (for its stores, state and metrics). */
    public KafkaStreams streams() {
        return streams;
    }

    /** Whether the stage serves: every thread alive, running or rebalancing. */
    public boolean healthy() {
        return streams.state().isRunningOrRebalancing() && cause.get() == null;
    }

    /** Whether the stage has died (not stopped by {@link #close()}). */
    public boolean failed() {
        if (cause.get() != null) {
            return true;
        }
        KafkaStreams.State state = streams.state();
        return !closing && (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.PENDING_ERROR
                || state == KafkaStreams.State.PENDING_SHUTDOWN || state == KafkaStreams.State.NOT_RUNNING);
    }

    /**
     * Returns quietly while the stage is alive.
     *
     * @throws StageFailedException naming the stage and the cause when it has died
     */
    public void check() {
        if (failed()) {
            throw failure();
        }
    }

    /** The exception that says this stage died, and why. */
    public StageFailedException failure() {
        Throwable c = cause.get();
        return new StageFailedException(name, c == null ? "it stopped (" + streams.state() + "); see the log"
                : StageFailedException.describe(c), c);
    }

    /** Stops the stage (idempotent), waiting for its threads and stores to close. */
    @Override
    public void close() {
        closing = true;
        streams.close(CLOSE_TIMEOUT);
    }
}
