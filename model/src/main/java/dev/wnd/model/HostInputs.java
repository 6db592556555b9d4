package dev.wnd.model;

import dev.wnd.features.spec.CategoricalFeature;
import dev.wnd.features.spec.FeatureGroup;
import dev.wnd.features.spec.FeatureSpec;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * Builds the model's inputs of a batch for a forward pass without gradients, on the host: the deep input (every
 * categorical feature's mean embedding or one-hot counts in spec order, then the numerics, as
 * {@link InputLayout} orders it) and the per-row wide sums; the numeric input is the batch's own. The embedding
 * table is read in place, through a view of its native memory.
 *
 * <p>Why: scoring a few requests is dominated by fixed per-call costs, not arithmetic. The training path
 * ({@link BatchEncoder}, then a gather and one sparse matmul per embedding segment) needs those ops for its
 * row-sparse backward pass; a prediction needs only the means, which a row of a few dozen table rows gives
 * in microseconds on the host, where the gather, the sparse matrices and their matmuls cost the scorer more than
 * its MLP (BENCHMARKS.md, "Where the scorer's CPU goes, and embedding means on the host"). Same sums as the
 * sparse matmul (each slot's row times {@code 1 / nonEmptySlots}, added in slot order); the wide sums are bit for
 * bit those of the training path. The ads of one display come as consecutive rows with the same request features:
 * a row whose leading request slots equal the row before's takes that row's columns for them instead of reading
 * the same table rows again (a pass of 1–2 requests of 2–12 ads builds in ~0.8 of the time; BENCHMARKS.md).
 *
 * <p>Holds no state between calls of {@link #build}: one per model, which any number of threads may use at once.
 */
final class HostInputs {

    /**
     * One batch's inputs; arrays are exact-length and owned by the record.
     *
     * @param deep {@code size x deepWidth}
     * @param wideSums {@code size}
     * @param requestColumns how many leading deep columns describe the request
     * @param leaders per row, the first row of the run of consecutive rows with its request: that row's leading
     *     {@code requestColumns} deep columns are this row's, bit for bit (a row that starts a run is its own leader)
     */
    record Built(int size, float[] deep, float[] wideSums, int requestColumns, int[] leaders) {
    }

    private final InputLayout layout;
    private final CategoricalFeature[] features;
    /** Per categorical feature: where its columns start in a row of the deep input. */
    private final int[] deepOffset;
    private final int numericOffset;
    /**
     * How many leading categorical features describe the request ({@link FeatureGroup#REQUEST}): the ads of one
     * display repeat them, so a row whose slots of these features equal the previous row's copies that row's
     * columns (and wide sum so far) instead of reading the same table rows again.
     */
    private final int requestFeatures;
    /** Slots, then deep columns, of those leading features (0 and 0 when there are none). */
    private final int requestSlots;
    private final int requestColumns;

    HostInputs(InputLayout layout) {
        this.layout = layout;
        List<CategoricalFeature> cats = layout.spec.categorical();
        this.features = cats.toArray(CategoricalFeature[]::new);
        this.deepOffset = new int[features.length];
        int column = 0;
        for (int i = 0; i < features.length; i++) {
            deepOffset[i] = column;
            column += features[i].indicator() ? features[i].buckets() : features[i].embeddingDim();
        }
        this.numericOffset = column;
        int leading = 0;
        while (leading < features.length && features[leading].group() == FeatureGroup.REQUEST) {
            leading++;
        }
        this.requestFeatures = leading;
        this.requestSlots = leading == features.length ? layout.spec.categoricalSlots()
                : layout.spec.slotOffset(leading);
        this.requestColumns = leading == features.length ? numericOffset : deepOffset[leading];
        if (column + layout.spec.numericCount() != layout.deepWidth) {
            throw new IllegalStateException("deep columns " + (column + layout.spec.numericCount()) + " != "
                    + layout.deepWidth);
        }
    }

    /**
     * Where {@link #build} reads the tables: the embedding table's sub-rows ({@code unit} floats each) and the wide
     * weights, by fused row (see {@link InputLayout}). Implementations only read.
     */
    interface Tables {
        /** Adds {@code weight} times embedding sub-row {@code row} to {@code deep[out, out + unit)}, column by column. */
        void addEmbedding(int row, float weight, float[] deep, int out);

        /** Wide weight {@code row}. */
        float wide(int row);
    }

    /** Tables in a view of native memory ({@code embeddingRows x unit} floats, row-major) and a host array. */
    private record BufferTables(FloatBuffer table, float[] wide, int unit) implements Tables {
        @Override
        public void addEmbedding(int row, float weight, float[] deep, int out) {
            int from = row * unit;
            for (int c = 0; c < unit; c++) {
                deep[out + c] += weight * table.get(from + c);
            }
        }

        @Override
        public float wide(int row) {
            return wide[row];
        }
    }

    /** Tables in {@link PagedTable}s: the embedding table ({@code unit} wide; null if none) and the wide weights. */
    record PagedTables(PagedTable embeddings, PagedTable wideTable) implements Tables {
        @Override
        public void addEmbedding(int row, float weight, float[] deep, int out) {
            float[] values = embeddings.array(row);
            int from = embeddings.offset(values, row);
            int unit = embeddings.width();
            for (int c = 0; c < unit; c++) {
                deep[out + c] += weight * values[from + c];
            }
        }

        @Override
        public float wide(int row) {
            return wideTable.get(row, 0);
        }
    }

    /**
     * The inputs of {@code batch}, reading embeddings from {@code table} ({@code embeddingRows x unit} floats,
     * row-major; null only when the spec has no embedding feature) and wide weights from {@code wide}.
     *
     * @throws IllegalArgumentException if the batch does not fit the spec
     */
    Built build(Batch batch, FloatBuffer table, float[] wide) {
        return build(batch, new BufferTables(table, wide, layout.unit));
    }

    /**
     * The inputs of {@code batch}, reading the tables from {@code tables}. Holds no state between calls: any number
     * of threads may build at once, as long as nothing writes the tables meanwhile.
     *
     * @throws IllegalArgumentException if the batch does not fit the spec
     */
    Built build(Batch batch, Tables tables) {
        FeatureSpec spec = layout.spec;
        BatchEncoder.validate(layout, batch);
        int n = batch.size();
        int slots = spec.categoricalSlots();
        int numericCount = spec.numericCount();
        int width = layout.deepWidth;
        int[] cat = batch.categorical();
        float[] num = batch.numeric();
        float[] deep = new float[n * width];
        float[] wideSums = new float[n];
        int[] leaders = new int[n];
        float requestWide = 0f;
        for (int r = 0; r < n; r++) {
            leaders[r] = r;
            int rowBase = r * width;
            int catBase = r * slots;
            if (r > 0 && requestFeatures > 0 && Arrays.equals(cat, catBase - slots, catBase - slots + requestSlots,
                    cat, catBase, catBase + requestSlots)) {
                // The same request as the row before: the same means and the same partial wide sum, bit for bit.
                System.arraycopy(deep, rowBase - width, deep, rowBase, requestColumns);
                wideSums[r] = requestWide;
                leaders[r] = leaders[r - 1];
            } else {
                for (int i = 0; i < requestFeatures; i++) {
                    add(i, cat, catBase, deep, rowBase, wideSums, r, tables);
                }
                requestWide = wideSums[r];
            }
            for (int i = requestFeatures; i < features.length; i++) {
                add(i, cat, catBase, deep, rowBase, wideSums, r, tables);
            }
            for (int x = 0; x < layout.crossOffset.length; x++) {
                int wideRow = layout.crossRow(x, cat, catBase);
                if (wideRow >= 0) {
                    wideSums[r] += tables.wide(wideRow);
                }
            }
            System.arraycopy(num, r * numericCount, deep, rowBase + numericOffset, numericCount);
        }
        return new Built(n, deep, wideSums, requestColumns, leaders);
    }

    /** Adds categorical feature {@code i} of row {@code r} to its deep columns and its wide sum. */
    private void add(int i, int[] cat, int catBase, float[] deep, int rowBase, float[] wideSums, int r,
            Tables tables) {
        CategoricalFeature f = features[i];
        int first = catBase + layout.spec.slotOffset(i);
        int nonEmpty = 0;
        for (int s = 0; s < f.slots(); s++) {
            int b = cat[first + s];
            if (b >= 0) {
                nonEmpty++;
                wideSums[r] += tables.wide(layout.wideOffset[i] + b);
            }
        }
        if (nonEmpty == 0) {
            return;
        }
        int out = rowBase + deepOffset[i];
        if (f.indicator()) {
            for (int s = 0; s < f.slots(); s++) {
                int b = cat[first + s];
                if (b >= 0) {
                    deep[out + b] += 1f;
                }
            }
            return;
        }
        float weight = 1f / nonEmpty;
        int k = layout.subRowsPerBucket[i];
        int unit = layout.unit;
        for (int s = 0; s < f.slots(); s++) {
            int b = cat[first + s];
            if (b < 0) {
                continue;
            }
            // a bucket's k sub-rows are consecutive, and its dim = k * unit columns follow them in order
            int row = layout.embeddingRowOffset[i] + b * k;
            for (int j = 0; j < k; j++) {
                tables.addEmbedding(row + j, weight, deep, out + j * unit);
            }
        }
    }
}
