package dev.wnd.ingest.inspect;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link Inspector} found in one directory.
 *
 * @param directory the directory inspected
 * @param files one report per file read, keyed by the file's name in the directory, in Kaggle's file order
 * @param references dangling references across files (only between files that are both present)
 * @param missingFiles base names of the Outbrain files not found
 * @param shadowedFiles files not used for references because another file of the same kind was preferred
 */
public record InspectionReport(String directory, Map<String, FileReport> files, List<ReferenceCheck> references,
        List<String> missingFiles, List<String> shadowedFiles) {

    public InspectionReport {
        Objects.requireNonNull(directory, "directory");
        files = Collections.unmodifiableMap(new LinkedHashMap<>(files));
        references = List.copyOf(references);
        missingFiles = List.copyOf(missingFiles);
        shadowedFiles = List.copyOf(shadowedFiles);
    }

    /** Accepted data rows over all files. */
    public long rows() {
        return files.values().stream().mapToLong(FileReport::rows).sum();
    }

    /** Rejected data rows over all files. */
    public long rejected() {
        return files.values().stream().mapToLong(FileReport::rejected).sum();
    }

    /** Whether some file could not be read at all (see {@link FileReport#error()}). */
    public boolean hasErrors() {
        return files.values().stream().anyMatch(f -> f.error() != null);
    }

    /**
     * The report as JSON: {@code {"directory", "rows", "rejected", "files": {"events.csv": {"rows", "rejected",
     * "rejects": [{"line", "reason"}], "columns", "counts", ...}}, "references", "missing_files", "shadowed_files"}},
     * with snake_case names and null fields left out.
     */
    public String toJson() {
        ObjectMapper mapper = new ObjectMapper()
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .setDefaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL,
                        JsonInclude.Include.ALWAYS))
                .enable(SerializationFeature.INDENT_OUTPUT);
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("directory", directory);
        root.put("rows", rows());
        root.put("rejected", rejected());
        root.put("files", files);
        root.put("references", references);
        root.put("missing_files", missingFiles);
        root.put("shadowed_files", shadowedFiles);
        try {
            return mapper.writeValueAsString(root) + System.lineSeparator();
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The report for people: a summary table, then per file its columns, counts and first rejects. */
    public String toText() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Outbrain data in %s: %d files, %,d rows, %,d rejected%n", directory,
                files.size(), rows(), rejected()));
        out.append(String.format(Locale.ROOT, "%n  %-32s %15s %10s %12s%n", "file", "rows", "rejected", "bytes"));
        files.forEach((name, f) -> out.append(String.format(Locale.ROOT, "  %-32s %,15d %,10d %12s%s%n", name,
                f.rows(), f.rejected(), human(f.bytes()), f.error() == null ? "" : "  ERROR")));
        if (!missingFiles.isEmpty()) {
            out.append("  not present: ").append(String.join(", ", missingFiles)).append(System.lineSeparator());
        }
        if (!shadowedFiles.isEmpty()) {
            out.append("  also present, not used for references: ").append(String.join(", ", shadowedFiles))
                    .append(System.lineSeparator());
        }
        files.forEach((name, f) -> appendFile(out, name, f));
        if (!references.isEmpty()) {
            out.append(String.format(Locale.ROOT, "%nReferences across files (counted, not rejected)%n"));
            for (ReferenceCheck r : references) {
                out.append(String.format(Locale.ROOT, "  %-45s %,12d rows %,12d distinct   (%s.%s -> %s)%n",
                        r.description(), r.rows(), r.distinct(), r.from(), r.column(), r.to()));
            }
        }
        return out.toString();
    }

    private static void appendFile(StringBuilder out, String name, FileReport f) {
        out.append(String.format(Locale.ROOT, "%n%s (%s)%n", name, f.file()));
        if (f.error() != null) {
            out.append("  ERROR: ").append(f.error()).append(System.lineSeparator());
            return;
        }
        f.columns().forEach((column, s) -> {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-18s", column));
            if (s.min() != null) {
                line.append(" min ").append(format(column, s.min())).append("  max ").append(format(column, s.max()));
            }
            if (s.distinct() != null) {
                line.append(String.format(Locale.ROOT, "  distinct %,d", s.distinct()));
            }
            if (s.distinctApprox() != null) {
                line.append(String.format(Locale.ROOT, "  distinct ~%,d", s.distinctApprox()));
            }
            if (s.nulls() > 0) {
                line.append(String.format(Locale.ROOT, "  null %,d", s.nulls()));
            }
            out.append(line).append(System.lineSeparator());
        });
        f.counts().forEach((column, counts) -> {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-18s", column));
            counts.forEach((k, v) -> line.append(String.format(Locale.ROOT, " %s: %,d", k, v)));
            out.append(line).append(System.lineSeparator());
        });
        if (f.blankLines() > 0) {
            out.append(String.format(Locale.ROOT, "  blank lines skipped: %,d%n", f.blankLines()));
        }
        if (f.coercedToNull() > 0) {
            out.append(String.format(Locale.ROOT, "  unparsable values read as null: %,d%n", f.coercedToNull()));
        }
        int shown = Math.min(10, f.rejects().size());
        for (int i = 0; i < shown; i++) {
            RejectEntry r = f.rejects().get(i);
            out.append(String.format(Locale.ROOT, "  rejected line %,d: %s%n", r.line(), r.reason()));
        }
        if (f.rejected() > shown) {
            out.append(String.format(Locale.ROOT, "  ... %,d more rejected lines%n", f.rejected() - shown));
        }
    }

    private static String format(String column, Number value) {
        if (column.equals("publish_time")) {
            return Instant.ofEpochMilli(value.longValue()).toString();
        }
        if (value instanceof Double d) {
            return String.format(Locale.ROOT, "%.6g", d);
        }
        return String.format(Locale.ROOT, "%d", value.longValue());
    }

    private static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double v = bytes;
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
