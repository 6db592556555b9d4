package dev.wnd.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.util.Set;

/** Supplies named tensors, e.g. read from a checkpoint, by copying them into arrays the caller owns. */
public interface TensorSource {

    /** Every tensor name this source holds. */
    Set<String> names();

    /** The shape of tensor {@code name}; throws {@link IllegalArgumentException} when there is none. */
    Shape shape(String name);

    /**
     * Copies tensor {@code name} into {@code target} (possibly a view of a larger array), which must have the same
     * shape and data type.
     */
    void readInto(String name, NDArray target) throws IOException;
}
