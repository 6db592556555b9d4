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
     * Writes a checkpoint that records {@code nextOffsets} (partition name → next offset to consume) and returns
     * where it lives.
     */
    Checkpointed checkpoint(Map<String, Long> nextOffsets, long examplesTrained, long streamTime);

    /** The input position of the checkpoint this model was restored from; empty when it starts fresh. */
    Map<String, Long> restoredOffsets();

    /** Examples trained so far, counting those before the restored checkpoint. */
    long examplesTrained();

    @Override
    void close();

    /** A written checkpoint. */
    record Checkpointed(String version, String path) {
    }
}
