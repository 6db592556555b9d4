package dev.wnd.model.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/** Helpers shared by the dense optimizers. */
final class DenseOptimizerSupport {

    private DenseOptimizerSupport() {
    }

    /** Applies DJL's optimizer options (rescale, weight decay, clipping) to a gradient; may return {@code grad}. */
    static NDArray preprocess(NDArray grad, NDArray weight, float rescaleGrad, float weightDecay, float clipGrad) {
        NDArray g = grad;
        if (rescaleGrad != 1f) {
            g = g.mul(rescaleGrad);
        }
        if (weightDecay != 0f) {
            g = g.add(weight.mul(weightDecay));
        }
        if (clipGrad > 0f) {
            g = g.clip(-clipGrad, clipGrad);
        }
        return g;
    }

    /** Zeroes a parameter's accumulated gradient: DJL's PyTorch engine never does it by itself. */
    static void zeroGradient(NDArray weight) {
        if (weight instanceof PtNDArray pt && weight.hasGradient()) {
            JniUtils.zeroGrad(pt);
        }
    }
}
