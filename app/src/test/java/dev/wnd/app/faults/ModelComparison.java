package dev.wnd.app.faults;

import dev.wnd.model.checkpoint.CheckpointStore;
import dev.wnd.model.checkpoint.LoadedCheckpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Bit-for-bit comparison of the newest checkpoints of two model directories: their parameters and optimizer-state
 * files, which hold every tensor by name in a fixed order, so equal files mean equal tensors.
 */
final class ModelComparison {

    private static final List<String> TENSOR_FILES = List.of("parameters.bin", "optimizer.bin");

    private ModelComparison() {
    }

    /** What differs: empty when both newest checkpoints hold the same tensors and the same step. */
    static List<String> differences(Path a, Path b) throws IOException {
        LoadedCheckpoint x = newest(a);
        LoadedCheckpoint y = newest(b);
        List<String> out = new ArrayList<>();
        if (x.manifest().step() != y.manifest().step()) {
            out.add("steps " + x.manifest().step() + " vs " + y.manifest().step());
        }
        for (String file : TENSOR_FILES) {
            byte[] bx = Files.readAllBytes(x.info().directory().resolve(file));
            byte[] by = Files.readAllBytes(y.info().directory().resolve(file));
            if (!Arrays.equals(bx, by)) {
                out.add(file + " of " + x.version() + " and " + y.version() + " differ (first byte "
                        + Arrays.mismatch(bx, by) + " of " + bx.length + "/" + by.length + ")");
            }
        }
        return out;
    }

    private static LoadedCheckpoint newest(Path dir) throws IOException {
        return new CheckpointStore(dir, Integer.MAX_VALUE).loadNewestValid()
                .orElseThrow(() -> new AssertionError("no valid checkpoint in " + dir));
    }
}
