package dev.wnd.app;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Reads option defaults from environment variables, one variable per long option: {@code --model-dir} is
 * {@code WND_MODEL_DIR}, {@code --bootstrap} is {@code WND_BOOTSTRAP}. A value on the command line wins over the
 * variable, and the variable wins over the option's built-in default. This is how the container images are
 * configured (docker-compose.yml), so every option of every command can be set either way.
 *
 * <p>Boolean flags take {@code true} or {@code false}. Options without a long name have no variable.
 */
final class EnvironmentDefaults implements IDefaultValueProvider {

    static final String PREFIX = "WND_";

    private final Map<String, String> environment;

    /** @param environment the variables to read, usually {@link System#getenv()} */
    EnvironmentDefaults(Map<String, String> environment) {
        this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
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
    public String defaultValue(ArgSpec argSpec) {
        if (!(argSpec instanceof OptionSpec option) || option.usageHelp() || option.versionHelp()) {
            return null;
        }
        String variable = variableOf(option);
        if (variable == null) {
            return null;
        }
        String value = environment.get(variable);
        return value == null || value.isBlank() ? null : value;
    }
}
