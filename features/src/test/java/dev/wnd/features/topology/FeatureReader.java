package dev.wnd.features.topology;

import dev.wnd.features.fn.FeatureFunctions;
import dev.wnd.features.spec.CategoricalFeature;
import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.schemas.avro.Example;
import java.util.List;

/** Reads an Example's features by name, and says what a raw value becomes once transformed. */
final class FeatureReader {

    private final FeatureSpec spec;

    FeatureReader(FeatureSpec spec) {
        this.spec = spec;
    }

    /** The transformed numeric feature. */
    float numeric(Example e, String name) {
        return e.getNumeric().get(spec.numericIndex(name));
    }

    /** What {@code raw} becomes in numeric feature {@code name}. */
    float transformed(String name, double raw) {
        return FeatureFunctions.transform(spec.numeric().get(spec.numericIndex(name)), raw);
    }

    /** The first slot of a categorical feature. */
    int categorical(Example e, String name) {
        return e.getCategorical().get(spec.slotOffset(spec.categoricalIndex(name)));
    }

    /** Every slot of a (multi-hot) categorical feature. */
    List<Integer> slots(Example e, String name) {
        int index = spec.categoricalIndex(name);
        int offset = spec.slotOffset(index);
        return e.getCategorical().subList(offset, offset + spec.categorical().get(index).slots());
    }

    /** The bucket of an id in a hashed categorical feature. */
    int bucket(String name, long id) {
        CategoricalFeature f = spec.categorical().get(spec.categoricalIndex(name));
        return FeatureFunctions.bucket(name, id, f.buckets());
    }

    /** The bucket of a text value in a hashed categorical feature. */
    int bucket(String name, String value) {
        CategoricalFeature f = spec.categorical().get(spec.categoricalIndex(name));
        return FeatureFunctions.bucket(name, value, f.buckets());
    }
}
