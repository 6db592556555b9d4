package dev.wnd.app;

import picocli.CommandLine.Option;

/**
 * {@code --displays}: how many displays a command generates. One declaration; a command with its own default (the
 * benchmarks' sizes, generate's) sets it through its {@link OptionDefaults}.
 */
public final class DisplaysOption {

    @Option(names = "--displays", defaultValue = "20000", paramLabel = "N",
            description = "Displays to generate (default: ${DEFAULT-VALUE}).")
    long value;

    /** The number of displays. */
    public long value() {
        return value;
    }
}
