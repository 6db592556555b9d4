package dev.wnd.learner;

import dev.wnd.model.Batch;
import java.io.PrintStream;
import java.util.Map;

/**
 * A {@link TrainableModel} that forwards to another and reports its progress as protocol lines, so that a parent
 * process can tell where a child learner was when it killed it: {@code @@TRAINED <examples>} after each batch,
 * {@code @@CKPT-BEGIN <examples>} and {@code @@CKPT-END <version>} around each checkpoint write.
 */
final class ReportingModel implements TrainableModel {

    private final TrainableModel delegate;
    private final PrintStream out;

    ReportingModel(TrainableModel delegate, PrintStream out) {
        this.delegate = delegate;
        this.out = out;
    }

    @Override
    public double train(Batch batch) {
        double loss = delegate.train(batch);
        out.println("@@TRAINED " + delegate.examplesTrained());
        return loss;
    }

    @Override
    public float[] predict(Batch batch) {
        return delegate.predict(batch);
    }

    @Override
    public String specHash() {
        return delegate.specHash();
    }

    @Override
    public Checkpointed checkpoint(Map<String, Long> nextOffsets, int epoch, long examplesTrained,
            long streamTime) {
        out.println("@@CKPT-BEGIN " + examplesTrained);
        Checkpointed c = delegate.checkpoint(nextOffsets, epoch, examplesTrained, streamTime);
        out.println("@@CKPT-END " + c.version());
        return c;
    }

    @Override
    public Checkpointed servingSnapshot(Map<String, Long> nextOffsets, int epoch, long examplesTrained,
            long streamTime) {
        out.println("@@SNAP-BEGIN " + examplesTrained);
        Checkpointed c = delegate.servingSnapshot(nextOffsets, epoch, examplesTrained, streamTime);
        out.println("@@SNAP-END " + c.version());
        return c;
    }

    @Override
    public Map<String, Long> restoredOffsets() {
        return delegate.restoredOffsets();
    }

    @Override
    public int restoredEpoch() {
        return delegate.restoredEpoch();
    }

    @Override
    public long examplesTrained() {
        return delegate.examplesTrained();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
