package dev.wnd.ingest.generate;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** A buffered writer of ASCII CSV text that formats numbers itself, without allocating per value. */
final class AsciiWriter implements Closeable {

    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final long[] POW10 = {1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L,
        100_000_000L, 1_000_000_000L, 10_000_000_000L, 100_000_000_000L, 1_000_000_000_000L};

    private final OutputStream out;
    private final byte[] buf = new byte[1 << 16];
    private final byte[] digits = new byte[20];
    private int n;
    private long rows;

    AsciiWriter(Path path) throws IOException {
        out = Files.newOutputStream(path);
    }

    /** Data rows ended with {@link #endRow()}. */
    long rows() {
        return rows;
    }

    private void ensure(int space) throws IOException {
        if (n + space > buf.length) {
            out.write(buf, 0, n);
            n = 0;
        }
    }

    AsciiWriter text(String s) throws IOException {
        ensure(s.length());
        for (int i = 0; i < s.length(); i++) {
            buf[n++] = (byte) s.charAt(i);
        }
        return this;
    }

    /** Writes a header line (not counted as a row). */
    void header(String header) throws IOException {
        text(header);
        ensure(1);
        buf[n++] = '\n';
    }

    AsciiWriter comma() throws IOException {
        ensure(1);
        buf[n++] = ',';
        return this;
    }

    void endRow() throws IOException {
        ensure(1);
        buf[n++] = '\n';
        rows++;
    }

    AsciiWriter num(long v) throws IOException {
        ensure(21);
        if (v < 0) {
            if (v == Long.MIN_VALUE) {
                return text(Long.toString(v));
            }
            buf[n++] = '-';
            v = -v;
        }
        int d = 0;
        do {
            digits[d++] = (byte) ('0' + (v % 10));
            v /= 10;
        } while (v != 0);
        while (d > 0) {
            buf[n++] = digits[--d];
        }
        return this;
    }

    /** {@code v} as {@code digits} lowercase hex digits (the low 4*digits bits). */
    AsciiWriter hex(long v, int count) throws IOException {
        ensure(count);
        for (int i = count - 1; i >= 0; i--) {
            buf[n++] = HEX[(int) (v >>> (4 * i)) & 0xf];
        }
        return this;
    }

    /** A number in [0, 10^6) rounded to {@code decimals} (at most 12) places, trailing zeros dropped but one kept. */
    AsciiWriter fixed(double v, int decimals) throws IOException {
        if (!(v >= 0 && v < 1e6) || decimals < 1 || decimals > 12) {
            throw new IllegalArgumentException("cannot format " + v + " with " + decimals + " decimals");
        }
        long scaled = Math.round(v * POW10[decimals]);
        long whole = scaled / POW10[decimals];
        long fraction = scaled % POW10[decimals];
        num(whole);
        ensure(decimals + 1);
        buf[n++] = '.';
        int keep = decimals;
        while (keep > 1 && fraction % 10 == 0) {
            fraction /= 10;
            keep--;
        }
        for (int i = keep - 1; i >= 0; i--) {
            buf[n++] = (byte) ('0' + (fraction / POW10[i]) % 10);
        }
        return this;
    }

    @Override
    public void close() throws IOException {
        try {
            out.write(buf, 0, n);
            n = 0;
        } finally {
            out.close();
        }
    }
}
