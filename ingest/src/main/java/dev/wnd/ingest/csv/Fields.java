package dev.wnd.ingest.csv;

import java.nio.charset.StandardCharsets;

/**
 * The comma-separated fields of one line, as byte ranges of the line buffer, with hand-written parsers that either
 * return a value or throw a {@link RowRejection} naming the column. The Outbrain files have no quoting, so a comma
 * always separates fields.
 *
 * <p>Reused from line to line; not thread-safe.
 */
final class Fields {

    private static final int MAX_SHOWN = 40;
    private static final double[] POW10 = new double[23];

    static {
        double p = 1;
        for (int i = 0; i < POW10.length; i++) {
            POW10[i] = p;
            p *= 10;
        }
    }

    private final int[] starts;
    private final int[] ends;
    private final StringCache cache = new StringCache(4096);
    private byte[] buf;
    private int count;
    private long coerced;

    Fields(int maxFields) {
        starts = new int[maxFields];
        ends = new int[maxFields];
    }

    /**
     * Splits {@code [start, end)} of {@code line} on commas.
     *
     * @return the number of fields found; when it exceeds the capacity only the first ones are kept
     */
    int split(byte[] line, int start, int end) {
        buf = line;
        int n = 0;
        int capacity = starts.length;
        int fieldStart = start;
        for (int i = start; i < end; i++) {
            if (line[i] == ',') {
                if (n < capacity) {
                    starts[n] = fieldStart;
                    ends[n] = i;
                }
                n++;
                fieldStart = i + 1;
            }
        }
        if (n < capacity) {
            starts[n] = fieldStart;
            ends[n] = end;
        }
        count = n + 1;
        return count;
    }

    int count() {
        return count;
    }

    /** Values read as null because they could not be parsed (only where the schema says so). */
    long coerced() {
        return coerced;
    }

    boolean isEmpty(int i) {
        return starts[i] == ends[i];
    }

    long requiredLong(int i, String column) {
        int s = starts[i];
        int e = ends[i];
        if (s == e) {
            throw new RowRejection(column + ": missing");
        }
        return parseLong(s, e, column);
    }

    Long optionalLong(int i, String column) {
        return starts[i] == ends[i] ? null : parseLong(starts[i], ends[i], column);
    }

    int requiredInt(int i, String column) {
        return toInt(requiredLong(i, column), i, column);
    }

    /** An int that may be empty or MySQL's {@code \N}: both read as null. */
    Integer optionalInt(int i, String column) {
        int s = starts[i];
        int e = ends[i];
        if (s == e || (e - s == 2 && buf[s] == '\\' && buf[s + 1] == 'N')) {
            return null;
        }
        return toInt(parseLong(s, e, column), i, column);
    }

    private int toInt(long v, int i, String column) {
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new RowRejection(column + ": out of int range: '" + shown(i) + "'");
        }
        return (int) v;
    }

    private long parseLong(int s, int e, String column) {
        int p = s;
        boolean negative = false;
        byte first = buf[p];
        if (first == '-' || first == '+') {
            negative = first == '-';
            p++;
            if (p == e) {
                throw notInteger(s, e, column);
            }
        }
        long v = 0;
        if (e - p <= 18) {
            for (; p < e; p++) {
                int d = buf[p] - '0';
                if (d < 0 || d > 9) {
                    throw notInteger(s, e, column);
                }
                v = v * 10 + d;
            }
            return negative ? -v : v;
        }
        try {
            for (; p < e; p++) {
                int d = buf[p] - '0';
                if (d < 0 || d > 9) {
                    throw notInteger(s, e, column);
                }
                v = Math.addExact(Math.multiplyExact(v, 10), negative ? -d : d);
            }
        } catch (ArithmeticException overflow) {
            throw new RowRejection(column + ": out of long range: '" + shown(s, e) + "'");
        }
        return v;
    }

    private RowRejection notInteger(int s, int e, String column) {
        return new RowRejection(column + ": not an integer: '" + shown(s, e) + "'");
    }

    /**
     * A finite decimal number. Up to 15 significant digits without exponent (every confidence in the Outbrain files)
     * are converted exactly by one correctly rounded division; anything else goes through
     * {@link Double#parseDouble} after a character check.
     */
    double requiredDouble(int i, String column) {
        int s = starts[i];
        int e = ends[i];
        if (s == e) {
            throw new RowRejection(column + ": missing");
        }
        int p = s;
        boolean negative = buf[p] == '-';
        if (negative || buf[p] == '+') {
            p++;
        }
        long mantissa = 0;
        int digits = 0;
        int fraction = -1;
        boolean anyDigit = false;
        boolean simple = p < e;
        for (; p < e; p++) {
            byte c = buf[p];
            if (c >= '0' && c <= '9') {
                anyDigit = true;
                if (mantissa != 0 || c != '0') {
                    digits++;
                }
                mantissa = mantissa * 10 + (c - '0');
                if (fraction >= 0) {
                    fraction++;
                }
                if (digits > 15 || fraction > 22) {
                    simple = false;
                    break;
                }
            } else if (c == '.' && fraction < 0) {
                fraction = 0;
            } else {
                simple = false;
                break;
            }
        }
        if (simple && anyDigit) {
            double v = fraction > 0 ? mantissa / POW10[fraction] : mantissa;
            return negative ? -v : v;
        }
        return slowDouble(s, e, column);
    }

    private double slowDouble(int s, int e, String column) {
        boolean digit = false;
        for (int p = s; p < e; p++) {
            byte c = buf[p];
            if (c >= '0' && c <= '9') {
                digit = true;
            } else if (c != '.' && c != '-' && c != '+' && c != 'e' && c != 'E') {
                throw new RowRejection(column + ": not a number: '" + shown(s, e) + "'");
            }
        }
        if (!digit) {
            throw new RowRejection(column + ": not a number: '" + shown(s, e) + "'");
        }
        try {
            double v = Double.parseDouble(new String(buf, s, e - s, StandardCharsets.US_ASCII));
            if (Double.isInfinite(v)) {
                throw new RowRejection(column + ": out of double range: '" + shown(s, e) + "'");
            }
            return v;
        } catch (NumberFormatException bad) {
            throw new RowRejection(column + ": not a number: '" + shown(s, e) + "'");
        }
    }

    String requiredString(int i, String column) {
        int s = starts[i];
        int e = ends[i];
        if (s == e) {
            throw new RowRejection(column + ": missing");
        }
        return new String(buf, s, e - s, StandardCharsets.UTF_8);
    }

    /** A low-cardinality string (geo locations): empty reads as null, equal values share one String instance. */
    String optionalCachedString(int i) {
        int s = starts[i];
        int e = ends[i];
        return s == e ? null : cache.get(buf, s, e);
    }

    /**
     * {@code yyyy-MM-dd HH:mm:ss} (or {@code yyyy-MM-dd}) as epoch ms UTC; empty reads as null, and so does a value
     * that is not such a date (counted in {@link #coerced()}), as the DocumentMeta schema says.
     */
    Long optionalDateTime(int i) {
        int s = starts[i];
        int e = ends[i];
        if (s == e) {
            return null;
        }
        long ms = parseDateTime(buf, s, e);
        if (ms == Long.MIN_VALUE) {
            coerced++;
            return null;
        }
        return ms;
    }

    /** Epoch ms UTC of {@code yyyy-MM-dd[ HH:mm:ss]} in {@code [s, e)}, or {@link Long#MIN_VALUE} if it is not one. */
    static long parseDateTime(byte[] b, int s, int e) {
        int len = e - s;
        if (len != 10 && len != 19) {
            return Long.MIN_VALUE;
        }
        int year = digits(b, s, 4);
        int month = digits(b, s + 5, 2);
        int day = digits(b, s + 8, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || b[s + 4] != '-' || b[s + 7] != '-'
                || day > daysInMonth(year, month)) {
            return Long.MIN_VALUE;
        }
        int hour = 0;
        int minute = 0;
        int second = 0;
        if (len == 19) {
            hour = digits(b, s + 11, 2);
            minute = digits(b, s + 14, 2);
            second = digits(b, s + 17, 2);
            if (b[s + 10] != ' ' || b[s + 13] != ':' || b[s + 16] != ':' || hour < 0 || hour > 23 || minute < 0
                    || minute > 59 || second < 0 || second > 59) {
                return Long.MIN_VALUE;
            }
        }
        long days = daysFromCivil(year, month, day);
        return ((days * 24 + hour) * 60 + minute) * 60_000L + second * 1000L;
    }

    private static int digits(byte[] b, int s, int n) {
        int v = 0;
        for (int p = s; p < s + n; p++) {
            int d = b[p] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }

    private static int daysInMonth(int year, int month) {
        return switch (month) {
            case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
    static long daysFromCivil(int year, int month, int day) {
        long y = month <= 2 ? year - 1 : year;
        long era = Math.floorDiv(y, 400);
        long yoe = y - era * 400;
        long doy = (153L * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146_097 + doe - 719_468;
    }

    String shown(int i) {
        return shown(starts[i], ends[i]);
    }

    private String shown(int s, int e) {
        int len = Math.min(e - s, MAX_SHOWN);
        String text = new String(buf, s, len, StandardCharsets.UTF_8);
        return e - s > MAX_SHOWN ? text + "..." : text;
    }

    /** A direct-mapped cache of short strings by their bytes. */
    private static final class StringCache {
        private final byte[][] keys;
        private final String[] values;
        private final int mask;

        StringCache(int size) {
            keys = new byte[size][];
            values = new String[size];
            mask = size - 1;
        }

        String get(byte[] b, int s, int e) {
            int h = 1;
            for (int p = s; p < e; p++) {
                h = 31 * h + b[p];
            }
            int slot = (h ^ (h >>> 16)) & mask;
            byte[] key = keys[slot];
            if (key != null && key.length == e - s && java.util.Arrays.equals(key, 0, key.length, b, s, e)) {
                return values[slot];
            }
            byte[] copy = java.util.Arrays.copyOfRange(b, s, e);
            String value = new String(copy, StandardCharsets.UTF_8);
            keys[slot] = copy;
            values[slot] = value;
            return value;
        }
    }
}
