package dev.wnd.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
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

    /** Receives a float32 tensor's elements, row-major, in consecutive chunks. */
    @FunctionalInterface
    interface FloatChunks {
        /**
         * The elements from element {@code first} on: read the chunk's remaining floats before returning, and keep
         * neither the buffer nor a view of it.
         */
        void accept(long first, FloatBuffer chunk) throws IOException;
    }

    /**
     * Hands the elements of the float32 tensor {@code name} to {@code chunks}, row-major, in one or more consecutive
     * chunks, without native memory when the source can: for filling host tables. This default stages the whole
     * tensor in a native array ({@link #readInto}); a source that reads a file streams it.
     *
     * @throws IllegalArgumentException if there is no such tensor or it is not float32
     */
    default void readFloats(String name, FloatChunks chunks) throws IOException {
        Shape shape = shape(name);
        try (NDManager staging = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            NDArray staged = staging.zeros(shape, DataType.FLOAT32);
            readInto(name, staged);
            chunks.accept(0, staged.toByteBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer());
        }
    }

    /**
     * The elements of the int64 tensor {@code name}, row-major: for small index tensors (a delta's row ids). This
     * default stages the tensor in a native array ({@link #readInto}); a source that reads a file reads it directly.
     *
     * @throws IllegalArgumentException if there is no such tensor or it is not int64
     */
    default long[] readLongs(String name) throws IOException {
        Shape shape = shape(name);
        try (NDManager staging = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            NDArray staged = staging.zeros(shape, DataType.INT64);
            readInto(name, staged);
            return staged.toLongArray();
        }
    }
}
