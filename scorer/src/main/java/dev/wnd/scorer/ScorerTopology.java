package dev.wnd.scorer;

import dev.wnd.features.fn.DisplayContext;
import dev.wnd.features.fn.FeatureAssembler;
import dev.wnd.features.fn.FeatureVector;
import dev.wnd.features.state.FeatureState;
import dev.wnd.features.topology.FeatureStateTopology;
import dev.wnd.model.Batch;
import dev.wnd.model.ClickPredictor;
import dev.wnd.schemas.avro.AdScore;
import dev.wnd.schemas.avro.Score;
import dev.wnd.schemas.avro.ScoreRequest;
import dev.wnd.schemas.topic.AppTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scoring topology: the same feature-state builders as the features topology, plus a processor that turns
 * each score request into feature vectors with the same {@link FeatureAssembler} and ranks the ads with the newest
 * model. A pure factory.
 *
 * <p><b>Model swaps.</b> Each scoring processor owns one predictor, confined to its stream thread. When the feed
 * has a newer version, the processor asks a loader (an {@link Executor}) to build the new predictor and keeps
 * answering with the current one meanwhile; at the first request after the load completed it swaps, then closes
 * the old predictor. Loading a seed-sized model takes seconds (its tables are read from disk), so loading on the
 * stream thread would stall every request behind it. The very first model is loaded on the stream thread: there
 * is nothing better to answer with. A predictor is built on the loader thread and used only by the stream thread
 * after the hand-over, never by two threads at once.
 */
public final class ScorerTopology {

    /** Version reported while no model has been loaded yet; probabilities are then the uniform prior. */
    public static final String NO_MODEL = "none";
    private static final String SCORES_SINK = "scores-sink";
    private static final String ANSWER_JSON = "answer-json";

    private ScorerTopology() {
    }

    /**
     * The topology, loading each new model on a fresh daemon thread ({@link #daemonLoader()}), answering each request
     * at once.
     */
    public static Topology build(AppTopics topics, FeatureAssembler assembler, ModelFeed models) {
        return build(topics, assembler, models, daemonLoader());
    }

    /** A loader that runs each model load on a fresh daemon thread (loads are rare: one per announced version). */
    public static Executor daemonLoader() {
        return task -> {
            Thread loader = new Thread(task, "model-loader");
            loader.setDaemon(true);
            loader.start();
        };
    }

    /**
     * The topology, with {@code loader} running the loads of new models (a direct executor, {@code Runnable::run},
     * swaps at the request that noticed the new version, on the stream thread), answering each request at once.
     */
    public static Topology build(AppTopics topics, FeatureAssembler assembler, ModelFeed models, Executor loader) {
        return build(topics, assembler, models, loader, Batching.NONE);
    }

    /**
     * The topology, with {@code loader} running the loads of new models and requests scored together as
     * {@code batching} says.
     */
    public static Topology build(AppTopics topics, FeatureAssembler assembler, ModelFeed models, Executor loader,
            Batching batching) {
        Topology topology = FeatureStateTopology.addTo(new Topology(), topics);
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

        // One scoring processor for both faces: one predictor per task, and requests of both faces batched together.
        topology.addProcessor("score", () -> new ScoreProcessor(assembler, models, loader, batching,
                topics.scoreRequestsJson.name()), "score-requests-source", "parse-json");
        topology.connectProcessorAndStateStores("score", FeatureStateTopology.READ_STORES);
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
     * How requests are scored together: the requests that arrive within {@code window} of the first one waiting (or
     * until they hold {@code maxRows} ads) go through the model in one forward pass. A forward pass of the seed MLP
     * costs about as much for 28 rows as for 7 (its 22 MB of weights are read once per pass), so batching multiplies
     * the requests a core can answer, for at most {@code window} more latency.
     *
     * <p>At-least-once with batching: Streams must never commit the offset of a request whose answer is still in the
     * buffer. The scorer therefore asks for its commits itself, right after a flush, at most every
     * {@code commitEvery}, and the application must set {@code commit.interval.ms} so long that Streams never
     * commits on its own ({@link #COMMIT_INTERVAL_MS}). A rebalance or shutdown still commits what it finds: up to
     * one window of buffered requests is then committed unanswered.
     *
     * @param window how long the first buffered request waits for others; zero answers each request at once
     * @param maxRows a batch is scored as soon as it holds this many ads
     * @param commitEvery how often the scorer asks Streams to commit (right after a flush)
     */
    public record Batching(Duration window, int maxRows, Duration commitEvery) {

        /** Each request answered at once, Streams commits on its own schedule. */
        public static final Batching NONE = new Batching(Duration.ZERO, 1, Duration.ZERO);

        /** The {@code commit.interval.ms} a batching scorer needs: Streams then commits only when asked. */
        public static final long COMMIT_INTERVAL_MS = Long.MAX_VALUE / 2;

        public Batching {
            java.util.Objects.requireNonNull(window, "window");
            java.util.Objects.requireNonNull(commitEvery, "commitEvery");
            if (window.isNegative() || commitEvery.isNegative() || maxRows < 1) {
                throw new IllegalArgumentException("window and commitEvery must be >= 0 and maxRows >= 1");
            }
        }

        /** Whether requests wait for others at all. */
        public boolean enabled() {
            return !window.isZero();
        }
    }

    /** Score requests → ranked probabilities. Owns one predictor, confined to its stream thread. */
    static final class ScoreProcessor implements Processor<String, ScoreRequest, Long, Score> {
        private static final Logger LOG = LoggerFactory.getLogger(ScoreProcessor.class);
        private final FeatureAssembler assembler;
        private final ModelFeed models;
        private final Executor loader;
        private final Batching batching;
        private final String jsonTopic;
        /** Requests whose features are built, waiting for their forward pass. */
        private final List<Pending> pending = new ArrayList<>();
        private int pendingRows;
        private long lastCommitRequest;
        private ProcessorContext<Long, Score> context;
        private FeatureState state;
        private ClickPredictor predictor;
        private String failedVersion;
        /** The load in progress, if any, and the version it was started for. */
        private CompletableFuture<ClickPredictor> loading;
        private String loadingVersion;

        /** One request waiting in the batch, with its features as of its arrival. */
        private record Pending(Record<String, ScoreRequest> record, boolean json, List<Long> ads, int[] categorical,
                float[] numeric, long receivedMs) {
        }

        ScoreProcessor(FeatureAssembler assembler, ModelFeed models, Executor loader, Batching batching,
                String jsonTopic) {
            this.assembler = assembler;
            this.models = models;
            this.loader = loader;
            this.batching = batching;
            this.jsonTopic = jsonTopic;
        }

        @Override
        public void init(ProcessorContext<Long, Score> context) {
            this.context = context;
            this.state = FeatureStateTopology.stateOf(context);
            if (batching.enabled()) {
                context.schedule(batching.window(), PunctuationType.WALL_CLOCK_TIME, now -> {
                    flush();
                    if (now - lastCommitRequest >= batching.commitEvery().toMillis()) {
                        // The buffer is empty now: a commit here covers only answered requests.
                        context.commit();
                        lastCommitRequest = now;
                    }
                });
            }
        }

        @Override
        public void process(Record<String, ScoreRequest> record) {
            long received = System.currentTimeMillis();
            ScoreRequest request = record.value();
            if (request == null) {
                return;
            }
            boolean json = context.recordMetadata().map(m -> jsonTopic.equals(m.topic())).orElse(false);
            List<Long> ads = new ArrayList<>(new LinkedHashSet<>(request.getAdIds()));
            int slots = assembler.spec().categoricalSlots();
            int numerics = assembler.spec().numericCount();
            int[] cat = new int[ads.size() * slots];
            float[] num = new float[ads.size() * numerics];
            if (!ads.isEmpty()) {
                List<FeatureVector> vectors = assembler.assemble(DisplayContext.of(request), ads, state);
                for (int i = 0; i < ads.size(); i++) {
                    FeatureVector v = vectors.get(i);
                    System.arraycopy(v.categorical(), 0, cat, i * slots, slots);
                    System.arraycopy(v.numeric(), 0, num, i * numerics, numerics);
                }
            }
            pending.add(new Pending(record, json, ads, cat, num, received));
            pendingRows += ads.size();
            if (!batching.enabled() || pendingRows >= batching.maxRows()) {
                flush();
            }
        }

        /** Scores every waiting request in one forward pass and answers each on its face. */
        private void flush() {
            if (pending.isEmpty()) {
                return;
            }
            refreshPredictor();
            float[] probabilities = predict();
            int row = 0;
            long answered = System.currentTimeMillis();
            String version = predictor == null ? NO_MODEL : predictor.modelVersion();
            for (Pending p : pending) {
                List<AdScore> scored = new ArrayList<>(p.ads().size());
                for (Long ad : p.ads()) {
                    scored.add(new AdScore(ad, (double) (predictor == null ? 1f / p.ads().size()
                            : probabilities[row])));
                    row++;
                }
                scored.sort(Comparator.comparingDouble(AdScore::getProbability).reversed());
                ScoreRequest request = p.record().value();
                Score score = Score.newBuilder()
                        .setDisplayId(request.getDisplayId())
                        .setModelVersion(version)
                        .setSpecHash(assembler.spec().hash())
                        .setAds(scored)
                        .setReceivedMs(p.receivedMs())
                        .setAnsweredMs(answered)
                        .build();
                context.forward(p.record().withKey(request.getDisplayId()).withValue(score),
                        p.json() ? ANSWER_JSON : SCORES_SINK);
            }
            pending.clear();
            pendingRows = 0;
        }

        /** The waiting requests' probabilities, concatenated in order; null while there is no model. */
        private float[] predict() {
            if (predictor == null || pendingRows == 0) {
                return null;
            }
            int slots = assembler.spec().categoricalSlots();
            int numerics = assembler.spec().numericCount();
            int[] cat = new int[pendingRows * slots];
            float[] num = new float[pendingRows * numerics];
            int row = 0;
            for (Pending p : pending) {
                System.arraycopy(p.categorical(), 0, cat, row * slots, p.categorical().length);
                System.arraycopy(p.numeric(), 0, num, row * numerics, p.numeric().length);
                row += p.ads().size();
            }
            return predictor.predict(new Batch(pendingRows, cat, num, null));
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
            if (predictor == null) {
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
            LOG.warn("cannot load model {}: {}; still scoring with {}", version, e.toString(),
                    predictor == null ? NO_MODEL : predictor.modelVersion());
        }

        private void swapTo(ClickPredictor next) {
            if (next != null) {
                ClickPredictor old = predictor;
                predictor = next;
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
