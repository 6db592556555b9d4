/**
 * Replay and backfill of an Outbrain data directory into Kafka, in event time.
 *
 * <p>{@link dev.wnd.ingest.replay.ReplayStream} turns the files into one deterministic stream of records (dimension
 * files first, then page views, displays, score requests and label releases merged in event time);
 * {@link dev.wnd.ingest.replay.Replayer} produces that stream to the typed topics of
 * {@link dev.wnd.schemas.topic.AppTopics} with a transactional producer, storing its position in the same
 * transactions, so that an interrupted replay resumes where it stopped without duplicates.
 */
package dev.wnd.ingest.replay;
