package dev.wnd.model;

/**
 * The outcome of one training step.
 *
 * @param loss mean sigmoid cross-entropy of the batch, computed before the update ({@code NaN} for an empty batch)
 * @param count number of examples in the batch
 * @param step the trainer's global step after this batch (batches trained so far)
 * @param applied false when the update was skipped: an empty batch, or non-finite gradients under mixed
 *     precision (the loss scale was lowered instead)
 */
public record TrainResult(float loss, int count, long step, boolean applied) {
}
