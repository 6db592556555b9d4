package dev.wnd.app;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/** Prints the configuration table of docs/configuration.md from the command line's model (a maintenance command, hidden). */
@Command(name = "config-table", hidden = true, mixinStandardHelpOptions = true,
        description = "Print the markdown table of every option and its WND_* variable, for docs/configuration.md.")
final class ConfigTableCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        // Built-in defaults only: the WND_* variables of this shell must not leak into the docs.
        spec.commandLine().getOut().print(ConfigTable.markdown(Wnd.commandLine(Map.of())));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
