package dev.wnd.features.fn;

import java.util.Arrays;

/** One (display, ad) input laid out by a FeatureSpec: bucket ids (-1 empty) and transformed numerics. */
public record FeatureVector(int[] categorical, float[] numeric) {

    @Override
    public boolean equals(Object o) {
        return o instanceof FeatureVector v && Arrays.equals(v.categorical, categorical)
                && Arrays.equals(v.numeric, numeric);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(categorical) * 31 + Arrays.hashCode(numeric);
    }

    @Override
    public String toString() {
        return "FeatureVector[" + Arrays.toString(categorical) + ", " + Arrays.toString(numeric) + "]";
    }
}
