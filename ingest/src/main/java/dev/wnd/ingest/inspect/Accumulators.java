package dev.wnd.ingest.inspect;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** The per-column accumulators of an inspection; none is thread-safe. */
final class Accumulators {

    private Accumulators() {
    }

    /** Something that ends up as a {@link ColumnStats}. */
    interface Column {
        ColumnStats stats();
    }

    /** Min, max and nulls of a long column, with an exact distinct count when asked for. */
    static final class LongColumn implements Column {
        private long min = Long.MAX_VALUE;
        private long max = Long.MIN_VALUE;
        private long count;
        private long nulls;
        private final IdSet distinct;

        LongColumn(boolean exactDistinct) {
            distinct = exactDistinct ? new IdSet() : null;
        }

        void add(long v) {
            if (v < min) {
                min = v;
            }
            if (v > max) {
                max = v;
            }
            count++;
            if (distinct != null) {
                distinct.add(v);
            }
        }

        void add(Long v) {
            if (v == null) {
                nulls++;
            } else {
                add(v.longValue());
            }
        }

        /** The distinct values seen; only for columns built with exact distinct counting. */
        IdSet values() {
            return distinct;
        }

        @Override
        public ColumnStats stats() {
            return new ColumnStats(count == 0 ? null : min, count == 0 ? null : max, nulls,
                    distinct == null ? null : distinct.size(), null);
        }
    }

    /** Min, max and nulls of a double column. */
    static final class DoubleColumn implements Column {
        private double min = Double.POSITIVE_INFINITY;
        private double max = Double.NEGATIVE_INFINITY;
        private long count;

        void add(double v) {
            min = Math.min(min, v);
            max = Math.max(max, v);
            count++;
        }

        @Override
        public ColumnStats stats() {
            return new ColumnStats(count == 0 ? null : min, count == 0 ? null : max, 0, null, null);
        }
    }

    /** Nulls and approximate distinct count of a string column. */
    static final class StringColumn implements Column {
        private final HyperLogLog distinct = new HyperLogLog();
        private long nulls;

        void add(String v) {
            if (v == null) {
                nulls++;
            } else {
                distinct.add(v);
            }
        }

        @Override
        public ColumnStats stats() {
            return new ColumnStats(null, null, nulls, null, distinct.estimate());
        }
    }

    /** Counts of small ints (0..63 in an array, others in a map) and nulls; keys come out sorted numerically. */
    static final class IntCounter {
        private final long[] small = new long[64];
        private final Map<Integer, Long> other = new HashMap<>();
        private long nulls;

        void add(int v) {
            if (v >= 0 && v < small.length) {
                small[v]++;
            } else {
                other.merge(v, 1L, Long::sum);
            }
        }

        void add(Integer v) {
            if (v == null) {
                nulls++;
            } else {
                add(v.intValue());
            }
        }

        Map<String, Long> counts() {
            TreeMap<Integer, Long> sorted = new TreeMap<>(other);
            for (int i = 0; i < small.length; i++) {
                if (small[i] > 0) {
                    sorted.put(i, small[i]);
                }
            }
            Map<String, Long> out = new LinkedHashMap<>();
            sorted.forEach((k, v) -> out.put(Integer.toString(k), v));
            if (nulls > 0) {
                out.put("null", nulls);
            }
            return out;
        }
    }

    /** Counts of a few named classes. */
    static final class NamedCounter {
        private final Map<String, Long> counts = new LinkedHashMap<>();

        NamedCounter(String... names) {
            for (String name : names) {
                counts.put(name, 0L);
            }
        }

        void add(String name) {
            counts.merge(name, 1L, Long::sum);
        }

        void add(String name, long n) {
            counts.merge(name, n, Long::sum);
        }

        Map<String, Long> counts() {
            return new LinkedHashMap<>(counts);
        }
    }

    /** Rows of one file whose value in one column is not in another file's ids. */
    static final class Reference {
        private final String from;
        private final String column;
        private final String to;
        private final String description;
        private final IdSet target;
        private final IdSet missing = new IdSet();
        private long rows;

        Reference(String from, String column, String to, String description, IdSet target) {
            this.from = from;
            this.column = column;
            this.to = to;
            this.description = description;
            this.target = target;
        }

        void check(long id) {
            if (!target.contains(id)) {
                rows++;
                missing.add(id);
            }
        }

        ReferenceCheck result() {
            return new ReferenceCheck(from, column, to, description, rows, missing.size());
        }
    }
}
