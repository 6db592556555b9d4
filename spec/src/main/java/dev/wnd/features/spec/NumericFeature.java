package dev.wnd.features.spec;

import java.util.Objects;

/**
 * A scalar feature, fed to both the wide and the deep part, already transformed into roughly {@code [0, 1]}.
 *
 * @param name the seed's column name
 * @param group request or item
 * @param transform how the raw value is turned into the model's input
 * @param cap for the log transforms, the raw value that maps to 1.0 (larger values are clipped); unused for RAW
 */
public record NumericFeature(String name, FeatureGroup group, NumericTransform transform, double cap) {

    public NumericFeature {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(transform, "transform");
        if (transform != NumericTransform.RAW && !(cap > 0)) {
            throw new IllegalArgumentException(name + ": a log transform needs a positive cap, got " + cap);
        }
    }
}
