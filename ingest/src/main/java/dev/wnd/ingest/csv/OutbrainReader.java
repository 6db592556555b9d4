package dev.wnd.ingest.csv;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Streams the data lines of one Outbrain CSV file as {@link CsvRow}s, in file order and in constant memory.
 *
 * <p>Opening reads and checks the header line (a {@link NotAnOutbrainFileException} names the file, the header found
 * and the one expected). Each later line becomes a {@link CsvRow.Parsed} record or a {@link CsvRow.Rejected} with its
 * 1-based line number (the header is line 1) and the reason; blank lines are skipped and counted. A line is rejected
 * only when it cannot be read into the file's record: wrong number of fields, a number that does not parse or does
 * not fit, a required field that is empty, {@code clicked} other than 0 or 1, a line over 1 MiB.
 *
 * <p>Not thread-safe: one reader per thread. I/O errors surface as {@link UncheckedIOException}.
 *
 * @param <T> the file's record type
 */
public final class OutbrainReader<T> implements Iterator<CsvRow<T>>, Closeable {

    private final Path path;
    private final String fileName;
    private final OutbrainFile<T> file;
    private final LineSource lines;
    private final Fields fields;
    private final int expectedFields;
    private final OutbrainFile.RowParser<T> parser;

    private CsvRow<T> pending;
    private boolean done;
    private long line;
    private long lineOffset;
    private long rows;
    private long rejected;
    private long blank;
    private long startRawBytes;

    private OutbrainReader(Path path, OutbrainFile<T> file, LineSource lines) {
        this.path = path;
        this.fileName = path.getFileName().toString();
        this.file = file;
        this.lines = lines;
        this.expectedFields = file.columns().size();
        this.fields = new Fields(expectedFields + 1);
        this.parser = file.parser();
    }

    /**
     * Opens {@code path} as {@code file} and checks its header.
     *
     * @throws NotAnOutbrainFileException when the file is empty or its header is not {@code file}'s
     */
    public static <T> OutbrainReader<T> open(Path path, OutbrainFile<T> file) throws IOException {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(file, "file");
        LineSource lines = LineSource.open(path);
        try {
            checkHeader(path, file, lines);
        } catch (IOException | RuntimeException e) {
            lines.close();
            throw e;
        }
        OutbrainReader<T> reader = new OutbrainReader<>(path, file, lines);
        reader.startRawBytes = 0;
        return reader;
    }

    /**
     * Opens {@code path} as the file its name denotes (see {@link OutbrainFile#forFileName}).
     *
     * @throws NotAnOutbrainFileException when the name is not an Outbrain file name or the header does not match
     */
    public static OutbrainReader<?> open(Path path) throws IOException {
        String name = path.getFileName().toString();
        OutbrainFile<?> file = OutbrainFile.forFileName(name).orElseThrow(() -> new NotAnOutbrainFileException(
                name + " is not named like an Outbrain file (events.csv, clicks_train.csv.gz, ...)"));
        return open(path, file);
    }

    /**
     * Opens {@code path} as {@code file} and continues at line {@code line} (≥ 2), which starts at uncompressed byte
     * {@code offset} (as reported by {@link #lineOffset()} of an earlier reader). Plain files seek there; compressed
     * files read and drop the lines before it. The header is checked as by {@link #open(Path, OutbrainFile)}.
     */
    public static <T> OutbrainReader<T> openAt(Path path, OutbrainFile<T> file, long line, long offset)
            throws IOException {
        if (line < 2) {
            throw new IllegalArgumentException("data lines start at line 2, asked for " + line);
        }
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0, was " + offset);
        }
        OutbrainReader<T> reader = open(path, file);
        try {
            if (line > 2) {
                reader.lines.seek(line, offset);
            }
        } catch (IOException | RuntimeException e) {
            reader.close();
            throw e;
        }
        reader.line = line - 1;
        reader.startRawBytes = reader.lines.rawBytesRead();
        return reader;
    }

    private static void checkHeader(Path path, OutbrainFile<?> file, LineSource lines) throws IOException {
        String name = path.getFileName().toString();
        if (!lines.next()) {
            throw new NotAnOutbrainFileException(name + " is empty: expected the " + file.name() + " header '"
                    + file.header() + "'");
        }
        String found = lines.text(200);
        if (!found.equals(file.header())) {
            throw new NotAnOutbrainFileException(name + " is not an Outbrain " + file.name() + " file: its header is '"
                    + found + "', expected '" + file.header() + "'");
        }
    }

    @Override
    public boolean hasNext() {
        if (pending != null) {
            return true;
        }
        if (done) {
            return false;
        }
        try {
            pending = read();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + fileName + " after line " + line + ": " + e.getMessage(), e);
        }
        done = pending == null;
        return !done;
    }

    @Override
    public CsvRow<T> next() {
        if (!hasNext()) {
            throw new NoSuchElementException(fileName + " has no more lines");
        }
        CsvRow<T> row = pending;
        pending = null;
        return row;
    }

    private CsvRow<T> read() throws IOException {
        while (lines.next()) {
            int start = lines.start();
            int end = lines.end();
            line = lines.lineNumber();
            lineOffset = lines.lineOffset();
            if (start == end) {
                blank++;
                continue;
            }
            if (lines.overlong()) {
                return reject("line longer than " + LineSource.MAX_LINE + " bytes");
            }
            int n = fields.split(lines.buffer(), start, end);
            if (n != expectedFields) {
                return reject("expected " + expectedFields + " fields (" + file.header() + "), found " + n);
            }
            try {
                T value = parser.parse(fields);
                rows++;
                return new CsvRow.Parsed<>(line, value);
            } catch (RowRejection r) {
                return reject(r.getMessage());
            }
        }
        return null;
    }

    private CsvRow<T> reject(String reason) {
        rejected++;
        return new CsvRow.Rejected<>(fileName, line, reason, lines.text(CsvRow.Rejected.MAX_TEXT));
    }

    /** A sequential stream over the remaining rows; closing the stream closes this reader. */
    public Stream<CsvRow<T>> stream() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(this,
                Spliterator.ORDERED | Spliterator.NONNULL), false).onClose(this::closeQuietly);
    }

    private void closeQuietly() {
        try {
            close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Which of the nine files this is. */
    public OutbrainFile<T> file() {
        return file;
    }

    /** The path read. */
    public Path path() {
        return path;
    }

    /** The file's name on disk, as used in rejects. */
    public String fileName() {
        return fileName;
    }

    /** Line number of the row last returned (1 before the first data row). */
    public long line() {
        return line;
    }

    /** Uncompressed byte offset where the line of the row last returned starts; with {@link #line()} for openAt. */
    public long lineOffset() {
        return lineOffset;
    }

    /** Data rows parsed so far. */
    public long rows() {
        return rows;
    }

    /** Data rows rejected so far. */
    public long rejected() {
        return rejected;
    }

    /** Blank lines skipped so far. */
    public long blankLines() {
        return blank;
    }

    /** Values read as null because they did not parse where the schema allows that (publish_time). */
    public long coercedToNull() {
        return fields.coerced();
    }

    /** Bytes of the file on disk consumed by this reader (compressed bytes for .gz and .zip), since it was opened. */
    public long bytesRead() {
        return lines.rawBytesRead() - startRawBytes;
    }

    /** Size of the file on disk. */
    public long sizeBytes() {
        return lines.rawSize();
    }

    @Override
    public void close() throws IOException {
        done = true;
        pending = null;
        lines.close();
    }
}
