package dev.wnd.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;

/** The benchmarks: measured numbers, never assertions. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks (numbers go to BENCHMARKS.md with the command and the machine).",
        subcommands = {BenchLearnerCommand.class, BenchFeaturesCommand.class, BenchScorerCommand.class,
                BenchFreshnessCommand.class})
final class BenchCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Prints {@code result} and, when {@code json} is given, writes it there. */
    static void report(Map<String, Object> result, Path json) throws Exception {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        String text = mapper.writeValueAsString(result);
        System.out.println(text);
        if (json != null) {
            Files.writeString(json, text + "\n");
        }
    }
}
