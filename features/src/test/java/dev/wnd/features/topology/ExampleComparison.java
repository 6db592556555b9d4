package dev.wnd.features.topology;

import dev.wnd.features.spec.CategoricalFeature;
import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.schemas.avro.Example;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares Examples feature by feature against expected ones: ids, labels, splits, timestamps, spec hashes and
 * categorical slots exactly, numerics within {@link #TOLERANCE}. Every difference is named by display, ad and
 * feature, so a failing test says what went wrong where.
 */
public final class ExampleComparison {

    static final double TOLERANCE = 1e-6;

    private final FeatureSpec spec;

    /** Compares Examples laid out by {@code spec}. */
    public ExampleComparison(FeatureSpec spec) {
        this.spec = spec;
    }

    /** Every way {@code got} differs from {@code want}; empty when they agree. */
    public List<String> differences(Example want, Example got) {
        List<String> out = new ArrayList<>();
        String where = "display " + want.getDisplayId() + " ad " + want.getAdId() + ": ";
        if (want.getDisplayId() != got.getDisplayId() || want.getAdId() != got.getAdId()) {
            out.add(where + "compared with display " + got.getDisplayId() + " ad " + got.getAdId());
            return out;
        }
        if (want.getLabel() != got.getLabel() || want.getSplit() != got.getSplit()
                || want.getTimestamp() != got.getTimestamp() || !want.getSpecHash().equals(got.getSpecHash())) {
            out.add(where + "label/split/timestamp/spec " + want + " vs " + got);
        }
        for (int f = 0; f < spec.categorical().size(); f++) {
            CategoricalFeature feature = spec.categorical().get(f);
            int offset = spec.slotOffset(f);
            List<Integer> w = want.getCategorical().subList(offset, offset + feature.slots());
            List<Integer> g = got.getCategorical().subList(offset, offset + feature.slots());
            if (!w.equals(g)) {
                out.add(where + feature.name() + " " + w + " vs " + g);
            }
        }
        for (int f = 0; f < spec.numericCount(); f++) {
            float w = want.getNumeric().get(f);
            float g = got.getNumeric().get(f);
            if (Math.abs(w - g) > TOLERANCE) {
                out.add(where + spec.numeric().get(f).name() + " " + w + " vs " + g);
            }
        }
        return out;
    }

    /**
     * Every difference between two sets of Examples regardless of their order: each (display, ad) of {@code want}
     * must be in {@code got} exactly once with equal features, and {@code got} must hold nothing else.
     */
    public List<String> differencesByKey(List<Example> want, List<Example> got) {
        List<String> out = new ArrayList<>();
        Map<String, Example> actual = new HashMap<>();
        for (Example e : got) {
            if (actual.put(key(e), e) != null) {
                out.add("display " + e.getDisplayId() + " ad " + e.getAdId() + ": emitted more than once");
            }
        }
        for (Example w : want) {
            Example g = actual.remove(key(w));
            if (g == null) {
                out.add("display " + w.getDisplayId() + " ad " + w.getAdId() + ": missing");
            } else {
                out.addAll(differences(w, g));
            }
        }
        actual.values().forEach(e -> out.add("display " + e.getDisplayId() + " ad " + e.getAdId()
                + ": not expected"));
        return out;
    }

    /** "display/ad": what identifies an Example. */
    public static String key(Example e) {
        return e.getDisplayId() + "/" + e.getAdId();
    }
}
