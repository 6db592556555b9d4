package dev.wnd.learner;

import java.io.UncheckedIOException;

/**
 * The learner cannot go on checkpointing (see {@link OnlineLearner}: the final checkpoint of a run failed, or more
 * checkpoints than {@link LearnerConfig#maxFailedCheckpoints()} failed in a row). Thrown out of
 * {@link OnlineLearner#run}; the message says what failed, which checkpoint stays the recovery point and what to do.
 * Nothing is lost: a restart resumes from that checkpoint and trains what follows exactly once.
 */
public final class CheckpointFailedException extends IllegalStateException {

    CheckpointFailedException(String message, UncheckedIOException cause) {
        super(message, cause);
    }
}
