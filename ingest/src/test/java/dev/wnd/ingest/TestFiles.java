package dev.wnd.ingest;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Writes small CSV files for tests and finds the shared real Outbrain rows. */
public final class TestFiles {

    private TestFiles() {
    }

    /** Writes {@code lines}, each ended by a newline, to {@code dir/name}. */
    public static Path csv(Path dir, String name, String... lines) {
        Path path = dir.resolve(name);
        try {
            Files.writeString(path, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return path;
    }

    /** Gzips {@code source} to {@code target}. */
    public static Path gzip(Path source, Path target) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(target))) {
            Files.copy(source, out);
        }
        return target;
    }

    /** Zips {@code source} as the only entry (named like the source) of {@code target}. */
    public static Path zip(Path source, Path target) throws IOException {
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(target))) {
            out.putNextEntry(new ZipEntry(source.getFileName().toString()));
            Files.copy(source, out);
            out.closeEntry();
        }
        return target;
    }

    /**
     * The directory of real Kaggle rows, {@code shared/outbrain-real}, found by walking up from the working
     * directory (the module directory under Maven; CI checks the repository out with {@code ../shared} beside it).
     */
    public static Path realData() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            for (Path candidate : new Path[] {dir.resolve("shared/outbrain-real"), dir.resolve("../shared/outbrain-real")}) {
                if (Files.isRegularFile(candidate.resolve("events.csv"))) {
                    return candidate.normalize();
                }
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("shared/outbrain-real not found above " + Path.of("").toAbsolutePath());
    }
}
