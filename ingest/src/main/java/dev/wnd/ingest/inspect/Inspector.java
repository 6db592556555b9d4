package dev.wnd.ingest.inspect;

import dev.wnd.ingest.csv.CsvRow;
import dev.wnd.ingest.csv.DataDirectory;
import dev.wnd.ingest.csv.NotAnOutbrainFileException;
import dev.wnd.ingest.csv.OutbrainFile;
import dev.wnd.ingest.csv.OutbrainReader;
import dev.wnd.ingest.inspect.Profilers.Keys;
import dev.wnd.ingest.inspect.Profilers.Profiler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads every Outbrain file in a directory and reports what it holds: accepted and rejected rows (the first rejects
 * listed with line and reason, all of them counted), value ranges and counts per column, and references that dangle
 * across files (clicks whose display has no event, ads without promoted_content, documents without metadata, events
 * without ads), which are counted, never rejected.
 *
 * <p>Files are read one after another in a fixed order (documents_meta, promoted_content, events, clicks_train,
 * clicks_test, documents_topics, documents_entities, documents_categories, page_views) so that each reference is
 * checked while its referencing file streams by. Memory: a bit per id for the id columns (a few MiB for Kaggle's
 * full data), 16 KiB per string column; nothing per row.
 */
public final class Inspector {

    /** How many rejects are listed per file by {@link #inspect(Path)}. */
    public static final int DEFAULT_MAX_REJECTS_LISTED = 100;

    private static final List<OutbrainFile<?>> ORDER = List.of(OutbrainFile.DOCUMENTS_META,
            OutbrainFile.PROMOTED_CONTENT, OutbrainFile.EVENTS, OutbrainFile.CLICKS_TRAIN, OutbrainFile.CLICKS_TEST,
            OutbrainFile.DOCUMENTS_TOPICS, OutbrainFile.DOCUMENTS_ENTITIES, OutbrainFile.DOCUMENTS_CATEGORIES,
            OutbrainFile.PAGE_VIEWS);

    private final int maxRejectsListed;

    private Inspector(int maxRejectsListed) {
        if (maxRejectsListed < 0) {
            throw new IllegalArgumentException("maxRejectsListed must be >= 0, was " + maxRejectsListed);
        }
        this.maxRejectsListed = maxRejectsListed;
    }

    /** Inspects {@code dir}, listing up to {@value #DEFAULT_MAX_REJECTS_LISTED} rejects per file. */
    public static InspectionReport inspect(Path dir) throws IOException {
        return inspect(dir, DEFAULT_MAX_REJECTS_LISTED);
    }

    /**
     * Inspects every Outbrain file directly in {@code dir}. A file whose header is wrong gets a report with its
     * {@linkplain FileReport#error() error} and the others are still read.
     *
     * @param maxRejectsListed how many rejects to list per file (all are counted)
     * @throws java.nio.file.NoSuchFileException when {@code dir} does not exist
     * @throws IOException when a file cannot be read
     */
    public static InspectionReport inspect(Path dir, int maxRejectsListed) throws IOException {
        return new Inspector(maxRejectsListed).run(dir);
    }

    private InspectionReport run(Path dir) throws IOException {
        DataDirectory data = DataDirectory.scan(dir);
        Map<String, String> names = new LinkedHashMap<>();
        data.files().forEach((file, path) -> names.put(file.name(), path.getFileName().toString()));

        Keys keys = new Keys();
        Map<OutbrainFile<?>, FileReport> chosen = new LinkedHashMap<>();
        Map<OutbrainFile<?>, Profiler<?>> profilers = new LinkedHashMap<>();
        for (OutbrainFile<?> file : ORDER) {
            Path path = data.files().get(file);
            if (path == null) {
                continue;
            }
            Profiler<?> profiler = profilerFor(file, path.getFileName().toString(), keys, names);
            FileReport report = inspectFile(path, file, profiler);
            chosen.put(file, report);
            profilers.put(file, profiler);
            if (report.error() == null) {
                register(file, profiler, keys);
            }
        }
        Map<String, FileReport> files = new LinkedHashMap<>();
        for (OutbrainFile<?> file : OutbrainFile.all()) {
            FileReport report = chosen.get(file);
            if (report != null) {
                files.put(names.get(file.name()), report);
            }
        }
        for (Path path : data.shadowed()) {
            String name = path.getFileName().toString();
            OutbrainFile<?> file = OutbrainFile.forFileName(name).orElseThrow();
            files.put(name, inspectFile(path, file, profilerFor(file, name, keys, names)));
        }

        List<ReferenceCheck> references = new ArrayList<>();
        for (Profiler<?> profiler : profilers.values()) {
            profiler.references.forEach(r -> references.add(r.result()));
        }
        if (keys.eventDisplays != null && (keys.trainDisplays != null || keys.testDisplays != null)) {
            IdSet train = keys.trainDisplays != null ? keys.trainDisplays : new IdSet();
            IdSet test = keys.testDisplays != null ? keys.testDisplays : new IdSet();
            long orphans = keys.eventDisplays.countNotInEither(train, test);
            List<String> clickFiles = new ArrayList<>();
            if (keys.trainDisplays != null) {
                clickFiles.add(names.get(OutbrainFile.CLICKS_TRAIN.name()));
            }
            if (keys.testDisplays != null) {
                clickFiles.add(names.get(OutbrainFile.CLICKS_TEST.name()));
            }
            references.add(new ReferenceCheck(names.get(OutbrainFile.EVENTS.name()), "display_id",
                    String.join(" + ", clickFiles), "events whose display has no ads", orphans, orphans));
        }
        if (keys.trainDisplays != null && keys.testDisplays != null) {
            long both = keys.testDisplays.countIn(keys.trainDisplays);
            references.add(new ReferenceCheck(names.get(OutbrainFile.CLICKS_TEST.name()), "display_id",
                    "not " + names.get(OutbrainFile.CLICKS_TRAIN.name()),
                    "test displays that are also training displays", both, both));
        }

        List<String> missing = new ArrayList<>();
        for (OutbrainFile<?> file : OutbrainFile.all()) {
            if (!data.has(file)) {
                missing.add(file.name());
            }
        }
        List<String> shadowed = data.shadowed().stream().map(p -> p.getFileName().toString()).toList();
        return new InspectionReport(dir.toString(), files, references, missing, shadowed);
    }

    private static void register(OutbrainFile<?> file, Profiler<?> profiler, Keys keys) {
        if (profiler instanceof Profilers.Meta meta) {
            keys.metaDocuments = meta.document.values();
        } else if (profiler instanceof Profilers.Promoted promoted) {
            keys.promotedAds = promoted.ad.values();
        } else if (profiler instanceof Profilers.Events events) {
            keys.eventDisplays = events.display.values();
        } else if (profiler instanceof Profilers.ClicksTrain train) {
            keys.trainDisplays = train.display.values();
        } else if (profiler instanceof Profilers.ClicksTest test) {
            keys.testDisplays = test.display.values();
        }
    }

    private static Profiler<?> profilerFor(OutbrainFile<?> file, String fileName, Keys keys,
            Map<String, String> names) {
        if (file == OutbrainFile.CLICKS_TRAIN) {
            return new Profilers.ClicksTrain(fileName, keys, names);
        } else if (file == OutbrainFile.CLICKS_TEST) {
            return new Profilers.ClicksTest(fileName, keys, names);
        } else if (file == OutbrainFile.EVENTS) {
            return new Profilers.Events(fileName, keys, names);
        } else if (file == OutbrainFile.PAGE_VIEWS) {
            return new Profilers.PageViews(fileName, keys, names);
        } else if (file == OutbrainFile.PROMOTED_CONTENT) {
            return new Profilers.Promoted(fileName, keys, names);
        } else if (file == OutbrainFile.DOCUMENTS_META) {
            return new Profilers.Meta(fileName);
        } else if (file == OutbrainFile.DOCUMENTS_TOPICS) {
            return Profilers.topics(fileName, keys, names);
        } else if (file == OutbrainFile.DOCUMENTS_ENTITIES) {
            return new Profilers.Entities(fileName, keys, names);
        } else if (file == OutbrainFile.DOCUMENTS_CATEGORIES) {
            return Profilers.categories(fileName, keys, names);
        }
        throw new IllegalArgumentException("no profiler for " + file);
    }

    @SuppressWarnings("unchecked")
    private <T> FileReport inspectFile(Path path, OutbrainFile<T> file, Profiler<?> untyped) throws IOException {
        Profiler<T> profiler = (Profiler<T>) untyped;
        long bytes = Files.size(path);
        List<RejectEntry> rejects = new ArrayList<>();
        try (OutbrainReader<T> reader = OutbrainReader.open(path, file)) {
            while (reader.hasNext()) {
                CsvRow<T> row = reader.next();
                if (row instanceof CsvRow.Parsed<T> parsed) {
                    profiler.accept(parsed.value());
                } else if (row instanceof CsvRow.Rejected<T> rejected && rejects.size() < maxRejectsListed) {
                    rejects.add(new RejectEntry(rejected.line(), rejected.reason()));
                }
            }
            profiler.finish();
            return new FileReport(file.name(), bytes, reader.rows(), reader.rejected(), rejects, reader.blankLines(),
                    reader.coercedToNull(), profiler.columnStats(), profiler.countStats(), null);
        } catch (NotAnOutbrainFileException e) {
            profiler.references.clear();
            return new FileReport(file.name(), bytes, 0, 0, List.of(), 0, 0, Map.of(), Map.of(), e.getMessage());
        }
    }
}
