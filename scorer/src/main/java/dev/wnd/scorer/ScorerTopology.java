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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.kafka.streams.Topology;
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
 * the old predictor. Building a seed-sized predictor takes 0.3–0.7 s even as a native copy of
 * {@link CheckpointModelFeed}'s master (seconds when its tables are read from disk), so loading on the stream thread
 * would stall every request behind it. The very first model is loaded on the stream thread: there
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

    /** The topology, loading each new model on a fresh daemon thread. */
    public static Topology build(AppTopics topics, FeatureAssembler assembler, ModelFeed models) {
        return build(topics, assembler, models, ScorerMetrics.NONE);
    }

    /**
     * As {@link #build(AppTopics, FeatureAssembler, ModelFeed)}, telling {@code metrics} of every answer and
     * model swap (dead letters are told through {@link dev.wnd.features.topology.DeadLetterHandler#LISTENER_CONFIG}).
     */
    public static Topology build(AppTopics topics, FeatureAssembler assembler, ModelFeed models,
            ScorerMetrics metrics) {
        return build(topics, assembler, models, metrics, daemonLoader());
    }

    /** As {@link #build(AppTopics, FeatureAssembler, ModelFeed, ScorerMetrics, Executor)} without metrics. */
    public static Topology build(AppTopics topics, FeatureAssembler assembler, ModelFeed models, Executor loader) {
        return build(topics, assembler, models, ScorerMetrics.NONE, loader);
    }

    /** A loader that runs each model load on a fresh daemon thread (loads are rare: one per announced version). */
    private static Executor daemonLoader() {
        return task -> {
            Thread loader = new Thread(task, "model-loader");
            loader.setDaemon(true);
            loader.start();
        };
    }

    /**
     * The topology, with {@code loader} running the loads of new models (a direct executor, {@code Runnable::run},
     * swaps at the request that noticed the new version, on the stream thread), telling {@code metrics} of every
     * answer and model swap.
     */
    public static Topology build(AppTopics topics, FeatureAssembler assembler, ModelFeed models,
            ScorerMetrics metrics, Executor loader) {
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

        // One scoring processor for both faces: one predictor per task, one load per new version.
        topology.addProcessor("score", () -> new ScoreProcessor(assembler, models, metrics, loader,
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
     * Score requests of both faces → ranked probabilities, answered on the request's face. Owns one predictor,
     * confined to its stream thread.
     */
    static final class ScoreProcessor implements Processor<String, ScoreRequest, Long, Score> {
        private static final Logger LOG = LoggerFactory.getLogger(ScoreProcessor.class);
        private final FeatureAssembler assembler;
        private final ModelFeed models;
        private final ScorerMetrics metrics;
        private final Executor loader;
        private final String jsonTopic;
        private ProcessorContext<Long, Score> context;
        private FeatureState state;
        private ClickPredictor predictor;
        private String failedVersion;
        /** The load in progress, if any, and the version it was started for. */
        private CompletableFuture<ClickPredictor> loading;
        private String loadingVersion;

        ScoreProcessor(FeatureAssembler assembler, ModelFeed models, ScorerMetrics metrics, Executor loader,
                String jsonTopic) {
            this.assembler = assembler;
            this.models = models;
            this.metrics = metrics;
            this.loader = loader;
            this.jsonTopic = jsonTopic;
        }

        @Override
        public void init(ProcessorContext<Long, Score> context) {
            this.context = context;
            this.state = FeatureStateTopology.stateOf(context);
        }

        @Override
        public void process(Record<String, ScoreRequest> record) {
            long received = System.currentTimeMillis();
            long start = System.nanoTime();
            ScoreRequest request = record.value();
            if (request == null) {
                return;
            }
            refreshPredictor();
            boolean json = context.recordMetadata().map(m -> jsonTopic.equals(m.topic())).orElse(false);
            List<Long> ads = new ArrayList<>(new LinkedHashSet<>(request.getAdIds()));
            float[] probabilities = predict(DisplayContext.of(request), ads);
            List<AdScore> scored = new ArrayList<>(ads.size());
            for (int i = 0; i < ads.size(); i++) {
                scored.add(new AdScore(ads.get(i), (double) probabilities[i]));
            }
            scored.sort(Comparator.comparingDouble(AdScore::getProbability).reversed());
            Score score = Score.newBuilder()
                    .setDisplayId(request.getDisplayId())
                    .setModelVersion(predictor == null ? NO_MODEL : predictor.modelVersion())
                    .setSpecHash(assembler.spec().hash())
                    .setAds(scored)
                    .setReceivedMs(received)
                    .setAnsweredMs(System.currentTimeMillis())
                    .build();
            context.forward(record.withKey(request.getDisplayId()).withValue(score), json ? ANSWER_JSON : SCORES_SINK);
            metrics.answered(json ? ScorerMetrics.JSON : ScorerMetrics.AVRO, record.timestamp(), score.getAnsweredMs(),
                    System.nanoTime() - start);
        }

        private float[] predict(DisplayContext ctx, List<Long> ads) {
            float[] probabilities = new float[ads.size()];
            if (predictor == null || ads.isEmpty()) {
                java.util.Arrays.fill(probabilities, ads.isEmpty() ? 0f : 1f / ads.size());
                return probabilities;
            }
            int slots = assembler.spec().categoricalSlots();
            int numerics = assembler.spec().numericCount();
            int[] cat = new int[ads.size() * slots];
            float[] num = new float[ads.size() * numerics];
            List<FeatureVector> vectors = assembler.assemble(ctx, ads, state);
            for (int i = 0; i < ads.size(); i++) {
                FeatureVector v = vectors.get(i);
                System.arraycopy(v.categorical(), 0, cat, i * slots, slots);
                System.arraycopy(v.numeric(), 0, num, i * numerics, numerics);
            }
            return predictor.predict(new Batch(ads.size(), cat, num, null));
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
