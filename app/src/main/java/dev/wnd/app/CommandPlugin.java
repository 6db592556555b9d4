package dev.wnd.app;

/**
 * A command that another module adds to the {@code wnd} command line, found with {@link java.util.ServiceLoader} on
 * the class path: the benchmarks (module bench) are one, so that the command line runs with or without them (the
 * {@code ./wnd} launcher with, the container image without). An implementation names itself in
 * {@code META-INF/services/dev.wnd.app.CommandPlugin}.
 */
public interface CommandPlugin {

    /** A new picocli command object (annotated with {@code @Command}), added as a subcommand under its own name. */
    Object command();
}
