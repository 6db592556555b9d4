package dev.wnd.app;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Reads option defaults from environment variables, one variable per long option: {@code --model-dir} is
 * {@code WND_MODEL_DIR}, {@code --bootstrap} is {@code WND_BOOTSTRAP}. A value on the command line wins over the
 * variable, and the variable wins over the option's built-in default. This is how the container images are
 * configured (docker-compose.yml), so every option of every command can be set either way.
 *
 * <p>Boolean flags take {@code true} or {@code false}. Options without a long name have no variable. A command's own
 * default value provider (evaluate's work directory) still answers for the options without a variable set:
 * {@link #install} wraps each command's provider rather than replacing it.
 */
final class EnvironmentDefaults implements IDefaultValueProvider {

    static final String PREFIX = "WND_";

    private final Map<String, String> environment;
    private final IDefaultValueProvider fallback;

    /** @param environment the variables to read, usually {@link System#getenv()} */
    EnvironmentDefaults(Map<String, String> environment) {
        this(environment, null);
    }

    /**
     * @param environment the variables to read, usually {@link System#getenv()}
     * @param fallback the command's own provider, asked when no variable is set; null for none
     */
    EnvironmentDefaults(Map<String, String> environment, IDefaultValueProvider fallback) {
        this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
        this.fallback = fallback;
    }

    /**
     * Makes {@code command} and every command under it take defaults from {@code environment} first, then from the
     * command's own provider, then from the option's built-in default.
     */
    static void install(CommandLine command, Map<String, String> environment) {
        install(command, environment, java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()));
    }

    private static void install(CommandLine command, Map<String, String> environment, Set<CommandLine> done) {
        if (!done.add(command)) {
            return; // an alias of a command already seen
        }
        CommandSpec spec = command.getCommandSpec();
        spec.defaultValueProvider(new EnvironmentDefaults(environment, spec.defaultValueProvider()));
        command.getSubcommands().values().forEach(sub -> install(sub, environment, done));
    }

    /** The variable of a long option name such as {@code --model-dir}, or null when the name is not a long one. */
    static String variableOf(String longName) {
        if (!longName.startsWith("--") || longName.length() < 3) {
            return null;
        }
        return PREFIX + longName.substring(2).replace('-', '_').toUpperCase(Locale.ROOT);
    }

    /** The variable of an option: from its longest name. */
    static String variableOf(OptionSpec option) {
        return variableOf(option.longestName());
    }

    @Override
    public String defaultValue(ArgSpec argSpec) throws Exception {
        if (!(argSpec instanceof OptionSpec option) || option.usageHelp() || option.versionHelp()) {
            return null;
        }
        String variable = variableOf(option);
        String value = variable == null ? null : environment.get(variable);
        if (value != null && !value.isBlank()) {
            return value;
        }
        return fallback == null ? null : fallback.defaultValue(argSpec);
    }
}
