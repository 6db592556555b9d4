package dev.wnd.model;

import ai.djl.ndarray.NDArray;
import java.io.IOException;

/**
 * Receives named tensors, e.g. to write them into a checkpoint. The array handed to {@link #write} may be a view of
 * live model memory: read it before returning and neither keep nor close it.
 */
@FunctionalInterface
public interface TensorSink {

    /** Consumes the tensor {@code name}; names are unique within one export. */
    void write(String name, NDArray array) throws IOException;
}
