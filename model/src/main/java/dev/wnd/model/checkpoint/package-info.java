/**
 * The checkpoint format: one directory per checkpoint, written atomically, holding the parameters and the
 * optimizer state by name plus a checksummed JSON manifest (config, seed, feature-spec hash, consumed offsets,
 * stream time, provenance).
 *
 * <p>The learner saves with {@link dev.wnd.model.checkpoint.CheckpointStore#save} and resumes with {@link
 * dev.wnd.model.checkpoint.CheckpointStore#loadNewestValid} then {@link
 * dev.wnd.model.checkpoint.LoadedCheckpoint#restoreTrainer} and {@link
 * dev.wnd.model.checkpoint.LoadedCheckpoint#offsets}. Between checkpoints it publishes parameters-only serving
 * snapshots with {@link dev.wnd.model.checkpoint.CheckpointStore#saveServingSnapshot} (atomic, checksummed, not
 * forced to disk, never resumed from). The scorer loads either kind with {@link
 * dev.wnd.model.checkpoint.CheckpointStore#loadServable} or {@link
 * dev.wnd.model.checkpoint.CheckpointStore#loadNewestServable} then {@link
 * dev.wnd.model.checkpoint.ServableModel#newPredictor}, verifying only the manifest and the parameters. Corrupt or
 * truncated files are detected by SHA-256 and skipped with a WARN.
 */
package dev.wnd.model.checkpoint;
