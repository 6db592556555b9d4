package dev.wnd.features.topology;

import dev.wnd.features.fn.DisplayContext;
import dev.wnd.features.fn.FeatureAssembler;
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
 */
public final class FeaturesTopology {

    static final String DISPLAYS_SOURCE = "displays-source";
    static final String EXAMPLES_SINK = "examples-sink";
    static final String DEAD_LETTERS_SINK = "dead-letters-sink";

    private FeaturesTopology() {
    }

    /**
     * @param topics the typed topics of this application instance
     * @param assembler the feature assembler (its spec's hash goes into every Example)
     * @param splitSeed seed of the train/validation split
     */
    public static Topology build(AppTopics topics, FeatureAssembler assembler, long splitSeed) {
        Topology topology = FeatureStateTopology.addTo(new Topology(), topics);
        topology.addSource(DISPLAYS_SOURCE, topics.displays.keySerde().deserializer(),
                topics.displays.valueSerde().deserializer(), topics.displays.name());
        topology.addProcessor("display-features", () -> new DisplayFeatures(assembler, splitSeed), DISPLAYS_SOURCE);
        topology.addProcessor("label-examples", () -> new LabelExamples(assembler.spec().hash()),
                FeatureStateTopology.LABELS_SOURCE);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(StoreNames.PENDING),
                Serdes.Long(), StateSerdes.pendingDisplay()), "display-features", "label-examples");
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
        private FeatureState state;
        private KeyValueStore<Long, PendingDisplay> pending;

        DisplayFeatures(FeatureAssembler assembler, long splitSeed) {
            this.assembler = assembler;
            this.splitSeed = splitSeed;
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            state = FeatureStateTopology.stateOf(context);
            pending = context.getStateStore(StoreNames.PENDING);
        }

        @Override
        public void process(Record<String, Display> record) {
            Display display = record.value();
            if (display == null) {
                return;
            }
            DisplayContext ctx = DisplayContext.of(display);
            List<PendingDisplay.PendingAd> ads = new ArrayList<>(display.getAdIds().size());
            for (Long ad : new LinkedHashSet<>(display.getAdIds())) {
                ads.add(new PendingDisplay.PendingAd(ad, assembler.assemble(ctx, ad, state)));
            }
            boolean validation = Splits.isValidation(display.getDisplayId(), display.getTimestamp(), splitSeed);
            pending.put(display.getDisplayId(), new PendingDisplay(display.getTimestamp(), validation, ads));
        }
    }

    /** Released label → one labelled Example per ad of the pending display. */
    static final class LabelExamples implements Processor<String, Label, Object, Object> {
        private final String specHash;
        private ProcessorContext<Object, Object> context;
        private KeyValueStore<Long, PendingDisplay> pending;

        LabelExamples(String specHash) {
            this.specHash = specHash;
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
            pending.delete(label.getDisplayId());
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
