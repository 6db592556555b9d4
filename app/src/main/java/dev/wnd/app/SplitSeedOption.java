package dev.wnd.app;

import picocli.CommandLine.Option;

/** {@code --split-seed}: the seed of the train/validation split by display. One declaration, one default. */
public final class SplitSeedOption {

    @Option(names = "--split-seed", defaultValue = "0", paramLabel = "SEED",
            description = "Seed of the train/validation split by display (default: ${DEFAULT-VALUE}).")
    long value;

    /** The seed. */
    public long value() {
        return value;
    }
}
