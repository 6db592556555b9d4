package dev.wnd.app;

import picocli.CommandLine.Option;

/**
 * {@code --global-batch-size} (the seed's name; {@code --batch} is the short spelling): examples per optimizer step,
 * declared once for every command that trains. Its default is the live learner's; a one-pass backfill (train, demo)
 * defaults to small batches through its {@link OptionDefaults}.
 */
public final class BatchSizeOption {

    /** The one-pass commands' default: one pass over small data learns far more with small steps. */
    public static final String ONE_PASS_DEFAULT = "32";

    @Option(names = {"--global-batch-size", "--batch"}, defaultValue = "4096", paramLabel = "N",
            description = "Examples per optimizer step (default: ${DEFAULT-VALUE}; the seed uses 131072 for 120 epochs "
                    + "over 60M rows). With the seed's mean loss, Adagrad and FTRL move a rarely seen id's weights "
                    + "about 1/batch per example, so one pass over small data needs small batches, and train and "
                    + "demo default to 32: on 100k generated displays, normalized test MAP@12 0.75 with 4096, 0.84 "
                    + "with 256, 0.85 with 32 (docs/design.md#one-pass-and-the-batch-size). Larger batches train "
                    + "more examples per second.")
    int value;

    /** Examples per optimizer step. */
    public int value() {
        return value;
    }
}
