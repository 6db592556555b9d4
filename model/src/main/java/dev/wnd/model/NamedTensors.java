package dev.wnd.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Named tensors of a model for export or import, inside one scope: device arrays (or views of them) as they are,
 * host tables through staged copies ({@link #commitHost()} writes imported values back). Not thread-safe.
 */
final class NamedTensors {

    private record HostSlice(NDArray staged, float[] table, int from, int length) {
    }

    private final NDManager scope;
    private final Map<String, NDArray> arrays = new LinkedHashMap<>();
    private final List<HostSlice> hostSlices = new ArrayList<>();

    NamedTensors(NDManager scope) {
        this.scope = scope;
    }

    void device(String name, NDArray array) {
        put(name, array);
    }

    /** Stages {@code table[from, from + length)} as a 1-d array attached to the scope. */
    void host(String name, float[] table, int from, int length) {
        NDArray staged = scope.create(Arrays.copyOfRange(table, from, from + length));
        put(name, staged);
        hostSlices.add(new HostSlice(staged, table, from, length));
    }

    private void put(String name, NDArray array) {
        if (arrays.put(name, array) != null) {
            throw new IllegalStateException("duplicate tensor name " + name);
        }
    }

    Map<String, NDArray> arrays() {
        return Collections.unmodifiableMap(arrays);
    }

    /** Copies the staged host tables back (after reading values into them). */
    void commitHost() {
        for (HostSlice h : hostSlices) {
            System.arraycopy(h.staged().toFloatArray(), 0, h.table(), h.from(), h.length());
        }
    }
}
