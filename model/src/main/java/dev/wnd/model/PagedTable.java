package dev.wnd.model;

import java.nio.FloatBuffer;

/**
 * A table of {@code rows} rows of {@code width} floats on the Java heap, immutable once built, from which a new
 * version that differs in some rows is derived in time proportional to those rows ({@link #edit()}): copy-on-write
 * pages. The scorer's embedding and wide tables, so that applying a delta of {@code k} rows costs {@code k} page
 * copies, not a copy of the table (BENCHMARKS.md, freshness).
 *
 * <p><b>Layout.</b> Rows are grouped in pages of {@code 2^pageShift} rows (about 4 KiB). A directory holds, per page,
 * the array that holds it and where the page starts in that array. A table built from scratch ({@link Builder})
 * stores its pages back to back in large segments (16 MB each, allocated once, outside the young generation);
 * a derived table shares every page it did not change with the table it came from and owns a copy of each page it
 * changed. The only cost that grows with the table is the directory's copy at each derivation: 8 bytes per page,
 * 1/512 of the table's bytes.
 *
 * <p><b>Threading.</b> Immutable once built, so any number of threads may read it, and a version derived from it
 * never changes what it holds. Its fields are final and everything it references was written before it was
 * constructed, so even a racy publication shows readers the complete table. {@link Builder} and {@link Editor} are
 * not thread-safe, and are used by one thread until they build.
 */
final class PagedTable {

    /** Pages hold about this many floats (4 KiB), rounded down to a power of two rows (at least one row). */
    static final int PAGE_FLOATS = 1024;
    /**
     * A table built from scratch stores its pages in segments of about this many floats (16 MB): large enough that
     * the collector allocates them outside the young generation and never copies them, small enough to find room.
     */
    static final int SEGMENT_FLOATS = 4 << 20;

    private final int rows;
    private final int width;
    private final int pageShift;
    private final int pageMask;
    private final float[][] pages;
    private final int[] offsets;

    private PagedTable(int rows, int width, int pageShift, float[][] pages, int[] offsets) {
        this.rows = rows;
        this.width = width;
        this.pageShift = pageShift;
        this.pageMask = (1 << pageShift) - 1;
        this.pages = pages;
        this.offsets = offsets;
    }

    /**
     * A builder of a table of {@code rows} rows of {@code width} floats, every float 0 until written.
     *
     * @param segmentFloats the most floats one segment holds (rounded down to whole pages, at least one page)
     */
    static Builder builder(int rows, int width, int segmentFloats) {
        return new Builder(rows, width, segmentFloats);
    }

    /** As {@link #builder(int, int, int)} with segments of {@link #SEGMENT_FLOATS}. */
    static Builder builder(int rows, int width) {
        return builder(rows, width, SEGMENT_FLOATS);
    }

    /** Number of rows. */
    int rows() {
        return rows;
    }

    /** Floats per row. */
    int width() {
        return width;
    }

    /** Rows per page. */
    int pageRows() {
        return 1 << pageShift;
    }

    /** The array holding row {@code row}; the row is its {@link #width} floats from {@link #offset}. */
    float[] array(int row) {
        return pages[row >>> pageShift];
    }

    /** Where row {@code row} starts in {@link #array}. */
    int offset(int row) {
        return offsets[row >>> pageShift] + (row & pageMask) * width;
    }

    /** Float {@code column} of row {@code row}. */
    float get(int row, int column) {
        return array(row)[offset(row) + column];
    }

    /** Copies row {@code row} into {@code dst} from {@code at}. */
    void copyRow(int row, float[] dst, int at) {
        System.arraycopy(array(row), offset(row), dst, at, width);
    }

    /**
     * An editor of a new table that starts as this one. This table does not change, whatever the editor does.
     * Cost: a copy of the directory (8 bytes per page).
     */
    Editor edit() {
        return new Editor(this);
    }

    /** Whether this table and {@code other} share the storage of row {@code row}'s page (for tests). */
    boolean sharesPageOf(PagedTable other, int row) {
        return pages[row >>> pageShift] == other.pages[row >>> pageShift];
    }

    private static int pageShift(int width) {
        int pageRows = Integer.highestOneBit(Math.max(1, PAGE_FLOATS / Math.max(1, width)));
        return Integer.numberOfTrailingZeros(pageRows);
    }

    /** Floats in page {@code page} of a table of {@code rows} rows (the last page may be short). */
    private static int pageFloats(int page, int rows, int width, int pageShift) {
        long firstRow = (long) page << pageShift;
        return (int) (Math.min(1L << pageShift, rows - firstRow) * width);
    }

    /** Fills a new table; not thread-safe; {@link #build} once. */
    static final class Builder {
        private final int rows;
        private final int width;
        private final int pageShift;
        private final float[][] segments;
        private final int segmentFloats;
        private boolean built;

        private Builder(int rows, int width, int segmentFloats) {
            if (rows < 0 || width < 1) {
                throw new IllegalArgumentException("a table needs rows >= 0 and width >= 1, got " + rows + " x "
                        + width);
            }
            this.rows = rows;
            this.width = width;
            this.pageShift = pageShift(width);
            long pageFloats = (long) width << pageShift;
            long perSegment = Math.max(pageFloats, segmentFloats / pageFloats * pageFloats);
            long total = (long) rows * width;
            int count = Math.toIntExact((total + perSegment - 1) / perSegment);
            this.segments = new float[count][];
            this.segmentFloats = (int) perSegment;
            for (int s = 0; s < count; s++) {
                segments[s] = new float[(int) Math.min(perSegment, total - (long) s * perSegment)];
            }
        }

        /**
         * Writes the remaining floats of {@code values} from float {@code at} of the table (row-major: float
         * {@code at} is column {@code at % width} of row {@code at / width}).
         *
         * @throws IndexOutOfBoundsException if they do not fit
         */
        Builder write(long at, FloatBuffer values) {
            if (built) {
                throw new IllegalStateException("already built");
            }
            long end = at + values.remaining();
            if (at < 0 || end > (long) rows * width) {
                throw new IndexOutOfBoundsException("floats [" + at + ", " + end + ") of a table of " + rows + " x "
                        + width);
            }
            long position = at;
            while (values.hasRemaining()) {
                int s = (int) (position / segmentFloats);
                int offset = (int) (position % segmentFloats);
                int n = Math.min(values.remaining(), segments[s].length - offset);
                values.get(segments[s], offset, n);
                position += n;
            }
            return this;
        }

        /** The table; the builder cannot be used after. */
        PagedTable build() {
            if (built) {
                throw new IllegalStateException("already built");
            }
            built = true;
            int pageRows = 1 << pageShift;
            int pageCount = (rows + pageRows - 1) / pageRows;
            float[][] pages = new float[pageCount][];
            int[] offsets = new int[pageCount];
            long pageFloats = (long) width << pageShift;
            for (int p = 0; p < pageCount; p++) {
                long first = p * pageFloats;
                pages[p] = segments[(int) (first / segmentFloats)];
                offsets[p] = (int) (first % segmentFloats);
            }
            return new PagedTable(rows, width, pageShift, pages, offsets);
        }
    }

    /**
     * Builds a table that starts as another one with some rows overwritten: the first write to a page copies that
     * page (the other table keeps its own). Not thread-safe; {@link #build} once.
     */
    static final class Editor {
        private final PagedTable from;
        private final float[][] pages;
        private final int[] offsets;
        private int pagesCopied;
        private boolean built;

        private Editor(PagedTable from) {
            this.from = from;
            this.pages = from.pages.clone();
            this.offsets = from.offsets.clone();
        }

        /**
         * Overwrites row {@code row} with the {@code width} floats of {@code values} from {@code at}.
         *
         * @throws IndexOutOfBoundsException if there is no such row
         */
        Editor setRow(int row, float[] values, int at) {
            if (built) {
                throw new IllegalStateException("already built");
            }
            if (row < 0 || row >= from.rows) {
                throw new IndexOutOfBoundsException("row " + row + " of a table of " + from.rows);
            }
            int page = row >>> from.pageShift;
            float[] target = pages[page];
            if (target == from.pages[page]) { // still shared with the table edited: copy the page first
                float[] copy = new float[pageFloats(page, from.rows, from.width, from.pageShift)];
                System.arraycopy(target, offsets[page], copy, 0, copy.length);
                pages[page] = copy;
                offsets[page] = 0;
                target = copy;
                pagesCopied++;
            }
            System.arraycopy(values, at, target, (row & from.pageMask) * from.width, from.width);
            return this;
        }

        /** Pages copied so far. */
        int pagesCopied() {
            return pagesCopied;
        }

        /** The new table; the editor cannot be used after. */
        PagedTable build() {
            if (built) {
                throw new IllegalStateException("already built");
            }
            built = true;
            return new PagedTable(from.rows, from.width, from.pageShift, pages, offsets);
        }
    }
}
