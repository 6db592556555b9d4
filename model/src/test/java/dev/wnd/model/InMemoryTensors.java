package dev.wnd.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Named float32 tensors on the Java heap: a sink to capture a trainer's state and a source to load chosen values. */
public final class InMemoryTensors implements TensorSink, TensorSource {

    /** One tensor's shape and values. */
    public record Tensor(Shape shape, float[] values) {
    }

    private final Map<String, Tensor> tensors = new LinkedHashMap<>();

    /** Every tensor, by name. */
    public Map<String, Tensor> tensors() {
        return tensors;
    }

    public float[] values(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no tensor " + name + " in " + tensors.keySet());
        }
        return t.values();
    }

    public void put(String name, Shape shape, float[] values) {
        tensors.put(name, new Tensor(shape, values));
    }

    @Override
    public void write(String name, NDArray array) {
        if (array.getDataType() != DataType.FLOAT32) {
            tensors.put(name, new Tensor(array.getShape(), array.toType(DataType.FLOAT32, true).toFloatArray()));
        } else {
            tensors.put(name, new Tensor(array.getShape(), array.toFloatArray()));
        }
    }

    @Override
    public Set<String> names() {
        return tensors.keySet();
    }

    @Override
    public Shape shape(String name) {
        return tensors.get(name).shape();
    }

    @Override
    public void readInto(String name, NDArray target) {
        Tensor t = tensors.get(name);
        NDArray source = target.getManager().create(t.values(), t.shape()).toType(target.getDataType(), false);
        target.set(new NDIndex(":"), source);
        source.close();
    }

    /** Whether both hold the same names with bit-identical values. */
    public boolean bitIdentical(InMemoryTensors other) {
        if (!tensors.keySet().equals(other.tensors.keySet())) {
            return false;
        }
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor o = other.tensors.get(e.getKey());
            if (!e.getValue().shape().equals(o.shape())) {
                return false;
            }
            float[] a = e.getValue().values();
            float[] b = o.values();
            if (a.length != b.length) {
                return false;
            }
            for (int i = 0; i < a.length; i++) {
                if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Names whose values differ (for failure messages). */
    public Set<String> differingNames(InMemoryTensors other) {
        Set<String> names = new java.util.TreeSet<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor o = other.tensors.get(e.getKey());
            if (o == null || !Arrays.equals(e.getValue().values(), o.values())) {
                names.add(e.getKey());
            }
        }
        return names;
    }

    /** Captures a trainer's parameters. */
    public static InMemoryTensors parametersOf(WideDeepTrainer trainer) {
        InMemoryTensors t = new InMemoryTensors();
        try {
            trainer.writeParameters(t);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return t;
    }

    /** Captures a trainer's optimizer state. */
    public static InMemoryTensors optimizerStateOf(WideDeepTrainer trainer) {
        InMemoryTensors t = new InMemoryTensors();
        try {
            trainer.writeOptimizerState(t);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return t;
    }
}
