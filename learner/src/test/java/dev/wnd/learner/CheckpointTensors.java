package dev.wnd.learner;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.wnd.model.TensorSource;
import dev.wnd.model.checkpoint.LoadedCheckpoint;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Tensor-by-tensor, bit-for-bit comparison of two checkpoints' parameters and optimizer state (float32 models). */
final class CheckpointTensors {

    private CheckpointTensors() {
    }

    /**
     * The outcome of a comparison.
     *
     * @param compared how many tensors were compared (parameters and optimizer state)
     * @param differences names present in one checkpoint only, shapes, and tensors whose bytes differ (with the
     *     number of differing elements and the first); empty when bit-identical
     */
    record Comparison(int compared, List<String> differences) {
    }

    /** Compares every tensor of {@code a} with the one of the same name in {@code b}, bit for bit. */
    static Comparison compare(LoadedCheckpoint a, LoadedCheckpoint b) throws IOException {
        List<String> out = new ArrayList<>();
        int compared = 0;
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            compared += compare("parameters", a.parameters(), b.parameters(), manager, out);
            compared += compare("optimizer state", a.optimizerState(), b.optimizerState(), manager, out);
        }
        return new Comparison(compared, out);
    }

    private static int compare(String what, TensorSource a, TensorSource b, NDManager manager, List<String> out)
            throws IOException {
        Set<String> names = new TreeSet<>(a.names());
        if (!names.equals(new TreeSet<>(b.names()))) {
            out.add(what + ": names differ: " + new TreeSet<>(a.names()) + " vs " + new TreeSet<>(b.names()));
            names.retainAll(b.names());
        }
        int compared = 0;
        for (String name : names) {
            if (!a.shape(name).equals(b.shape(name))) {
                out.add(what + " " + name + ": shape " + a.shape(name) + " vs " + b.shape(name));
                continue;
            }
            try (NDManager scope = manager.newSubManager()) {
                NDArray x = scope.zeros(a.shape(name), DataType.FLOAT32);
                NDArray y = scope.zeros(b.shape(name), DataType.FLOAT32);
                a.readInto(name, x);
                b.readInto(name, y);
                byte[] bx = x.toByteArray();
                byte[] by = y.toByteArray();
                if (!Arrays.equals(bx, by)) {
                    float[] fx = x.toFloatArray();
                    float[] fy = y.toFloatArray();
                    int differing = 0;
                    int first = -1;
                    for (int i = 0; i < fx.length; i++) {
                        if (Float.floatToRawIntBits(fx[i]) != Float.floatToRawIntBits(fy[i])) {
                            differing++;
                            first = first < 0 ? i : first;
                        }
                    }
                    out.add(String.format("%s %s: %d of %d elements differ, first at %d: %s vs %s", what, name,
                            differing, fx.length, first, fx[first], fy[first]));
                }
            }
            compared++;
        }
        return compared;
    }
}
