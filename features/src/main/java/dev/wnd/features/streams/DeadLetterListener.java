package dev.wnd.features.streams;

/**
 * Told of every record a stage sends to the dead-letter topic, so that a metrics registry can count them.
 *
 * <p>Threading: called on the thread that dead-letters the record (a stream thread for the Streams stages), so
 * implementations must be thread-safe and quick; an exception thrown here fails the record's processing.
 */
@FunctionalInterface
public interface DeadLetterListener {

    /** A listener that ignores everything. */
    DeadLetterListener NONE = source -> {
    };

    /** @param sourceTopic the topic the dead-lettered record came from */
    void deadLettered(String sourceTopic);
}
