package dev.wnd.scorer;

import dev.wnd.features.fn.DisplayContext;
import dev.wnd.features.fn.FeatureAssembler;
import dev.wnd.features.fn.FeatureVector;
import dev.wnd.features.state.FeatureState;
import dev.wnd.features.topology.DimensionViews;
import dev.wnd.features.topology.FeatureStateTopology;
import dev.wnd.features.store.ObjectCachingKeyValueStore;
import dev.wnd.features.streams.StatePartitioning;
import dev.wnd.model.Batch;
import dev.wnd.model.ClickPredictor;
import dev.wnd.schemas.avro.AdScore;
import dev.wnd.schemas.avro.Score;
import dev.wnd.schemas.avro.ScoreRequest;
import dev.wnd.schemas.topic.AppTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scoring topology: the same feature-state builders as the features topology, plus a processor that turns
 * each score request into feature vectors with the same {@link FeatureAssembler} and ranks the ads with the newest
 * model. A pure factory.
 *
 * <p><b>Batching.</b> Requests that queue up behind each other are scored in one forward pass, held in a
 * change-logged task store until answered, so at-least-once holds across commits, rebalances and restarts (see
 * {@link ScoreProcessor}); a request that arrives alone is scored at once.
 *
 * <p><b>Model swaps.</b> Each scoring processor owns one predictor, confined to its stream thread. When the feed
 * has a newer version, the processor swaps to a predictor of it at the next forward pass, then closes the old one.
 * A feed whose predictors are handles on a version built already ({@link ModelFeed#newPredictorIsInstant()}, as
 * {@link CheckpointModelFeed}: a volatile read and a reference count) is asked on the stream thread. Any other feed
 * is asked on a loader (an {@link Executor}), since building a predictor may take seconds: the processor keeps
 * answering with the current one meanwhile and swaps at the first request after the load completed. The very first
 * model is taken on the stream thread: there is nothing better to answer with. A predictor built on the loader
 * thread is used only by the stream thread after the hand-over, never by two threads at once.
 */
public final class ScorerTopology {

    /** Version reported while no model has been loaded yet; probabilities are then the uniform prior. */
    public static final String NO_MODEL = "none";
    private static final String SCORES_SINK = "scores-sink";
    /** The task store of the requests a scoring processor holds for its next forward pass. */
    static final String PENDING_STORE = "scorer-held-requests";
    /** The one key of {@link #PENDING_STORE}. */
    static final String HELD_KEY = "held";
    /** At most this many candidate ads are scored in one forward pass. */
    static final int MAX_BATCH_ADS = 128;
    /** Held requests are scored at the latest this long after the first was held. */
    static final Duration BACKSTOP = Duration.ofMillis(20);
    private static final String ANSWER_JSON = "answer-json";

    private ScorerTopology() {
    }

    /**
     * How a scorer topology is built; immutable. {@link #defaults()} is what a deployed scorer runs: no metrics, each
     * load of a new model (where the feed's {@link ModelFeed#newPredictorIsInstant()} is false) on a fresh daemon
     * thread, requests batched as a fresh {@link FetchedOffsets} tells, one partition per input.
     *
     * @param metrics told of every answer and model swap (dead letters are told through
     *     {@link dev.wnd.features.streams.DeadLetterHandler#LISTENER_CONFIG})
     * @param loader runs the loads of new models that are not instant; a direct executor ({@code Runnable::run})
     *     swaps at the request that noticed the new version, on the stream thread
     * @param fetched which requests already wait behind the one at hand, so that they are scored in one forward
     *     pass: the Streams configuration must install {@link FetchedOffsets.Interceptor} on the main consumer with
     *     the same instance (see {@link ScoreProcessor}); without it every request is scored alone
     * @param partitioning the inputs' partition count; with several, requests must be keyed by uuid (the user's
     *     state lives in the task of the user's partition) and every task counts every label's CTR update as it
     *     arrives ({@link StatePartitioning#asArrived()}: answers are live, not held for the other tasks)
     */
    public record Options(ScorerMetrics metrics, Executor loader, FetchedOffsets fetched,
            StatePartitioning partitioning) {

        public Options {
            java.util.Objects.requireNonNull(metrics, "metrics");
            java.util.Objects.requireNonNull(loader, "loader");
            java.util.Objects.requireNonNull(fetched, "fetched");
            java.util.Objects.requireNonNull(partitioning, "partitioning");
        }

        /** What a deployed scorer runs; see the class comment of {@link Options}. */
        public static Options defaults() {
            return new Options(ScorerMetrics.NONE, threadPerLoad(), new FetchedOffsets(), StatePartitioning.single());
        }

        /** These options, telling {@code metrics}. */
        public Options withMetrics(ScorerMetrics metrics) {
            return new Options(metrics, loader, fetched, partitioning);
        }

        /** These options, running loads on {@code loader}. */
        public Options withLoader(Executor loader) {
            return new Options(metrics, loader, fetched, partitioning);
        }

        /** These options, batching as {@code fetched} tells. */
        public Options withFetched(FetchedOffsets fetched) {
            return new Options(metrics, loader, fetched, partitioning);
        }

        /** These options, on inputs of {@code partitioning}'s partition count. */
        public Options withPartitioning(StatePartitioning partitioning) {
            return new Options(metrics, loader, fetched, partitioning);
        }
    }

    /** A loader that runs each model load on a fresh daemon thread (loads are rare: one per announced version). */
    public static Executor threadPerLoad() {
        return task -> {
            Thread loader = new Thread(task, "model-loader");
            loader.setDaemon(true);
            loader.start();
        };
    }

    /**
     * The scorer topology: score requests (Avro and JSON) in, ranked answers out, with the feature state built by
     * {@link FeatureStateTopology} and the newest model of {@code models}. A pure factory: building it touches no
     * broker.
     */
    public static Topology build(AppTopics topics, FeatureAssembler assembler, ModelFeed models, Options options) {
        ScorerMetrics metrics = options.metrics();
        Executor loader = options.loader();
        FetchedOffsets fetched = options.fetched();
        StatePartitioning partitioning = options.partitioning();
        DimensionViews views = new DimensionViews();
        Topology topology = FeatureStateTopology.addTo(new Topology(), topics, partitioning.asArrived(), views);
        topology.addSource("score-requests-source", topics.scoreRequests.keySerde().deserializer(),
                topics.scoreRequests.valueSerde().deserializer(), topics.scoreRequests.name());

        // The JSON face: parse, score with the same processor, answer in JSON. A request that does not parse
        // throws, and the processing exception handler dead-letters it with the reason.
        JsonContract contract = new JsonContract();
        topology.addSource("score-requests-json-source", topics.scoreRequestsJson.keySerde().deserializer(),
                topics.scoreRequestsJson.valueSerde().deserializer(), topics.scoreRequestsJson.name());
        topology.addProcessor("parse-json", () -> new Processor<String, String, String, ScoreRequest>() {
            private ProcessorContext<String, ScoreRequest> context;

            @Override
            public void init(ProcessorContext<String, ScoreRequest> context) {
                this.context = context;
            }

            @Override
            public void process(Record<String, String> record) {
                if (record.value() != null) {
                    context.forward(record.withValue(contract.parseRequest(record.value())));
                }
            }
        }, "score-requests-json-source");

        // One scoring processor for both faces: one predictor per task, one load per new version.
        topology.addProcessor("score", () -> new ScoreProcessor(assembler, models, metrics, loader,
                topics.scoreRequestsJson.name(), fetched, views), "score-requests-source", "parse-json");
        topology.connectProcessorAndStateStores("score", FeatureStateTopology.READ_STORES);
        // One key per task, rewritten with every held request: written back (encoded once) at each commit, not at
        // every rewrite, which would encode the whole held list again for each request added to it.
        topology.addStateStore(ObjectCachingKeyValueStore.builder(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(PENDING_STORE), Serdes.String(), PendingRequests.serde()), 1), "score");
        topology.addSink(SCORES_SINK, topics.scores.name(), topics.scores.keySerde().serializer(),
                topics.scores.valueSerde().serializer(), "score");
        topology.addProcessor(ANSWER_JSON, () -> new Processor<Long, Score, String, String>() {
            private ProcessorContext<String, String> context;

            @Override
            public void init(ProcessorContext<String, String> context) {
                this.context = context;
            }

            @Override
            public void process(Record<Long, Score> record) {
                context.forward(record.withKey(String.valueOf(record.key())).withValue(contract.answer(record.value())));
            }
        }, "score");
        topology.addSink("scores-json-sink", topics.scoresJson.name(), topics.scoresJson.keySerde().serializer(),
                topics.scoresJson.valueSerde().serializer(), ANSWER_JSON);
        return topology;
    }

    /**
     * Score requests of both faces → ranked probabilities, answered on the request's face. Owns one predictor,
     * confined to its stream thread.
     *
     * <p><b>Batching.</b> A request's features are assembled when it arrives (the state as of the request). When
     * {@link FetchedOffsets} shows that more requests of its partition have been fetched already, the request is
     * held; the requests held are scored in one forward pass at the newest fetched request, when they reach
     * {@value #MAX_BATCH_ADS} ads, or at the latest {@link #BACKSTOP} later. A forward pass costs about the same for
     * 1 row as for 28 (BENCHMARKS.md), so a scorer that falls behind catches up instead of queueing.
     *
     * <p><b>At least once.</b> Streams may commit while requests are held (at the end of a loop iteration, a
     * rebalance, a shutdown), and the commit covers their offsets. So every change to the held requests is also
     * written to the task's change-logged {@value #PENDING_STORE} store; the commit persists them with the offsets,
     * and a task that starts with held requests in its store answers them first.
     */
    static final class ScoreProcessor implements Processor<String, ScoreRequest, Long, Score> {
        private static final Logger LOG = LoggerFactory.getLogger(ScoreProcessor.class);
        private final FeatureAssembler assembler;
        private final ModelFeed models;
        private final ScorerMetrics metrics;
        private final Executor loader;
        private final String jsonTopic;
        private final FetchedOffsets fetched;
        private final DimensionViews views;
        private final PendingRequests pending = new PendingRequests();
        private ProcessorContext<Long, Score> context;
        private FeatureState state;
        private KeyValueStore<String, List<PendingRequests.Held>> heldStore;
        private boolean heldStored;
        private boolean restoreChecked;
        private ClickPredictor predictor;
        private String failedVersion;
        /** The load in progress, if any, and the version it was started for. */
        private CompletableFuture<ClickPredictor> loading;
        private String loadingVersion;

        ScoreProcessor(FeatureAssembler assembler, ModelFeed models, ScorerMetrics metrics, Executor loader,
                String jsonTopic, FetchedOffsets fetched, DimensionViews views) {
            this.assembler = assembler;
            this.models = models;
            this.metrics = metrics;
            this.loader = loader;
            this.jsonTopic = jsonTopic;
            this.fetched = fetched;
            this.views = views;
        }

        @Override
        public void init(ProcessorContext<Long, Score> context) {
            this.context = context;
            this.state = FeatureStateTopology.stateOf(context, views);
            this.heldStore = context.getStateStore(PENDING_STORE);
            context.schedule(BACKSTOP, PunctuationType.WALL_CLOCK_TIME, now -> {
                takeRestored();
                if (!pending.isEmpty()) {
                    flush();
                }
            });
        }

        /**
         * Once, before the task's first request or punctuation: takes the requests its store says were held when
         * the task last stopped, to be answered first.
         */
        private void takeRestored() {
            if (restoreChecked) {
                return;
            }
            restoreChecked = true;
            List<PendingRequests.Held> restored = heldStore.get(HELD_KEY);
            if (restored != null && !restored.isEmpty()) {
                restored.forEach(pending::add);
                heldStored = true;
                LOG.info("task {}: {} score requests were held when it last stopped; answering them first",
                        context.taskId(), restored.size());
            }
        }

        @Override
        public void process(Record<String, ScoreRequest> record) {
            long received = System.currentTimeMillis();
            long start = System.nanoTime();
            ScoreRequest request = record.value();
            if (request == null) {
                return;
            }
            // The contract's bounds, for both faces (a JSON request was checked as it was parsed): a request beyond
            // them throws, and the processing exception handler dead-letters it with the reason.
            JsonContract.checkBounds(request);
            takeRestored();
            var metadata = context.recordMetadata();
            boolean json = metadata.map(m -> jsonTopic.equals(m.topic())).orElse(false);
            List<Long> ads = PendingRequests.distinctAds(request);
            pending.add(new PendingRequests.Held(record.key(), request, record.timestamp(), json, received, start,
                    ads, assemble(request, ads)));
            boolean moreBehind = metadata.map(m -> fetched.moreFetchedAfter(m.topic(), m.partition(), m.offset()))
                    .orElse(false);
            if (moreBehind && pending.ads() < MAX_BATCH_ADS) {
                heldStore.put(HELD_KEY, List.copyOf(pending.held())); // values of the store stay immutable
                heldStored = true;
                return;
            }
            flush();
        }

        /** The feature vectors of {@code ads} for {@code request}, from the state as it is now. */
        private List<FeatureVector> assemble(ScoreRequest request, List<Long> ads) {
            return ads.isEmpty() ? List.of() : assembler.assemble(DisplayContext.of(request), ads, state);
        }

        /** Scores every held request in one forward pass and answers each on its face. */
        private void flush() {
            refreshPredictor();
            List<PendingRequests.Held> batch = new ArrayList<>(pending.held());
            pending.clear();
            if (heldStored) {
                heldStore.put(HELD_KEY, null); // a tombstone; delete() would decode the old value
                heldStored = false;
            }
            int rows = 0;
            for (int b = 0; b < batch.size(); b++) {
                PendingRequests.Held h = batch.get(b);
                if (h.vectors() == null) { // restored from the store: assemble now
                    batch.set(b, h.withVectors(assemble(h.request(), h.ads())));
                }
                rows += h.ads().size();
            }
            float[] probabilities;
            try {
                probabilities = predict(batch, rows);
            } catch (RuntimeException e) {
                if (batch.size() == 1) {
                    throw e; // the processing exception handler dead-letters the request with the reason
                }
                scoreOneByOne(batch, e);
                return;
            }
            metrics.scoredTogether(batch.size(), rows);
            int row = 0;
            for (PendingRequests.Held h : batch) {
                answer(h, probabilities, row);
                row += h.ads().size();
            }
        }

        /**
         * After a batch failed: scores each request alone, so that one bad request does not take the others down.
         * The ones that fail alone are logged and then reported in one exception, which the processing exception
         * handler dead-letters (under the record at hand) with their display ids and the reason.
         */
        private void scoreOneByOne(List<PendingRequests.Held> batch, RuntimeException batchFailure) {
            List<Long> failed = new ArrayList<>();
            RuntimeException first = null;
            for (PendingRequests.Held h : batch) {
                try {
                    answer(h, predict(List.of(h), h.ads().size()), 0);
                } catch (RuntimeException e) {
                    LOG.error("cannot score display {}: {}", h.request().getDisplayId(), e.toString());
                    failed.add(h.request().getDisplayId());
                    first = first == null ? e : first;
                }
            }
            if (first != null) {
                throw new IllegalStateException("cannot score displays " + failed + " (of a batch of " + batch.size()
                        + " that failed with " + batchFailure + "): " + first.getMessage(), first);
            }
        }

        /** The probabilities of every row of {@code batch}, in order; the uniform prior while no model is loaded. */
        private float[] predict(List<PendingRequests.Held> batch, int rows) {
            if (predictor == null || rows == 0) {
                float[] prior = new float[rows];
                int row = 0;
                for (PendingRequests.Held h : batch) {
                    java.util.Arrays.fill(prior, row, row + h.ads().size(), 1f / h.ads().size());
                    row += h.ads().size();
                }
                return prior;
            }
            int slots = assembler.spec().categoricalSlots();
            int numerics = assembler.spec().numericCount();
            int[] cat = new int[rows * slots];
            float[] num = new float[rows * numerics];
            int row = 0;
            for (PendingRequests.Held h : batch) {
                for (FeatureVector v : h.vectors()) {
                    System.arraycopy(v.categorical(), 0, cat, row * slots, slots);
                    System.arraycopy(v.numeric(), 0, num, row * numerics, numerics);
                    row++;
                }
            }
            return predictor.predict(new Batch(rows, cat, num, null));
        }

        private void answer(PendingRequests.Held h, float[] probabilities, int firstRow) {
            List<AdScore> scored = new ArrayList<>(h.ads().size());
            for (int i = 0; i < h.ads().size(); i++) {
                scored.add(new AdScore(h.ads().get(i), (double) probabilities[firstRow + i]));
            }
            scored.sort(Comparator.comparingDouble(AdScore::getProbability).reversed());
            Score score = Score.newBuilder()
                    .setDisplayId(h.request().getDisplayId())
                    .setModelVersion(predictor == null ? NO_MODEL : predictor.modelVersion())
                    .setSpecHash(assembler.spec().hash())
                    .setAds(scored)
                    .setReceivedMs(h.receivedMs())
                    .setAnsweredMs(System.currentTimeMillis())
                    .build();
            context.forward(new Record<>(h.request().getDisplayId(), score, h.timestampMs()),
                    h.json() ? ANSWER_JSON : SCORES_SINK);
            metrics.answered(h.json() ? ScorerMetrics.JSON : ScorerMetrics.AVRO, h.timestampMs(),
                    score.getAnsweredMs(), System.nanoTime() - h.arrivedNanos());
        }

        private void refreshPredictor() {
            takeFinishedLoad();
            if (loading != null) {
                return; // keep answering with the current model until the new one is ready
            }
            String latest = models.latestVersion();
            if (latest == null || latest.equals(failedVersion)
                    || (predictor != null && latest.equals(predictor.modelVersion()))) {
                return;
            }
            if (predictor == null || models.newPredictorIsInstant()) {
                try {
                    swapTo(models.newPredictor());
                } catch (RuntimeException e) {
                    loadFailed(latest, e);
                }
                return;
            }
            loadingVersion = latest;
            loading = CompletableFuture.supplyAsync(models::newPredictor, loader);
            takeFinishedLoad(); // a direct loader has finished already
        }

        /** Swaps to the predictor of a finished load, or records its failure; nothing while it is still running. */
        private void takeFinishedLoad() {
            if (loading == null || !loading.isDone()) {
                return;
            }
            CompletableFuture<ClickPredictor> done = loading;
            loading = null;
            try {
                swapTo(done.join());
            } catch (java.util.concurrent.CompletionException e) {
                loadFailed(loadingVersion, e.getCause() == null ? e : e.getCause());
            }
        }

        private void loadFailed(String version, Throwable e) {
            // A model that cannot be loaded must not take requests down with it: keep serving the current one.
            failedVersion = version;
            metrics.modelRefused(version, ScorerMetrics.REFUSED_UNLOADABLE);
            LOG.warn("cannot load model {}: {}; still scoring with {}", version, e.toString(),
                    predictor == null ? NO_MODEL : predictor.modelVersion());
        }

        private void swapTo(ClickPredictor next) {
            if (next != null) {
                ClickPredictor old = predictor;
                predictor = next;
                metrics.serving(next.modelVersion());
                LOG.info("scoring with model {} (was {})", next.modelVersion(),
                        old == null ? NO_MODEL : old.modelVersion());
                if (old != null) {
                    old.close();
                }
            }
        }

        @Override
        public void close() {
            if (loading != null) {
                loading.thenAccept(p -> {
                    if (p != null) {
                        p.close();
                    }
                });
                loading = null;
            }
            if (predictor != null) {
                predictor.close();
                predictor = null;
            }
        }
    }
}
