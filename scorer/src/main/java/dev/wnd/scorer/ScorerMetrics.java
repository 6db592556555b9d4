package dev.wnd.scorer;

import dev.wnd.features.streams.DeadLetterListener;

/**
 * What the scorer tells a metrics registry: every answer with its timings, the model each stream thread serves,
 * and the models the feed accepts or refuses. The scorer names no metrics library; the application maps these
 * calls onto its meters.
 *
 * <p>Threading: {@link #answered}, {@link #scoredTogether} and {@link #serving} are called on the stream threads (concurrently when there
 * are several), the model calls also on the feed's follower thread, so implementations must be thread-safe and
 * quick: they run on the scoring path.
 */
public interface ScorerMetrics extends DeadLetterListener {

    /** The Avro face: requests on {@code score-requests}, answers on {@code scores}. */
    String AVRO = "avro";
    /** The JSON face: requests on {@code score-requests.json}, answers on {@code scores.json}. */
    String JSON = "json";

    /** Why a model was not served: trained on another feature spec. */
    String REFUSED_SPEC = "feature-spec";
    /** Why a model was not served: its checkpoint could not be read or loaded. */
    String REFUSED_UNLOADABLE = "unloadable";

    /** Metrics that are not kept. */
    ScorerMetrics NONE = new ScorerMetrics() {
    };

    /**
     * One request was answered.
     *
     * @param face {@link #AVRO} or {@link #JSON}
     * @param requestTimestampMs the request record's timestamp (epoch ms): the time its producer sent it under
     *     Kafka's default CreateTime, the event time for replayed requests
     * @param answeredMs wall clock (epoch ms) when the answer was produced
     * @param processingNanos time spent inside the scorer on this request (features, model), in nanoseconds
     */
    default void answered(String face, long requestTimestampMs, long answeredMs, long processingNanos) {
    }

    /**
     * One forward pass scored {@code requests} requests together ({@code rows} ads in all): more than one when
     * requests queued up behind each other (see {@link ScorerTopology}).
     */
    default void scoredTogether(int requests, int rows) {
    }

    /** A stream thread has swapped its predictor and now answers with {@code version}. */
    default void serving(String version) {
    }

    /** The feed accepted {@code version}; stream threads swap to it with their next request. */
    default void modelAccepted(String version) {
    }

    /**
     * A model was not served; the one before it keeps serving.
     *
     * @param cause {@link #REFUSED_SPEC} or {@link #REFUSED_UNLOADABLE}
     */
    default void modelRefused(String version, String cause) {
    }

    @Override
    default void deadLettered(String sourceTopic) {
    }
}
