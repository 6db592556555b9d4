package dev.wnd.model.optim;

import ai.djl.training.tracker.Tracker;

/**
 * The seed's learning-rate schedule ({@code TF1/utils/schedulers.py}): {@code lr = base * step / warmupSteps} while
 * {@code step < warmupSteps}, then {@code base}. {@code step} is TensorFlow's 0-based global step, the number of
 * updates applied before the current one, so with warm-up the very first update has learning rate 0. Computed in
 * float32 as TensorFlow does. Immutable and thread-safe.
 *
 * @param baseLearningRate the learning rate after warm-up, &gt; 0
 * @param warmupSteps warm-up length in steps, &gt;= 0 (0: constant {@code baseLearningRate})
 */
public record WarmupSchedule(float baseLearningRate, long warmupSteps) implements Tracker {

    public WarmupSchedule {
        if (!(baseLearningRate > 0) || Float.isInfinite(baseLearningRate)) {
            throw new IllegalArgumentException("baseLearningRate must be > 0, got " + baseLearningRate);
        }
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("warmupSteps must be >= 0, got " + warmupSteps);
        }
    }

    /** The learning rate of the update made at 0-based global step {@code step}. */
    public float learningRate(long step) {
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + step);
        }
        if (step < warmupSteps) {
            return baseLearningRate * (float) step / (float) warmupSteps;
        }
        return baseLearningRate;
    }

    /** DJL's view: {@code numUpdate} is taken as the 0-based global step. */
    @Override
    public float getNewValue(int numUpdate) {
        return learningRate(numUpdate);
    }
}
