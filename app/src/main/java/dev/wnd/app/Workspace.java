package dev.wnd.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Work directories of the self-contained commands (demo, benchmarks): reset at start, embedded cluster inside. */
final class Workspace {

    private Workspace() {
    }

    /** Deletes {@code dir} and everything in it, saying so, so that nothing of a previous run is reused. */
    static void reset(Path dir) throws IOException {
        if (Files.exists(dir)) {
            System.err.println("resetting the work directory " + dir + " (nothing of a previous run is reused)");
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /** Options for an embedded, single-partition cluster inside {@code dir}. */
    static ClusterOptions embedded(Path dir) {
        ClusterOptions options = new ClusterOptions();
        options.workDir = dir;
        options.partitions = 1;
        return options;
    }
}
