package dev.wnd.app;

import java.time.Duration;
import picocli.CommandLine.Option;

/** {@code --label-delay}: how long after a display the replay releases its labels. One declaration, one default. */
public final class LabelDelayOption {

    @Option(names = "--label-delay", defaultValue = "PT1H", paramLabel = "DURATION",
            description = "How long after a display its labels are released, ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration value;

    /** The delay. */
    public Duration value() {
        return value;
    }
}
