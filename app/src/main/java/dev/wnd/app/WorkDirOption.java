package dev.wnd.app;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --work-dir}: where a command keeps the embedded broker's data, the Streams state and, for the self-contained
 * commands (demo, the benchmarks), everything they generate. One declaration; a command with its own default (the
 * demo's and each benchmark's reset directory) sets it through its {@link OptionDefaults}.
 */
public final class WorkDirOption {

    @Option(names = "--work-dir", paramLabel = "DIR", defaultValue = ".wnd",
            description = "Work directory (default: ${DEFAULT-VALUE}): the embedded broker's data, Streams state, "
                    + "what the command generates. Demo and bench delete what a previous run left there; one "
                    + "command at a time per directory.")
    Path value;

    /** The directory. */
    public Path value() {
        return value;
    }

    /** Sets the directory (a command built in code, not parsed). */
    public void set(Path dir) {
        value = dir;
    }
}
