/**
 * The checkpoint format: one directory per checkpoint, written atomically, holding the parameters and the
 * optimizer state by name plus a checksummed JSON manifest (config, seed, feature-spec hash, consumed offsets,
 * stream time, provenance).
 *
 * <p>The learner holds the directory's {@link dev.wnd.model.checkpoint.ModelDirectoryLock} (one writer per
 * directory), saves with {@link dev.wnd.model.checkpoint.CheckpointStore#save} and resumes with {@link
 * dev.wnd.model.checkpoint.CheckpointStore#loadForResume} (which stops on a checkpoint of another format version
 * and on checkpoints none of which verifies, rather than starting over) then {@link
 * dev.wnd.model.checkpoint.LoadedCheckpoint#restoreTrainer} and {@link
 * dev.wnd.model.checkpoint.LoadedCheckpoint#offsets}. Between checkpoints it publishes parameters-only serving
 * snapshots with {@link dev.wnd.model.checkpoint.CheckpointStore#saveServingSnapshot} (atomic, checksummed, not
 * forced to disk, never resumed from). The scorer loads either kind with {@link
 * dev.wnd.model.checkpoint.CheckpointStore#loadServable} or {@link
 * dev.wnd.model.checkpoint.CheckpointStore#loadNewestServable} then {@link
 * dev.wnd.model.checkpoint.ServableModel#loadServing}, verifying only the manifest and the parameters, and applies
 * delta serving snapshots ({@link dev.wnd.model.checkpoint.CheckpointStore#loadServableDelta}) to the version it
 * serves with {@link dev.wnd.model.checkpoint.ServableDelta#applyChain}. Corrupt or
 * truncated files are detected by SHA-256 and skipped with a WARN. Every load refuses a directory that is not a
 * version written right in the store's directory (links, {@code ..}, paths elsewhere).
 */
package dev.wnd.model.checkpoint;
