package dev.wnd.app;

import java.util.Map;
import picocli.CommandLine;

/**
 * A command's own defaults for options it shares with other commands through a mixin: the option is declared once,
 * with the default most commands want, and a command that needs another says so here, by long option name. The
 * {@code WND_*} variables still win ({@link EnvironmentDefaults} wraps this provider).
 */
public abstract class OptionDefaults implements CommandLine.IDefaultValueProvider {

    /** Default values by long option name, e.g. {@code "--global-batch-size" -> "32"}. */
    protected abstract Map<String, String> values();

    @Override
    public String defaultValue(CommandLine.Model.ArgSpec argSpec) {
        return argSpec instanceof CommandLine.Model.OptionSpec option ? values().get(option.longestName()) : null;
    }
}
