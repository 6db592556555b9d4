package dev.wnd.model;

/**
 * Dynamic loss scaling for mixed precision, with TensorFlow 1's defaults ({@code DynamicLossScale}): start at 2^15,
 * halve (down to 1) and skip the step when a gradient is not finite, double after 2000 finite steps in a row. Not
 * thread-safe; owned by one trainer.
 */
final class LossScaler {

    static final float INITIAL_SCALE = 32768f;
    static final int GROWTH_INTERVAL = 2000;

    private float scale;
    private long goodSteps;

    LossScaler(float scale, long goodSteps) {
        this.scale = scale;
        this.goodSteps = goodSteps;
    }

    float scale() {
        return scale;
    }

    long goodSteps() {
        return goodSteps;
    }

    /** Records a step's outcome; returns whether its update should be applied. */
    boolean update(boolean finite) {
        if (!finite) {
            scale = Math.max(1f, scale / 2f);
            goodSteps = 0;
            return false;
        }
        goodSteps++;
        if (goodSteps >= GROWTH_INTERVAL) {
            scale = scale * 2f;
            goodSteps = 0;
        }
        return true;
    }
}
