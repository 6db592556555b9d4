package dev.wnd.ingest.csv;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The Outbrain files found directly in one directory (sub-directories are not searched).
 *
 * <p>When several files denote the same Outbrain file, one is {@linkplain #files() chosen} and the others are listed
 * in {@link #shadowed()}: Kaggle's base name beats its alias ({@code page_views} over {@code page_views_sample}), then
 * {@code .csv} beats {@code .csv.gz} beats {@code .csv.zip}.
 *
 * @param dir the directory
 * @param files the chosen path of each Outbrain file present, in {@link OutbrainFile#all()} order
 * @param shadowed further files that denote an Outbrain file already chosen, sorted by name
 */
public record DataDirectory(Path dir, Map<OutbrainFile<?>, Path> files, List<Path> shadowed) {

    public DataDirectory {
        Objects.requireNonNull(dir, "dir");
        files = Collections.unmodifiableMap(new LinkedHashMap<>(files));
        shadowed = List.copyOf(shadowed);
    }

    /**
     * Lists the Outbrain files in {@code dir}.
     *
     * @throws java.nio.file.NoSuchFileException when {@code dir} does not exist
     * @throws java.nio.file.NotDirectoryException when it is not a directory
     */
    public static DataDirectory scan(Path dir) throws IOException {
        Objects.requireNonNull(dir, "dir");
        if (!Files.isDirectory(dir)) {
            throw Files.exists(dir) ? new java.nio.file.NotDirectoryException(dir.toString())
                    : new java.nio.file.NoSuchFileException(dir.toString(), null, "no such data directory");
        }
        Map<OutbrainFile<?>, List<Path>> candidates = new LinkedHashMap<>();
        try (Stream<Path> listing = Files.list(dir)) {
            listing.filter(Files::isRegularFile).forEach(p -> OutbrainFile.forFileName(p.getFileName().toString())
                    .ifPresent(f -> candidates.computeIfAbsent(f, k -> new ArrayList<>()).add(p)));
        }
        Map<OutbrainFile<?>, Path> chosen = new LinkedHashMap<>();
        List<Path> shadowed = new ArrayList<>();
        for (OutbrainFile<?> file : OutbrainFile.all()) {
            List<Path> paths = candidates.get(file);
            if (paths == null) {
                continue;
            }
            paths.sort(Comparator.comparingInt((Path p) -> preference(file, p.getFileName().toString()))
                    .thenComparing(p -> p.getFileName().toString()));
            chosen.put(file, paths.get(0));
            shadowed.addAll(paths.subList(1, paths.size()));
        }
        shadowed.sort(Comparator.comparing(p -> p.getFileName().toString()));
        return new DataDirectory(dir, chosen, shadowed);
    }

    private static int preference(OutbrainFile<?> file, String name) {
        int alias = name.startsWith(file.name() + ".") ? 0 : 10;
        int compression = name.endsWith(".csv") ? 0 : name.endsWith(".gz") ? 1 : 2;
        return alias + compression;
    }

    /** The chosen path of {@code file}, if present. */
    public Optional<Path> path(OutbrainFile<?> file) {
        return Optional.ofNullable(files.get(file));
    }

    /** Whether {@code file} is present. */
    public boolean has(OutbrainFile<?> file) {
        return files.containsKey(file);
    }

    /** Whether no Outbrain file was found. */
    public boolean isEmpty() {
        return files.isEmpty();
    }
}
