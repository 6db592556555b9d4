package dev.wnd.learner;

import dev.wnd.model.Batch;
import java.util.Map;

/**
 * What the learner loop needs from a model: train on a batch, predict a batch, and checkpoint with the input
 * position. Confined to the learner's thread.
 */
public interface TrainableModel extends AutoCloseable {

    /** One optimizer step on {@code batch} (labels required); returns the batch's mean logloss before the step. */
    double train(Batch batch);

    /** P(click) per row, without training. */
    float[] predict(Batch batch);

    /** The feature-spec hash of the model's inputs. */
    String specHash();

    /**
     * Writes a checkpoint that records {@code nextOffsets} (partition name → next offset to consume) in pass
     * {@code epoch} over the input (0-based) and returns where it lives.
     *
     * @throws java.io.UncheckedIOException if it could not be written (e.g. a full disk): then nothing of it is
     *     left, the previous checkpoint stays the newest, and the model is unchanged, so the caller may train on and
     *     try again later
     */
    Checkpointed checkpoint(Map<String, Long> nextOffsets, int epoch, long examplesTrained, long streamTime);

    /**
     * Publishes the parameters alone as a serving snapshot for scorers, recording {@code nextOffsets} (what they
     * learned from) like a checkpoint does, and returns where it lives. A snapshot is never resumed from: after a
     * restart, {@link #restoredOffsets()} are those of the newest full checkpoint.
     *
     * @throws java.io.UncheckedIOException if it could not be written; as for {@link #checkpoint}, nothing of it is
     *     left and the model is unchanged
     */
    Checkpointed servingSnapshot(Map<String, Long> nextOffsets, int epoch, long examplesTrained, long streamTime);

    /** {@link #checkpoint(Map, int, long, long)} in the first pass over the input. */
    default Checkpointed checkpoint(Map<String, Long> nextOffsets, long examplesTrained, long streamTime) {
        return checkpoint(nextOffsets, 0, examplesTrained, streamTime);
    }

    /** The input position of the checkpoint this model was restored from; empty when it starts fresh. */
    Map<String, Long> restoredOffsets();

    /** The pass over the input that {@link #restoredOffsets()} lie in (0-based); 0 when it starts fresh. */
    int restoredEpoch();

    /** Examples trained so far, counting those before the restored checkpoint. */
    long examplesTrained();

    @Override
    void close();

    /** A written checkpoint or serving snapshot: its model version and directory. */
    record Checkpointed(String version, String path) {
    }
}
