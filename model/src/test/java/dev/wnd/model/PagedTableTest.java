package dev.wnd.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

/** Copy-on-write paged tables: what a derived table holds, and what it leaves to the table it came from. */
class PagedTableTest {

    /** 1,000 rows of 12 floats: 21 rows per page rounded down to 16, a short last page. */
    private static final int ROWS = 1_000;
    private static final int WIDTH = 12;

    private static float value(int row, int column) {
        return row * 100f + column;
    }

    private static PagedTable filled(int segmentFloats) {
        PagedTable.Builder b = PagedTable.builder(ROWS, WIDTH, segmentFloats);
        float[] all = new float[ROWS * WIDTH];
        for (int r = 0; r < ROWS; r++) {
            for (int c = 0; c < WIDTH; c++) {
                all[r * WIDTH + c] = value(r, c);
            }
        }
        // written in uneven pieces that straddle pages and segments
        int at = 0;
        for (int piece = 1; at < all.length; piece = piece * 3 + 7) {
            int n = Math.min(piece, all.length - at);
            b.write(at, FloatBuffer.wrap(all, at, n));
            at += n;
        }
        return b.build();
    }

    @Test
    void shouldReadBackEveryRowWrittenAcrossPagesAndSegments() {
        PagedTable table = filled(3 * 16 * WIDTH + 5); // segments of 2 pages

        assertThat(table.pageRows()).isEqualTo(16);
        float[] row = new float[WIDTH];
        for (int r = 0; r < ROWS; r++) {
            table.copyRow(r, row, 0);
            for (int c = 0; c < WIDTH; c++) {
                assertThat(row[c]).as("row %d column %d", r, c).isEqualTo(value(r, c));
                assertThat(table.get(r, c)).isEqualTo(value(r, c));
            }
        }
        assertThatThrownBy(() -> PagedTable.builder(ROWS, WIDTH, 1 << 20).write(ROWS * WIDTH - 1,
                FloatBuffer.wrap(new float[2]))).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void shouldOverwriteRowsInANewTableAndLeaveTheOldOneAsItWas() {
        PagedTable before = filled(1 << 20);
        float[] nines = new float[WIDTH];
        java.util.Arrays.fill(nines, 9f);
        float[] sevens = new float[2 * WIDTH];
        java.util.Arrays.fill(sevens, WIDTH, 2 * WIDTH, 7f);

        PagedTable.Editor editor = before.edit()
                .setRow(3, nines, 0)
                .setRow(5, nines, 0)      // same page as row 3: copied once
                .setRow(999, sevens, WIDTH) // the short last page
                .setRow(5, sevens, WIDTH);  // a later write wins
        assertThat(editor.pagesCopied()).isEqualTo(2);
        PagedTable after = editor.build();

        for (int r = 0; r < ROWS; r++) {
            for (int c = 0; c < WIDTH; c++) {
                float expected = r == 3 ? 9f : r == 5 || r == 999 ? 7f : value(r, c);
                assertThat(after.get(r, c)).as("new table, row %d", r).isEqualTo(expected);
                assertThat(before.get(r, c)).as("old table, row %d", r).isEqualTo(value(r, c));
            }
        }
        assertThat(after.sharesPageOf(before, 16)).as("an untouched page is shared").isTrue();
        assertThat(after.sharesPageOf(before, 3)).isFalse();
        assertThat(after.sharesPageOf(before, 999)).isFalse();
    }

    @Test
    void shouldDeriveAChainOfTablesEachSeeingOnlyItsOwnAndEarlierWrites() {
        PagedTable v0 = filled(1 << 20);
        float[] one = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
        float[] two = {2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2};
        PagedTable v1 = v0.edit().setRow(10, one, 0).build();
        PagedTable v2 = v1.edit().setRow(11, two, 0).build(); // copies v1's private page, not v0's

        assertThat(v0.get(10, 0)).isEqualTo(value(10, 0));
        assertThat(v0.get(11, 0)).isEqualTo(value(11, 0));
        assertThat(v1.get(10, 0)).isEqualTo(1f);
        assertThat(v1.get(11, 0)).isEqualTo(value(11, 0));
        assertThat(v2.get(10, 0)).isEqualTo(1f);
        assertThat(v2.get(11, 0)).isEqualTo(2f);
    }

    @Test
    void shouldCopyOnlyTheDirectoryLeavesItWritesIn() {
        int rows = 3_000_000; // one float per row: 256 rows per page, 11,719 pages, two leaves of 8,192
        PagedTable before = PagedTable.builder(rows, 1).build();
        float[] one = {1f};

        PagedTable.Editor editor = before.edit().setRow(rows - 1, one, 0).setRow(rows - 300, one, 0);
        PagedTable after = editor.build();

        assertThat(editor.leavesCopied()).isEqualTo(1);
        assertThat(editor.pagesCopied()).isEqualTo(2);
        assertThat(after.get(rows - 1, 0)).isEqualTo(1f);
        assertThat(after.get(rows - 300, 0)).isEqualTo(1f);
        assertThat(after.get(rows - 2, 0)).isZero();
        assertThat(before.get(rows - 1, 0)).isZero();
        assertThat(after.sharesPageOf(before, 0)).isTrue();
    }

    @Test
    void shouldRefuseRowsOutsideTheTableAndUseAfterBuild() {
        PagedTable table = filled(1 << 20);
        PagedTable.Editor editor = table.edit();

        assertThatThrownBy(() -> editor.setRow(ROWS, new float[WIDTH], 0))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> editor.setRow(-1, new float[WIDTH], 0))
                .isInstanceOf(IndexOutOfBoundsException.class);
        editor.build();
        assertThatThrownBy(() -> editor.setRow(0, new float[WIDTH], 0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(editor::build).isInstanceOf(IllegalStateException.class);
    }
}
