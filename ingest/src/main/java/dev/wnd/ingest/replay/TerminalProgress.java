package dev.wnd.ingest.replay;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Objects;

/**
 * A progress bar for a terminal: one line redrawn in place with the share read, records, records/s, ETA (from the
 * bytes still to read), event time and dead letters; at the end the summary of what was sent per topic and what was
 * rejected. Where the output is not a terminal, set {@code interactive} false to get a plain line every 10 seconds
 * instead.
 */
public final class TerminalProgress implements ProgressListener {

    private static final int BAR = 24;
    private static final long PLAIN_EVERY_NANOS = 10_000_000_000L;
    private static final DateTimeFormatter EVENT_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")
            .withZone(ZoneOffset.UTC);

    private final PrintStream out;
    private final boolean interactive;
    private long lastPlainNanos;
    private int lastWidth;

    /**
     * @param out where to draw, usually {@code System.err}
     * @param interactive whether {@code out} is a terminal that understands carriage returns
     */
    public TerminalProgress(PrintStream out, boolean interactive) {
        this.out = Objects.requireNonNull(out, "out");
        this.interactive = interactive;
    }

    /** A progress bar on {@code System.err}, redrawn in place when a console is attached. */
    public static TerminalProgress onStderr() {
        return new TerminalProgress(System.err, System.console() != null);
    }

    @Override
    public void onStart(ReplayStart start) {
        out.printf(Locale.ROOT, "Replaying %s (%s, %d event run%s)%s%n", String.join(", ", start.files().keySet()),
                bytes(start.bytesTotal()), start.eventRuns(), start.eventRuns() == 1 ? "" : "s",
                start.resumeFrom() > 0 ? String.format(Locale.ROOT, ", resuming after %,d records",
                        start.resumeFrom()) : "");
        if (!start.unusedFiles().isEmpty()) {
            out.println("Not read (displays need events.csv and a clicks file): "
                    + String.join(", ", start.unusedFiles()));
        }
    }

    @Override
    public void onProgress(ReplayProgress p) {
        String line = line(p);
        if (interactive) {
            String padded = line.length() < lastWidth ? line + " ".repeat(lastWidth - line.length()) : line;
            lastWidth = line.length();
            out.print("\r" + padded);
            out.flush();
        } else {
            long now = System.nanoTime();
            if (now - lastPlainNanos >= PLAIN_EVERY_NANOS) {
                lastPlainNanos = now;
                out.println(line);
            }
        }
    }

    /** The progress line, without carriage return. */
    static String line(ReplayProgress p) {
        double f = p.fraction();
        int filled = (int) Math.round(f * BAR);
        StringBuilder s = new StringBuilder();
        s.append('[').append("#".repeat(filled)).append(".".repeat(BAR - filled)).append(']');
        s.append(String.format(Locale.ROOT, " %5.1f%%", 100 * f));
        if (p.skipping()) {
            s.append(String.format(Locale.ROOT, "  skipping %,d already sent", p.position()));
            return s.toString();
        }
        s.append(String.format(Locale.ROOT, "  %,d records  %,.0f rec/s  ETA %s", p.sent(), p.recordsPerSecond(),
                p.eta() == null ? "--:--:--" : clock(p.eta())));
        if (p.streamTimeMs() > 0) {
            s.append("  at ").append(EVENT_TIME.format(Instant.ofEpochMilli(p.streamTimeMs())));
        }
        if (p.deadLetters() > 0) {
            s.append(String.format(Locale.ROOT, "  dead %,d", p.deadLetters()));
        }
        if (p.late() > 0) {
            s.append(String.format(Locale.ROOT, "  late %,d", p.late()));
        }
        return s.toString();
    }

    @Override
    public void onFinish(ReplaySummary summary) {
        if (interactive && lastWidth > 0) {
            out.println();
        }
        out.print(summary.toText());
        out.flush();
    }

    private static String clock(Duration d) {
        long s = Math.max(0, d.toSeconds());
        return String.format(Locale.ROOT, "%02d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }

    private static String bytes(long n) {
        if (n < 1024 * 1024) {
            return String.format(Locale.ROOT, "%,.1f KiB", n / 1024.0);
        }
        return String.format(Locale.ROOT, "%,.1f MiB", n / (1024.0 * 1024));
    }
}
