package dev.wnd.ingest.replay;

import dev.wnd.features.spec.EventTime;
import dev.wnd.ingest.csv.CsvRow;
import dev.wnd.ingest.csv.DataDirectory;
import dev.wnd.ingest.csv.OutbrainFile;
import dev.wnd.ingest.csv.OutbrainReader;
import dev.wnd.schemas.avro.DocumentCategory;
import dev.wnd.schemas.avro.DocumentEntity;
import dev.wnd.schemas.avro.DocumentMeta;
import dev.wnd.schemas.avro.DocumentTopic;
import dev.wnd.schemas.avro.PromotedContent;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.function.Function;

/**
 * The whole data directory as ONE deterministic stream of records, in the order a replay produces them.
 *
 * <ol>
 *   <li>Dimension files, each in file order: promoted_content, documents_meta, documents_topics, documents_entities,
 *       documents_categories, with record timestamp {@link OutbrainFile#EventTime.EPOCH_BASE_MS}{@code - 1} so that they
 *       precede every event.</li>
 *   <li>Then, merged in event time: page views; displays (events.csv rows merge-joined with their clicks_train ads)
 *       and score requests (those joined with clicks_test ads); and label releases, {@code labelDelay} after their
 *       display. Ties go by (timestamp, kind: label &lt; page view &lt; display or request, then line in the file).</li>
 * </ol>
 *
 * Rows that do not parse and displays that cannot be built become {@link Channel#DEAD_LETTERS} records, sent as soon
 * as they are met (they take no part in the time order).
 *
 * <p>Memory is bounded: each time-ordered source (page views, and each run of events.csv, see
 * {@link StreamOptions#maxEventRuns()}) is read with its own cursor, and the merge holds only records within
 * {@link StreamOptions#reorderBound()} of the slowest source plus {@code labelDelay} of labels. A record that comes
 * later than the bound allows is sent at once and counted in {@link #late()}.
 *
 * <p>Displays need events.csv and at least one clicks file; without them those files are not read and are listed in
 * {@link #unusedFiles()}. Opening reads events.csv and the clicks files once to plan the cursors.
 *
 * <p>Not thread-safe. I/O errors surface as {@link UncheckedIOException}.
 */
public final class ReplayStream implements Iterator<StreamRecord>, Closeable {

    private static final long DIMENSION_TIMESTAMP = EventTime.EPOCH_BASE_MS - 1;

    private final DataDirectory data;
    private final StreamOptions options;
    private final long bytesTotal;
    private final List<String> unused = new ArrayList<>();
    private final Iterator<Dimension<?>> dimensions;
    private Dimension<?> dimension;
    private final List<TimedSource> sources = new ArrayList<>();
    private final List<TimedSource> live = new ArrayList<>();
    private final StreamPlan plan;
    private boolean timedOpened;

    private final PriorityQueue<Pending> pending = new PriorityQueue<>();
    private final ArrayDeque<StreamRecord> deadLetters = new ArrayDeque<>();
    private final Emitter emitter = new Emitter() {
        @Override
        public void timed(long timestamp, int kind, long line, StreamRecord record) {
            pending.add(new Pending(timestamp, kind, line, sequence++, record));
        }

        @Override
        public void deadLetter(String cause, StreamRecord record) {
            deadLetters.add(record);
            deadLettersByCause.merge(cause, 1L, Long::sum);
            if (cause.equals(DeadLetters.REJECTED_ROW)) {
                rejectedByFile.merge((String) record.key(), 1L, Long::sum);
            }
        }
    };

    private StreamRecord next;
    private long sequence;
    private long lastTimestamp = Long.MIN_VALUE;
    private int lastKind;
    private long lastLine;
    private long late;
    private long closedBytes;
    private final Map<Channel, Long> emitted = new EnumMap<>(Channel.class);
    private final Map<String, Long> deadLettersByCause = new LinkedHashMap<>();
    private final Map<String, Long> rejectedByFile = new LinkedHashMap<>();

    private ReplayStream(DataDirectory data, StreamOptions options) throws IOException {
        this.data = data;
        this.options = options;
        List<Dimension<?>> dims = new ArrayList<>();
        addDimension(dims, OutbrainFile.PROMOTED_CONTENT, Channel.PROMOTED_CONTENT, PromotedContent::getAdId);
        addDimension(dims, OutbrainFile.DOCUMENTS_META, Channel.DOCUMENTS_META, DocumentMeta::getDocumentId);
        addDimension(dims, OutbrainFile.DOCUMENTS_TOPICS, Channel.DOCUMENTS_TOPICS, DocumentTopic::getDocumentId);
        addDimension(dims, OutbrainFile.DOCUMENTS_ENTITIES, Channel.DOCUMENTS_ENTITIES,
                DocumentEntity::getDocumentId);
        addDimension(dims, OutbrainFile.DOCUMENTS_CATEGORIES, Channel.DOCUMENTS_CATEGORIES,
                DocumentCategory::getDocumentId);
        dimensions = dims.iterator();

        Path events = data.files().get(OutbrainFile.EVENTS);
        Path train = data.files().get(OutbrainFile.CLICKS_TRAIN);
        Path test = data.files().get(OutbrainFile.CLICKS_TEST);
        boolean joinable = events != null && (train != null || test != null);
        if (!joinable) {
            for (Path p : new Path[] {events, train, test}) {
                if (p != null) {
                    unused.add(p.getFileName().toString());
                }
            }
        }
        long total = 0;
        for (Map.Entry<OutbrainFile<?>, Path> e : data.files().entrySet()) {
            if (!unused.contains(e.getValue().getFileName().toString())) {
                total += Files.size(e.getValue());
            }
        }
        bytesTotal = total;
        for (Map.Entry<OutbrainFile<?>, Path> e : data.files().entrySet()) {
            OutbrainReader.open(e.getValue(), e.getKey()).close();
        }
        plan = joinable ? StreamPlan.scan(events, train, test, options) : null;
    }

    /**
     * Opens the stream over the Outbrain files in {@code dataDir} (any subset of the nine), checking every file's
     * header first.
     *
     * @throws dev.wnd.ingest.csv.NotAnOutbrainFileException when a file's header is wrong
     */
    public static ReplayStream open(Path dataDir, StreamOptions options) throws IOException {
        Objects.requireNonNull(options, "options");
        return new ReplayStream(DataDirectory.scan(dataDir), options);
    }

    private <T> void addDimension(List<Dimension<?>> dims, OutbrainFile<T> file, Channel channel,
            Function<T, Long> key) {
        Path path = data.files().get(file);
        if (path != null) {
            dims.add(new Dimension<>(path, file, channel, key));
        }
    }

    /** The files of the data directory this stream reads, by Kaggle base name. */
    public Map<String, Path> files() {
        Map<String, Path> files = new LinkedHashMap<>();
        data.files().forEach((f, p) -> {
            if (!unused.contains(p.getFileName().toString())) {
                files.put(f.name(), p);
            }
        });
        return files;
    }

    /** Files present but not read because displays need both events.csv and a clicks file. */
    public List<String> unusedFiles() {
        return Collections.unmodifiableList(unused);
    }

    /** How many time-ordered runs events.csv was cut into (0 without displays). */
    public int eventRuns() {
        return plan == null ? 0 : plan.runs.size();
    }

    @Override
    public boolean hasNext() {
        if (next == null) {
            try {
                next = advance();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return next != null;
    }

    @Override
    public StreamRecord next() {
        if (!hasNext()) {
            throw new NoSuchElementException("the replay stream is exhausted");
        }
        StreamRecord record = next;
        next = null;
        emitted.merge(record.channel(), 1L, Long::sum);
        return record;
    }

    private StreamRecord advance() throws IOException {
        while (true) {
            if (!deadLetters.isEmpty()) {
                return deadLetters.poll();
            }
            if (dimension != null || dimensions.hasNext()) {
                if (dimension == null) {
                    dimension = dimensions.next();
                    dimension.open();
                }
                StreamRecord record = dimension.next(emitter);
                if (record != null) {
                    return record;
                }
                if (deadLetters.isEmpty()) {
                    closedBytes += dimension.bytesRead();
                    dimension.close();
                    dimension = null;
                }
                continue;
            }
            if (!timedOpened) {
                openTimedSources();
            }
            TimedSource slowest = null;
            long watermark = Long.MAX_VALUE;
            for (TimedSource source : live) {
                long bound = lowerBound(source);
                if (slowest == null || bound < watermark) {
                    slowest = source;
                    watermark = bound;
                }
            }
            Pending top = pending.peek();
            if (top != null && (slowest == null || top.timestamp < watermark)) {
                pending.poll();
                countLate(top);
                return top.record;
            }
            if (slowest == null) {
                return null;
            }
            if (!slowest.pull(emitter)) {
                live.remove(slowest);
                closedBytes += slowest.bytesRead();
                slowest.close();
            }
        }
    }

    private long lowerBound(TimedSource source) {
        long max = source.maxTimestamp();
        return max == Long.MIN_VALUE ? Long.MIN_VALUE : max - options.reorderBound().toMillis();
    }

    private void countLate(Pending p) {
        boolean isLate = p.timestamp < lastTimestamp
                || (p.timestamp == lastTimestamp && (p.kind < lastKind || (p.kind == lastKind && p.line < lastLine)));
        if (isLate) {
            late++;
            return;
        }
        lastTimestamp = p.timestamp;
        lastKind = p.kind;
        lastLine = p.line;
    }

    private void openTimedSources() throws IOException {
        timedOpened = true;
        Path views = data.files().get(OutbrainFile.PAGE_VIEWS);
        if (views != null) {
            sources.add(new PageViewSource(views));
        }
        if (plan != null) {
            Path events = data.files().get(OutbrainFile.EVENTS);
            Path train = data.files().get(OutbrainFile.CLICKS_TRAIN);
            Path test = data.files().get(OutbrainFile.CLICKS_TEST);
            for (int r = 0; r < plan.runs.size(); r++) {
                sources.add(new DisplayJoin(events, plan.runs.get(r), train,
                        train == null ? null : plan.trainSegments.get(r), test,
                        test == null ? null : plan.testSegments.get(r), options.labelDelay().toMillis()));
            }
        }
        live.addAll(sources);
    }

    /** Records emitted so far per channel. */
    public Map<Channel, Long> emitted() {
        return Collections.unmodifiableMap(new EnumMap<>(emitted));
    }

    /** Records emitted so far. */
    public long emittedTotal() {
        return emitted.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Timed records that came later than the reorder bound allowed and were sent out of order. */
    public long late() {
        return late;
    }

    /** Dead letters so far by cause ({@code rejected_row, click_without_event, event_without_ads, ...}). */
    public Map<String, Long> deadLettersByCause() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(deadLettersByCause));
    }

    /** Rows rejected by the readers so far, by file name. */
    public Map<String, Long> rejectedByFile() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(rejectedByFile));
    }

    /** Relative timestamp (CSV ms) of the last timed record emitted in order; {@link Long#MIN_VALUE} before. */
    public long streamTime() {
        return lastTimestamp;
    }

    /** Bytes of the input files consumed so far (compressed bytes for compressed files). */
    public long bytesRead() {
        long open = dimension == null ? 0 : dimension.bytesRead();
        for (TimedSource source : live) {
            open += source.bytesRead();
        }
        return closedBytes + open;
    }

    /** Size of the input files the stream reads. */
    public long bytesTotal() {
        return bytesTotal;
    }

    @Override
    public void close() throws IOException {
        IOException failure = null;
        List<Closeable> open = new ArrayList<>(live);
        if (dimension != null) {
            open.add(dimension);
        }
        for (Closeable c : open) {
            try {
                c.close();
            } catch (IOException e) {
                failure = failure == null ? e : failure;
            }
        }
        live.clear();
        dimension = null;
        if (failure != null) {
            throw failure;
        }
    }

    /** A record waiting in the merge, ordered by (timestamp, kind, line, arrival). */
    private record Pending(long timestamp, int kind, long line, long sequence, StreamRecord record)
            implements Comparable<Pending> {
        @Override
        public int compareTo(Pending o) {
            int c = Long.compare(timestamp, o.timestamp);
            if (c == 0) {
                c = Integer.compare(kind, o.kind);
            }
            if (c == 0) {
                c = Long.compare(line, o.line);
            }
            return c != 0 ? c : Long.compare(sequence, o.sequence);
        }
    }

    /** One dimension file read in file order. */
    private static final class Dimension<T> implements Closeable {
        private final Path path;
        private final OutbrainFile<T> file;
        private final Channel channel;
        private final Function<T, Long> key;
        private OutbrainReader<T> reader;

        Dimension(Path path, OutbrainFile<T> file, Channel channel, Function<T, Long> key) {
            this.path = path;
            this.file = file;
            this.channel = channel;
            this.key = key;
        }

        void open() throws IOException {
            reader = OutbrainReader.open(path, file);
        }

        /** The next record, or null at the end (rejects go to {@code out} as dead letters and null is returned). */
        StreamRecord next(Emitter out) {
            if (!reader.hasNext()) {
                return null;
            }
            CsvRow<T> row = reader.next();
            if (row instanceof CsvRow.Parsed<T> parsed) {
                return new StreamRecord(channel, key.apply(parsed.value()), parsed.value(), DIMENSION_TIMESTAMP);
            }
            CsvRow.Rejected<T> r = (CsvRow.Rejected<T>) row;
            out.deadLetter(DeadLetters.REJECTED_ROW, DeadLetters.of(r.file(), r.line(), r.reason(), r.text()));
            return null;
        }

        long bytesRead() {
            return reader == null ? 0 : reader.bytesRead();
        }

        @Override
        public void close() throws IOException {
            if (reader != null) {
                reader.close();
            }
        }
    }
}
