package dev.wnd.features.topology;

import dev.wnd.features.streams.StatePartitioning;
import dev.wnd.features.streams.InputPartitions;
import dev.wnd.features.streams.DeadLetterHandler;
import dev.wnd.features.fn.DisplayContext;
import dev.wnd.features.fn.FeatureAssembler;
import dev.wnd.features.fn.FeatureVector;
import dev.wnd.features.fn.Splits;
import dev.wnd.features.state.FeatureState;
import dev.wnd.features.state.PendingDisplay;
import dev.wnd.features.state.StateSerdes;
import dev.wnd.schemas.avro.DeadLetter;
import dev.wnd.schemas.avro.Display;
import dev.wnd.schemas.avro.Example;
import dev.wnd.schemas.avro.Label;
import dev.wnd.schemas.avro.Split;
import dev.wnd.schemas.topic.AppTopics;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The features topology: every display's features are computed when the display arrives, from the state as of
 * that moment (test-then-train), and kept until the display's labels are released; then one Example per ad goes
 * to the examples topic, carrying its split. A pure factory: building it touches no broker.
 *
 * <p>Point in time: a display's features see the dimension rows, page views and released labels processed before
 * it, never its own label (released after it) nor a later page view (Outbrain's leak: the user visiting the ad's
 * landing page after the display). Within a task, Kafka Streams processes the records of its input partitions in
 * timestamp order (waiting up to {@code max.task.idle.ms} for every input to have data); between records of
 * different topics with equal timestamps it promises no order, whereas the replay's rule and the reference assume
 * label, then page view, then display. Fed in that order (as {@code TopologyTestDriver} does, one record at a
 * time) with one partition per input topic, the Examples equal those of
 * the batch reference ({@code BatchReference}, in the test jar) exactly.
 *
 * <p><b>Several partitions.</b> Page views, displays and labels are keyed (and partitioned) by uuid, so each task
 * sees only its users: right for user state, but the CTR counts are global statistics. With several partitions
 * ({@link StatePartitioning}) each task therefore sends every label's CTR update to every partition of the
 * application's CTR updates topic, with its watermark, and holds its own events until every task's watermark has
 * passed them ({@link EventSequencer}); then it applies updates and events in event-time order, labels before page
 * views before displays at equal times, as the reference does. Every task counts every label (the CTR work is done
 * once per task; the users, features and Examples scale out), and the Examples equal the reference's
 * ({@code FeaturesPartitionsIT}). The price is latency: an event waits until the slowest task has passed its time,
 * and at the end of the input until an idle period ({@link StatePartitioning#idleAfter()}) has passed.
 * {@link InputPartitions#prepare} checks that the event topics are co-partitioned and creates the updates topic.
 */
public final class FeaturesTopology {

    static final String EXAMPLES_SINK = "examples-sink";
    static final String DEAD_LETTERS_SINK = "dead-letters-sink";

    private FeaturesTopology() {
    }

    /**
     * How a features topology is built; immutable.
     *
     * @param splitSeed seed of the train/validation split
     * @param metrics told of every Example emitted and every label dead-lettered by the topology itself (records the
     *     Streams error handlers dead-letter are told through {@link DeadLetterHandler#LISTENER_CONFIG})
     * @param partitioning the event topics' partition count (with several, the tasks exchange CTR updates; see the
     *     class doc)
     */
    public record Options(long splitSeed, FeaturesMetrics metrics, StatePartitioning partitioning) {

        public Options {
            java.util.Objects.requireNonNull(metrics, "metrics");
            java.util.Objects.requireNonNull(partitioning, "partitioning");
        }

        /** The split of {@code splitSeed}, no metrics, one partition per event topic. */
        public static Options of(long splitSeed) {
            return new Options(splitSeed, FeaturesMetrics.NONE, StatePartitioning.single());
        }

        /** These options, telling {@code metrics}. */
        public Options withMetrics(FeaturesMetrics metrics) {
            return new Options(splitSeed, metrics, partitioning);
        }

        /** These options, on event topics of {@code partitioning}'s partition count. */
        public Options withPartitioning(StatePartitioning partitioning) {
            return new Options(splitSeed, metrics, partitioning);
        }
    }

    /**
     * The features topology.
     *
     * @param topics the typed topics of this application instance
     * @param assembler the feature assembler (its spec's hash goes into every Example)
     */
    public static Topology build(AppTopics topics, FeatureAssembler assembler, Options options) {
        long splitSeed = options.splitSeed();
        FeaturesMetrics metrics = options.metrics();
        StatePartitioning partitioning = options.partitioning();
        DimensionViews views = new DimensionViews();
        Topology topology = FeatureStateTopology.addTo(new Topology(), topics, partitioning, views);
        topology.addProcessor("display-features", () -> new DisplayFeatures(assembler, splitSeed, views),
                FeatureStateTopology.DISPLAYS_SOURCE);
        topology.addProcessor("label-examples", () -> new LabelExamples(assembler.spec().hash(), metrics),
                FeatureStateTopology.LABELS_SOURCE);
        topology.addStateStore(Stores.keyValueStoreBuilder(FeatureStateTopology.taskStore(StoreNames.PENDING),
                Serdes.Long(), StateSerdes.pendingDisplay()).withCachingEnabled(), "display-features", "label-examples");
        topology.connectProcessorAndStateStores("display-features", FeatureStateTopology.READ_STORES);
        topology.addSink(EXAMPLES_SINK, topics.examples.name(), topics.examples.keySerde().serializer(),
                topics.examples.valueSerde().serializer(), "label-examples");
        topology.addSink(DEAD_LETTERS_SINK, topics.deadLetters.name(), topics.deadLetters.keySerde().serializer(),
                topics.deadLetters.valueSerde().serializer(), "label-examples");
        return topology;
    }

    /** Display → feature vectors of its ads, as of now, kept until its labels arrive. */
    static final class DisplayFeatures implements Processor<String, Display, Void, Void> {
        private final FeatureAssembler assembler;
        private final long splitSeed;
        private final DimensionViews views;
        private FeatureState state;
        private KeyValueStore<Long, PendingDisplay> pending;

        DisplayFeatures(FeatureAssembler assembler, long splitSeed, DimensionViews views) {
            this.assembler = assembler;
            this.splitSeed = splitSeed;
            this.views = views;
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            state = FeatureStateTopology.stateOf(context, views);
            pending = context.getStateStore(StoreNames.PENDING);
        }

        @Override
        public void process(Record<String, Display> record) {
            Display display = record.value();
            if (display == null) {
                return;
            }
            DisplayContext ctx = DisplayContext.of(display);
            List<Long> adIds = new ArrayList<>(new LinkedHashSet<>(display.getAdIds()));
            List<FeatureVector> vectors = assembler.assemble(ctx, adIds, state);
            List<PendingDisplay.PendingAd> ads = new ArrayList<>(adIds.size());
            for (int i = 0; i < adIds.size(); i++) {
                ads.add(new PendingDisplay.PendingAd(adIds.get(i), vectors.get(i)));
            }
            boolean validation = Splits.isValidation(display.getDisplayId(), display.getTimestamp(), splitSeed);
            pending.put(display.getDisplayId(), new PendingDisplay(display.getTimestamp(), validation, ads));
        }
    }

    /** Released label → one labelled Example per ad of the pending display. */
    static final class LabelExamples implements Processor<String, Label, Object, Object> {
        private final String specHash;
        private final FeaturesMetrics metrics;
        private ProcessorContext<Object, Object> context;
        private KeyValueStore<Long, PendingDisplay> pending;

        LabelExamples(String specHash, FeaturesMetrics metrics) {
            this.specHash = specHash;
            this.metrics = metrics;
        }

        @Override
        public void init(ProcessorContext<Object, Object> context) {
            this.context = context;
            pending = context.getStateStore(StoreNames.PENDING);
        }

        @Override
        public void process(Record<String, Label> record) {
            Label label = record.value();
            if (label == null) {
                return;
            }
            PendingDisplay display = pending.get(label.getDisplayId());
            if (display == null) {
                DeadLetter letter = DeadLetter.newBuilder().setStage("features").setSource("labels")
                        .setReason("label for display " + label.getDisplayId()
                                + " whose display was never seen (or was labelled twice)")
                        .setTimestamp(System.currentTimeMillis()).build();
                context.forward(record.withKey((Object) String.valueOf(label.getDisplayId()))
                        .withValue((Object) letter), DEAD_LETTERS_SINK);
                metrics.deadLettered(context.recordMetadata().map(m -> m.topic()).orElse("labels"));
                return;
            }
            Set<Long> clicked = new HashSet<>(label.getClickedAdIds());
            Split split = display.validation() ? Split.VALIDATION : Split.TRAIN;
            for (PendingDisplay.PendingAd ad : display.ads()) {
                Example example = Example.newBuilder()
                        .setDisplayId(label.getDisplayId())
                        .setAdId(ad.adId())
                        .setTimestamp(display.timestamp())
                        .setLabel(clicked.contains(ad.adId()) ? 1 : 0)
                        .setSplit(split)
                        .setSpecHash(specHash)
                        .setCategorical(toList(ad.vector().categorical()))
                        .setNumeric(toList(ad.vector().numeric()))
                        .build();
                context.forward(record.withKey((Object) label.getDisplayId()).withValue((Object) example),
                        EXAMPLES_SINK);
            }
            // A tombstone: delete() would decode the old value again only to return it.
            pending.put(label.getDisplayId(), null);
            metrics.examplesEmitted(display.validation(), display.ads().size());
        }

        private static List<Integer> toList(int[] values) {
            List<Integer> list = new ArrayList<>(values.length);
            for (int v : values) {
                list.add(v);
            }
            return list;
        }

        private static List<Float> toList(float[] values) {
            List<Float> list = new ArrayList<>(values.length);
            for (float v : values) {
                list.add(v);
            }
            return list;
        }
    }
}
