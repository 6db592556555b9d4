package dev.wnd.ingest.csv;

import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Lines of a plain, gzip or zip file as byte ranges of a reusable buffer: no per-line allocation. A line excludes its
 * {@code \n} and a trailing {@code \r}; a UTF-8 byte order mark before the first line is skipped. Lines longer than
 * {@link #MAX_LINE} bytes are cut there and flagged {@link #overlong()}; the rest of such a line is skipped.
 *
 * <p>Not thread-safe.
 */
final class LineSource implements Closeable {

    static final int MAX_LINE = 1 << 20;
    private static final int INITIAL_BUFFER = 1 << 18;

    private final Path path;
    private final FileChannel channel;
    private final CountingStream raw;
    private final InputStream in;
    private final long rawSize;

    private byte[] buf = new byte[INITIAL_BUFFER];
    private int pos;
    private int limit;
    private long bufferBase;
    private boolean eof;
    private boolean discardRest;

    private long lineNumber;
    private int lineStart;
    private int lineEnd;
    private boolean overlong;

    private LineSource(Path path, FileChannel channel, CountingStream raw, InputStream in, long rawSize) {
        this.path = path;
        this.channel = channel;
        this.raw = raw;
        this.in = in;
        this.rawSize = rawSize;
    }

    /** Opens {@code path}; the compression follows the name: {@code .gz} gzip, {@code .zip} the first .csv entry. */
    static LineSource open(Path path) throws IOException {
        String name = path.getFileName().toString();
        long size = Files.size(path);
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            if (name.endsWith(".gz")) {
                CountingStream raw = new CountingStream(Channels.newInputStream(channel));
                return new LineSource(path, null, raw, new GZIPInputStream(raw, 1 << 16), size);
            }
            if (name.endsWith(".zip")) {
                CountingStream raw = new CountingStream(Channels.newInputStream(channel));
                ZipInputStream zip = new ZipInputStream(raw);
                ZipEntry entry;
                while ((entry = zip.getNextEntry()) != null) {
                    String entryName = entry.getName();
                    if (!entry.isDirectory() && entryName.endsWith(".csv") && !entryName.startsWith("__MACOSX")) {
                        return new LineSource(path, null, raw, zip, size);
                    }
                }
                zip.close();
                throw new NotAnOutbrainFileException(name + " holds no .csv entry");
            }
            return new LineSource(path, channel, null, null, size);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    Path path() {
        return path;
    }

    boolean compressed() {
        return channel == null;
    }

    /** Size of the file on disk (compressed size for gzip and zip). */
    long rawSize() {
        return rawSize;
    }

    /** Bytes of the file on disk consumed so far (compressed bytes for gzip and zip). */
    long rawBytesRead() {
        if (channel != null) {
            try {
                return channel.isOpen() ? channel.position() : rawSize;
            } catch (IOException e) {
                return 0;
            }
        }
        return raw.count;
    }

    /**
     * Moves to the line numbered {@code line} (1-based), which starts at uncompressed byte {@code offset}: a seek for
     * plain files; for compressed files the lines before it are read and dropped.
     */
    void seek(long line, long offset) throws IOException {
        if (line <= lineNumber) {
            throw new IllegalArgumentException("cannot seek backwards to line " + line + " from line " + lineNumber);
        }
        if (channel != null) {
            channel.position(offset);
            pos = 0;
            limit = 0;
            bufferBase = offset;
            eof = false;
            discardRest = false;
            lineNumber = line - 1;
            return;
        }
        while (lineNumber < line - 1 && next()) {
            // skip
        }
    }

    /** Advances to the next line; {@code false} at the end of the file. */
    boolean next() throws IOException {
        if (discardRest) {
            discardRest = false;
            if (!skipToNewline()) {
                return false;
            }
        }
        while (true) {
            int nl = indexOfNewline(pos, limit);
            if (nl >= 0) {
                setLine(pos, nl, false);
                pos = nl + 1;
                return true;
            }
            if (eof) {
                if (pos < limit) {
                    setLine(pos, limit, false);
                    pos = limit;
                    return true;
                }
                return false;
            }
            if (pos == 0 && limit == buf.length) {
                if (buf.length >= MAX_LINE) {
                    setLine(0, limit, true);
                    pos = limit;
                    discardRest = true;
                    return true;
                }
                byte[] bigger = new byte[buf.length * 2];
                System.arraycopy(buf, 0, bigger, 0, limit);
                buf = bigger;
            }
            fill();
        }
    }

    private boolean skipToNewline() throws IOException {
        while (true) {
            int nl = indexOfNewline(pos, limit);
            if (nl >= 0) {
                pos = nl + 1;
                return true;
            }
            pos = limit;
            if (eof) {
                return false;
            }
            fill();
        }
    }

    private int indexOfNewline(int from, int to) {
        byte[] b = buf;
        for (int i = from; i < to; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private void setLine(int start, int end, boolean cut) {
        lineNumber++;
        if (!cut && end > start && buf[end - 1] == '\r') {
            end--;
        }
        if (lineNumber == 1 && end - start >= 3 && (buf[start] & 0xff) == 0xEF && (buf[start + 1] & 0xff) == 0xBB
                && (buf[start + 2] & 0xff) == 0xBF) {
            start += 3;
        }
        lineStart = start;
        lineEnd = end;
        overlong = cut;
    }

    /** Compacts the unread bytes to the front of the buffer and reads more. */
    private void fill() throws IOException {
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            bufferBase += pos;
            limit -= pos;
            pos = 0;
        }
        int n;
        if (channel != null) {
            n = channel.read(ByteBuffer.wrap(buf, limit, buf.length - limit));
        } else {
            n = in.read(buf, limit, buf.length - limit);
        }
        if (n < 0) {
            eof = true;
        } else {
            limit += n;
        }
    }

    byte[] buffer() {
        return buf;
    }

    int start() {
        return lineStart;
    }

    int end() {
        return lineEnd;
    }

    long lineNumber() {
        return lineNumber;
    }

    boolean overlong() {
        return overlong;
    }

    /** Uncompressed byte offset of the current line's first byte. */
    long lineOffset() {
        return bufferBase + lineStart;
    }

    /** The current line as text, cut to {@code max} characters. */
    String text(int max) {
        int len = Math.min(lineEnd - lineStart, max);
        return new String(buf, lineStart, len, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.close();
        } else {
            in.close();
        }
    }

    /** Counts the compressed bytes handed to the decompressor. */
    private static final class CountingStream extends FilterInputStream {
        long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count += skipped;
            return skipped;
        }
    }
}
