package dev.wnd.model;

import java.nio.FloatBuffer;

/**
 * A table of {@code rows} rows of {@code width} floats on the Java heap, immutable once built, from which a new
 * version that differs in some rows is derived in time proportional to those rows ({@link #edit()}): copy-on-write
 * pages. The scorer's embedding and wide tables, so that applying a delta of {@code k} rows costs about {@code k}
 * page copies, not a copy of the table.
 *
 * <p><b>Layout.</b> Rows are grouped in pages of {@code 2^pageShift} rows (about 1 KiB). A table built from scratch
 * ({@link Builder}) stores its pages back to back in segments of a power of two pages (16 MB each, allocated once;
 * the collector places them outside the young generation and never copies them). A directory, in leaves of
 * {@code 2^13} pages, holds per page the array that holds it: a segment, where the page sits at its place in the
 * segment, or a page of its own. A derived table shares every page it did not change with the table it came from,
 * and owns a copy of each page it changed. Deriving a table costs a copy of each page written (1 KiB), of each
 * directory leaf written in (32 KiB), and of the directory's top (4 bytes per leaf): the rows written, bounded by the
 * directory's 4 bytes per page (1/256 of the table) when they are spread over all of it. Reading a row costs the
 * leaf's entry, then the row.
 *
 * <p><b>Threading.</b> Immutable once built, so any number of threads may read it, and a version derived from it
 * never changes what it holds. Its fields are final and everything it references was written before it was
 * constructed, so even a racy publication shows readers the complete table. {@link Builder} and {@link Editor} are
 * not thread-safe, and are used by one thread until they build.
 */
final class PagedTable {

    /**
     * Pages hold about this many floats (1 KiB), rounded down to a power of two rows (at least one row): 4 rows of
     * the seed's 64-float sub-rows. Smaller pages copy less per row written, larger ones make smaller directories;
     * for deltas of 1,000 to 10,000 rows on the seed's table the two costs are close at 4 rows.
     */
    static final int PAGE_FLOATS = 256;
    /**
     * Pages per directory leaf: a derived table copies the top of the directory and the leaves it writes in. Small
     * enough that no leaf is a humongous object for the collector, which reclaims those late.
     */
    static final int LEAF_SHIFT = 13;
    private static final int LEAF_MASK = (1 << LEAF_SHIFT) - 1;
    /** A table built from scratch stores its pages in segments of at most this many floats (16 MB). */
    static final int SEGMENT_FLOATS = 4 << 20;

    private final int rows;
    private final int width;
    private final int pageShift;
    private final int pageMask;
    /** Floats in a full page. */
    private final int pageFloats;
    /** Pages per segment minus one (a power of two minus one). */
    private final int segmentPageMask;
    /** Per leaf, per page: the array holding the page (a segment, or the page alone). */
    private final float[][][] pages;

    private PagedTable(int rows, int width, int pageShift, int segmentPageMask, float[][][] pages) {
        this.rows = rows;
        this.width = width;
        this.pageShift = pageShift;
        this.pageMask = (1 << pageShift) - 1;
        this.pageFloats = width << pageShift;
        this.segmentPageMask = segmentPageMask;
        this.pages = pages;
    }

    /**
     * A builder of a table of {@code rows} rows of {@code width} floats, every float 0 until written.
     *
     * @param segmentFloats the most floats one segment holds (rounded down to a power of two pages, at least one)
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
        int page = row >>> pageShift;
        return pages[page >>> LEAF_SHIFT][page & LEAF_MASK];
    }

    /** Where row {@code row} starts in {@code array}, which must be {@link #array}{@code (row)}. */
    int offset(float[] array, int row) {
        // a page of its own holds at most one page; a segment longer than that holds the page at its place
        int page = array.length > pageFloats ? ((row >>> pageShift) & segmentPageMask) * pageFloats : 0;
        return page + (row & pageMask) * width;
    }

    /** Where row {@code row} starts in {@link #array}. */
    int offset(int row) {
        return offset(array(row), row);
    }

    /** Float {@code column} of row {@code row}. */
    float get(int row, int column) {
        float[] a = array(row);
        return a[offset(a, row) + column];
    }

    /** Copies row {@code row} into {@code dst} from {@code at}. */
    void copyRow(int row, float[] dst, int at) {
        float[] a = array(row);
        System.arraycopy(a, offset(a, row), dst, at, width);
    }

    /**
     * An editor of a new table that starts as this one. This table does not change, whatever the editor does.
     * Cost: a copy of the directory's top (4 bytes per leaf); writes copy the rest they need.
     */
    Editor edit() {
        return new Editor(this);
    }

    /** Whether this table and {@code other} share the storage of row {@code row}'s page (for tests). */
    boolean sharesPageOf(PagedTable other, int row) {
        return array(row) == other.array(row);
    }

    private static int pageShift(int width) {
        int pageRows = Integer.highestOneBit(Math.max(1, PAGE_FLOATS / Math.max(1, width)));
        return Integer.numberOfTrailingZeros(pageRows);
    }

    /** Fills a new table; not thread-safe; {@link #build} once. */
    static final class Builder {
        private final int rows;
        private final int width;
        private final int pageShift;
        private final int segmentPages;
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
            this.segmentPages = Integer.highestOneBit((int) Math.max(1, Math.min(1 << 30, segmentFloats / pageFloats)));
            long perSegment = segmentPages * pageFloats;
            long total = (long) rows * width;
            int count = Math.toIntExact((total + perSegment - 1) / perSegment);
            this.segments = new float[count][];
            this.segmentFloats = Math.toIntExact(perSegment);
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
            int leafCount = (pageCount + LEAF_MASK) >>> LEAF_SHIFT;
            float[][][] pages = new float[leafCount][][];
            for (int leaf = 0; leaf < leafCount; leaf++) {
                int size = Math.min(1 << LEAF_SHIFT, pageCount - (leaf << LEAF_SHIFT));
                pages[leaf] = new float[size][];
                for (int i = 0; i < size; i++) {
                    pages[leaf][i] = segments[((leaf << LEAF_SHIFT) + i) / segmentPages];
                }
            }
            return new PagedTable(rows, width, pageShift, segmentPages - 1, pages);
        }
    }

    /**
     * Builds a table that starts as another one with some rows overwritten: the first write to a page copies that
     * page (the other table keeps its own), and the first write under a directory leaf copies that leaf. Not
     * thread-safe; {@link #build} once.
     */
    static final class Editor {
        private final PagedTable from;
        private final float[][][] pages;
        private int pagesCopied;
        private int leavesCopied;
        private boolean built;

        private Editor(PagedTable from) {
            this.from = from;
            this.pages = from.pages.clone();
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
            int leaf = page >>> LEAF_SHIFT;
            int slot = page & LEAF_MASK;
            if (pages[leaf] == from.pages[leaf]) { // the leaf is still the other table's: copy it first
                pages[leaf] = pages[leaf].clone();
                leavesCopied++;
            }
            float[] target = pages[leaf][slot];
            if (target == from.pages[leaf][slot]) { // the page is still the other table's: copy it first
                int firstRow = page << from.pageShift;
                float[] copy = new float[Math.min(from.pageRows(), from.rows - firstRow) * from.width];
                System.arraycopy(target, from.offset(target, firstRow), copy, 0, copy.length);
                pages[leaf][slot] = copy;
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

        /** Directory leaves copied so far. */
        int leavesCopied() {
            return leavesCopied;
        }

        /** The new table; the editor cannot be used after. */
        PagedTable build() {
            if (built) {
                throw new IllegalStateException("already built");
            }
            built = true;
            return new PagedTable(from.rows, from.width, from.pageShift, from.segmentPageMask, pages);
        }
    }
}
