package dev.wnd.scorer;

import dev.wnd.features.streams.DeadLetterListener;

/**
 * What the scorer tells a metrics registry: every answer with its timings, the model each stream thread serves,
 * and the models the feed accepts, refuses or skips, with the time each took to apply. The scorer names no metrics
 * library; the application maps these calls onto its meters.
 *
 * <p>Threading: {@link #answered}, {@link #scoredTogether} and {@link #serving} are called on the stream threads
 * (concurrently when there are several), the model calls on the feed's threads (its follower and its applier), so
 * implementations must be thread-safe and quick: they run on the scoring path.
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
    /** Why a model was not served: its path leads out of the scorer's model directory. */
    String REFUSED_OUTSIDE_MODEL_DIR = "outside-model-dir";
    /**
     * Why a model was not served: it is not newer than the one served (serving it would roll the model back). A
     * replayed or stray announcement; not a fault of the model.
     */
    String REFUSED_NOT_NEWER = "not-newer";
    /** Why a model was not served: the announcement does not decode or names no model version. */
    String REFUSED_MALFORMED = "malformed";

    /** A version the feed applied as a delta chain on the version it served. */
    String APPLIED_DELTA = "delta";
    /** A version the feed loaded in full (with the deltas on disk on it, if any). */
    String APPLIED_FULL = "full";

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
     * @param version the announced version, or {@code announcement <topic>-<partition>@<offset>} when the
     *     announcement does not decode
     * @param cause {@link #REFUSED_SPEC}, {@link #REFUSED_UNLOADABLE}, {@link #REFUSED_OUTSIDE_MODEL_DIR},
     *     {@link #REFUSED_NOT_NEWER} or {@link #REFUSED_MALFORMED}
     */
    default void modelRefused(String version, String cause) {
    }

    /**
     * The feed skipped an announced version, which will never be served: a newer one was announced before it could
     * be applied, or the feed reached a newer one meanwhile. Not a fault: the newer version holds everything it
     * did. Many skips mean that versions come faster than the scorer applies them.
     */
    default void modelSkipped(String version) {
    }

    /**
     * The feed accepted {@code version} (see {@link #modelAccepted}), which took {@code nanos} from the moment the
     * feed started on it to the swap: verifying and reading the files, building or deriving the version.
     *
     * @param kind {@link #APPLIED_DELTA} or {@link #APPLIED_FULL}
     */
    default void modelApplied(String version, String kind, long nanos) {
    }

    @Override
    default void deadLettered(String sourceTopic) {
    }
}
