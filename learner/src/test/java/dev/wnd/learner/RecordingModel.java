package dev.wnd.learner;

import dev.wnd.model.Batch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A test double of the model: records which examples (by sequence number, see {@link TestExamples}) each batch
 * trained and each prediction scored, and the checkpoints asked for. Starts as if restored with the given offsets.
 */
final class RecordingModel implements TrainableModel {

    /** A checkpoint the learner asked for. */
    record Saved(Map<String, Long> offsets, long examplesTrained) {
    }

    /** The pass each checkpoint in {@link #checkpoints} was asked for in, by position. */
    final List<Integer> checkpointEpochs = new ArrayList<>();

    final List<List<Integer>> batches = new ArrayList<>();
    final List<Integer> scored = new ArrayList<>();
    final List<Saved> checkpoints = new ArrayList<>();
    /** The serving snapshots the learner asked for. */
    final List<Saved> snapshots = new ArrayList<>();
    /** Runs after each batch (e.g. to stop the learner). */
    Runnable afterTrain = () -> { };

    private final String specHash;
    private final int numericCount;
    private final Map<String, Long> restored;
    private final int restoredEpoch;
    private long examplesTrained;

    RecordingModel(String specHash, int numericCount, Map<String, Long> restored, long examplesTrained) {
        this(specHash, numericCount, restored, 0, examplesTrained);
    }

    RecordingModel(String specHash, int numericCount, Map<String, Long> restored, int restoredEpoch,
            long examplesTrained) {
        this.specHash = specHash;
        this.numericCount = numericCount;
        this.restored = Map.copyOf(restored);
        this.restoredEpoch = restoredEpoch;
        this.examplesTrained = examplesTrained;
    }

    @Override
    public double train(Batch batch) {
        batches.add(TestExamples.seqs(batch, numericCount));
        examplesTrained += batch.size();
        afterTrain.run();
        return 0.5;
    }

    @Override
    public float[] predict(Batch batch) {
        scored.addAll(TestExamples.seqs(batch, numericCount));
        float[] p = new float[batch.size()];
        Arrays.fill(p, 0.5f);
        return p;
    }

    @Override
    public String specHash() {
        return specHash;
    }

    @Override
    public Checkpointed checkpoint(Map<String, Long> nextOffsets, int epoch, long examplesTrained,
            long streamTime) {
        checkpoints.add(new Saved(Map.copyOf(nextOffsets), examplesTrained));
        checkpointEpochs.add(epoch);
        return new Checkpointed("v" + checkpoints.size(), "/nowhere/v" + checkpoints.size());
    }

    @Override
    public Checkpointed servingSnapshot(Map<String, Long> nextOffsets, int epoch, long examplesTrained,
            long streamTime) {
        snapshots.add(new Saved(Map.copyOf(nextOffsets), examplesTrained));
        return new Checkpointed("s" + snapshots.size(), "/nowhere/s" + snapshots.size());
    }

    @Override
    public Map<String, Long> restoredOffsets() {
        return restored;
    }

    @Override
    public int restoredEpoch() {
        return restoredEpoch;
    }

    @Override
    public long examplesTrained() {
        return examplesTrained;
    }

    @Override
    public void close() {
    }
}
