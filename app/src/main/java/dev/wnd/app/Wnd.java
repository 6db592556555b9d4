package dev.wnd.app;

import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code wnd} command line: every stage of the system, alone or all together. */
@Command(name = "wnd", mixinStandardHelpOptions = true, version = "wnd 0.1.0",
        description = "A Kafka-streamed online learner for Wide & Deep click prediction (Outbrain data).",
        subcommands = {DemoCommand.class, GenerateCommand.class, InspectCommand.class, TrainCommand.class,
            PredictCommand.class, EvaluateCommand.class, IngestCommand.class,
            FeaturesCommand.class, LearnCommand.class, ScoreCommand.class, HealthCommand.class,
            RegistryCommand.class,
            ConfigTableCommand.class, CommandLine.HelpCommand.class})
public final class Wnd implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, with option defaults from this process's {@code WND_*} variables. */
    public static CommandLine commandLine() {
        return commandLine(System.getenv());
    }

    /**
     * The configured command line, so tests can run commands in-process.
     *
     * @param environment where {@code WND_*} option defaults come from (see {@link EnvironmentDefaults})
     */
    public static CommandLine commandLine(Map<String, String> environment) {
        CommandLine cli = new CommandLine(new Wnd());
        for (CommandPlugin plugin : java.util.ServiceLoader.load(CommandPlugin.class)) {
            cli.addSubcommand(plugin.command());
        }
        EnvironmentDefaults.install(cli, environment);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("wnd " + commandLine.getCommandName() + ": " + messageOf(e));
            if (System.getenv("WND_DEBUG") != null) {
                e.printStackTrace(commandLine.getErr());
            } else {
                commandLine.getErr().println("(set WND_DEBUG=1 for the stack trace)");
            }
            return 1;
        });
        return cli;
    }

    private static String messageOf(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && (t.getMessage() == null || t instanceof java.util.concurrent.ExecutionException)) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
