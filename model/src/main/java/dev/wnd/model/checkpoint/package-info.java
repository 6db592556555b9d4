/**
 * The checkpoint format: one directory per checkpoint, written atomically, holding the parameters and the
 * optimizer state by name plus a checksummed JSON manifest (config, seed, feature-spec hash, consumed offsets,
 * stream time, provenance).
 *
 * <p>The learner saves with {@link dev.wnd.model.checkpoint.CheckpointStore#save} and resumes with {@link
 * dev.wnd.model.checkpoint.CheckpointStore#loadNewestValid} then {@link
 * dev.wnd.model.checkpoint.LoadedCheckpoint#restoreTrainer} and {@link
 * dev.wnd.model.checkpoint.LoadedCheckpoint#offsets}; the scorer loads with {@code loadNewestValid} then {@link
 * dev.wnd.model.checkpoint.LoadedCheckpoint#newPredictor}. Corrupt or truncated checkpoints are detected by
 * SHA-256 and skipped with a WARN.
 */
package dev.wnd.model.checkpoint;
