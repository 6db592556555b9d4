package dev.wnd.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;

/** The benchmarks: measured numbers, never assertions. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks (numbers go to BENCHMARKS.md with the command and the machine).",
        subcommands = {BenchLearnerCommand.class, BenchFeaturesCommand.class, BenchScorerCommand.class,
                BenchFreshnessCommand.class, BenchAccuracyCommand.class, BenchAllCommand.class})
public final class BenchCommand implements Runnable {

    /** Adds {@code bench} to the {@code wnd} command line (see {@code META-INF/services}). */
    public static final class Plugin implements dev.wnd.app.CommandPlugin {
        @Override
        public Object command() {
            return new BenchCommand();
        }
    }

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Prints {@code result} and, when {@code --json} asked for it, writes it there. */
    static void report(Map<String, Object> result, dev.wnd.app.JsonOption json) throws Exception {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        String text = mapper.writeValueAsString(result);
        System.out.println(text);
        json.write(text);
    }

    /**
     * Where an application's stream threads spend their loop, from Streams' own thread metrics (windowed: about the
     * last 30 s), averaged over its stream threads: the fraction of time polling, processing, punctuating and
     * committing, and how long one commit blocks the loop (the longest of any thread for the maxima). Whatever the
     * ratios leave out is the loop's own bookkeeping.
     */
    static Map<String, Object> threadTimes(KafkaStreams streams) {
        Map<String, Double> sums = new LinkedHashMap<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        List<String> wanted = List.of("poll-ratio", "process-ratio", "punctuate-ratio", "commit-ratio",
                "commit-latency-avg", "commit-latency-max", "poll-latency-avg", "poll-latency-max");
        streams.metrics().forEach((name, metric) -> {
            if (name.group().equals("stream-thread-metrics") && wanted.contains(name.name())
                    && metric.metricValue() instanceof Number n && !Double.isNaN(n.doubleValue())) {
                String key = name.name().replace('-', '_') + (name.name().contains("latency") ? "_ms" : "");
                sums.merge(key, n.doubleValue(), name.name().endsWith("-max") ? Math::max : Double::sum);
                counts.merge(key, 1, Integer::sum);
            }
        });
        Map<String, Object> out = new LinkedHashMap<>();
        sums.forEach((k, v) -> out.put(k, k.endsWith("_max_ms") ? v : v / counts.get(k)));
        return out;
    }
}
