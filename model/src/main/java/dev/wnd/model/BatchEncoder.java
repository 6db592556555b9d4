package dev.wnd.model;

import dev.wnd.features.spec.CategoricalFeature;
import dev.wnd.features.spec.FeatureSpec;
import java.util.Arrays;
import java.util.List;

/**
 * Host-side preparation of a {@link Batch} for one forward pass: validates it, deduplicates the table rows it
 * touches (per table, in order of first appearance, so the result is deterministic) and builds the sparse
 * matrices that map the gathered rows to the model's inputs, plus the dense (indicator and numeric) columns.
 *
 * <p>Embeddings: per embedding segment of the deep input ({@link InputLayout#segmentChunks}), a COO matrix
 * {@code [size * segmentChunks, uniqueRows]} whose entry {@code (r * segmentChunks + c, u)} is
 * {@code 1 / nonEmptySlots} when gathered sub-row {@code u} fills chunk {@code c} of row {@code r}. Times the
 * gathered rows it yields every feature's mean embedding (zero when all its slots are empty) in one sparse matmul,
 * whose backward is again a sparse matmul, never a dense table gradient. Wide weights: one entry (batch row,
 * unique wide row) per non-empty slot and per cross whose two features are set, summed (TF's
 * {@code sparse_combiner='sum'}). A repeated id in one list counts twice, as in TensorFlow.
 *
 * <p>Reuses its scratch arrays between batches: not thread-safe, one per model.
 */
final class BatchEncoder {

    /**
     * One encoded batch; arrays are exact-length and owned by the record.
     *
     * @param size rows
     * @param embeddingIds distinct sub-rows of the fused embedding table, in first-appearance order
     * @param embeddingCoo per embedding segment, the COO indices: {@code nnz} row indices then {@code nnz} column
     *     indices (positions in {@code embeddingIds})
     * @param embeddingValues per embedding segment, the COO values (mean weights)
     * @param wideIds distinct rows of the wide table, in first-appearance order
     * @param wideEntryRow per non-empty slot, in (row, slot) order: its batch row
     * @param wideEntryLocal per non-empty slot: its position in {@code wideIds}
     * @param dense {@code size x denseWidth}: indicator counts, then numerics
     * @param labels labels, or null when predicting
     */
    record Encoded(
            int size,
            long[] embeddingIds,
            long[][] embeddingCoo,
            float[][] embeddingValues,
            int[] wideIds,
            int[] wideEntryRow,
            int[] wideEntryLocal,
            float[] dense,
            float[] labels) {
    }

    private final InputLayout layout;
    private final RowInterner embeddingRows = new RowInterner();
    private final RowInterner wideRows = new RowInterner();
    /** Embedding sub-rows one batch row can touch at most: bounds a batch's distinct embedding rows. */
    private final int subSlotsPerRow;
    private long[][] cooRows = new long[0][];
    private long[][] cooCols = new long[0][];
    private float[][] cooValues = new float[0][];
    private int[] wideRowScratch = new int[0];
    private int[] wideLocalScratch = new int[0];

    BatchEncoder(InputLayout layout) {
        this.layout = layout;
        this.subSlotsPerRow = java.util.stream.IntStream.of(layout.segmentSubSlots).sum();
    }

    Encoded encode(Batch batch, boolean requireLabels) {
        FeatureSpec spec = layout.spec;
        int n = batch.size();
        int slots = spec.categoricalSlots();
        int numerics = spec.numericCount();
        validate(layout, batch);
        if (requireLabels && batch.labels() == null) {
            throw new IllegalArgumentException("training needs labels");
        }
        float[] labels = null;
        if (requireLabels) {
            labels = batch.labels().clone();
            for (float y : labels) {
                if (!(y >= 0f && y <= 1f)) {
                    throw new IllegalArgumentException("labels must be in [0, 1], got " + y);
                }
            }
        }
        int[] cat = batch.categorical();
        float[] num = batch.numeric();
        ensureScratch(n);
        List<CategoricalFeature> features = spec.categorical();
        int nf = features.size();
        int segments = layout.segmentChunks.length;
        int[] entries = new int[segments];
        float[] dense = new float[n * layout.denseWidth];
        int wideEntries = 0;

        for (int r = 0; r < n; r++) {
            int catBase = r * slots;
            for (int i = 0; i < nf; i++) {
                CategoricalFeature f = features.get(i);
                int first = catBase + spec.slotOffset(i);
                int nonEmpty = 0;
                for (int s = 0; s < f.slots(); s++) {
                    int b = cat[first + s];
                    if (b < 0) {
                        continue;
                    }
                    nonEmpty++;
                    int wideRow = layout.wideOffset[i] + b;
                    wideRowScratch[wideEntries] = r;
                    wideLocalScratch[wideEntries++] = wideRows.intern(wideRow);
                    if (f.indicator()) {
                        dense[r * layout.denseWidth + layout.indicatorOffset[i] + b] += 1f;
                    }
                }
                if (f.indicator() || nonEmpty == 0) {
                    continue;
                }
                float weight = 1f / nonEmpty;
                int k = layout.subRowsPerBucket[i];
                int segment = layout.segmentOf[i];
                long[] rows = cooRows[segment];
                long[] cols = cooCols[segment];
                float[] values = cooValues[segment];
                int e = entries[segment];
                long outRow = (long) r * layout.segmentChunks[segment] + layout.segmentChunkOffset[i];
                for (int s = 0; s < f.slots(); s++) {
                    int b = cat[first + s];
                    if (b < 0) {
                        continue;
                    }
                    int rowBase = layout.embeddingRowOffset[i] + b * k;
                    for (int j = 0; j < k; j++) {
                        rows[e] = outRow + j;
                        cols[e] = embeddingRows.intern(rowBase + j);
                        values[e++] = weight;
                    }
                }
                entries[segment] = e;
            }
            for (int x = 0; x < layout.crossOffset.length; x++) {
                int wideRow = layout.crossRow(x, cat, catBase);
                if (wideRow >= 0) {
                    wideRowScratch[wideEntries] = r;
                    wideLocalScratch[wideEntries++] = wideRows.intern(wideRow);
                }
            }
            System.arraycopy(num, r * numerics, dense, r * layout.denseWidth + layout.indicatorWidth, numerics);
        }
        int[] embRows = embeddingRows.rows();
        long[] embIds = new long[embRows.length];
        for (int i = 0; i < embRows.length; i++) {
            embIds[i] = embRows[i];
        }
        int[] wideIds = wideRows.rows();
        embeddingRows.clear();
        wideRows.clear();
        long[][] coo = new long[segments][];
        float[][] values = new float[segments][];
        for (int s = 0; s < segments; s++) {
            int e = entries[s];
            coo[s] = new long[2 * e];
            System.arraycopy(cooRows[s], 0, coo[s], 0, e);
            System.arraycopy(cooCols[s], 0, coo[s], e, e);
            values[s] = Arrays.copyOf(cooValues[s], e);
        }
        return new Encoded(n, embIds, coo, values, wideIds, Arrays.copyOf(wideRowScratch, wideEntries),
                Arrays.copyOf(wideLocalScratch, wideEntries), dense, labels);
    }

    private void ensureScratch(int n) {
        int segments = layout.segmentChunks.length;
        if (cooRows.length != segments) {
            cooRows = new long[segments][0];
            cooCols = new long[segments][0];
            cooValues = new float[segments][0];
        }
        for (int s = 0; s < segments; s++) {
            int needed = n * layout.segmentSubSlots[s];
            if (cooRows[s].length < needed) {
                cooRows[s] = new long[needed];
                cooCols[s] = new long[needed];
                cooValues[s] = new float[needed];
            }
        }
        embeddingRows.reserve((int) Math.min((long) n * subSlotsPerRow, layout.embeddingRows));
        wideRows.reserve((int) Math.min((long) n * layout.wideSlots, layout.wideRows));
        int wideNeeded = n * layout.wideSlots;
        if (wideRowScratch.length < wideNeeded) {
            wideRowScratch = new int[wideNeeded];
            wideLocalScratch = new int[wideNeeded];
        }
    }

    /**
     * Checks a batch against the spec (array lengths, every bucket in range, every numeric finite), before any
     * scratch state is touched, so a rejected batch leaves an encoder clean.
     *
     * @throws IllegalArgumentException naming the row, feature and value that does not fit
     */
    static void validate(InputLayout layout, Batch batch) {
        FeatureSpec spec = layout.spec;
        int n = batch.size();
        int slots = spec.categoricalSlots();
        if (batch.categorical().length != (long) n * slots) {
            throw new IllegalArgumentException("batch has " + batch.categorical().length + " categorical values, "
                    + "expected " + n + " rows x " + slots + " slots of spec " + spec.version());
        }
        if (batch.numeric().length != (long) n * spec.numericCount()) {
            throw new IllegalArgumentException("batch has " + batch.numeric().length + " numeric values, expected "
                    + n + " rows x " + spec.numericCount() + " of spec " + spec.version());
        }
        int[] cat = batch.categorical();
        float[] num = batch.numeric();
        List<CategoricalFeature> features = spec.categorical();
        for (int r = 0; r < n; r++) {
            for (int i = 0; i < features.size(); i++) {
                CategoricalFeature f = features.get(i);
                int first = r * slots + spec.slotOffset(i);
                for (int s = 0; s < f.slots(); s++) {
                    int b = cat[first + s];
                    if (b < -1 || b >= f.buckets()) {
                        throw new IllegalArgumentException("row " + r + ": " + f.name() + " slot " + s
                                + " has bucket " + b + ", expected -1 or [0, " + f.buckets() + ")");
                    }
                }
            }
        }
        for (int k = 0; k < num.length; k++) {
            if (!Float.isFinite(num[k])) {
                throw new IllegalArgumentException("row " + k / spec.numericCount() + ": numeric "
                        + spec.numeric().get(k % spec.numericCount()).name() + " is " + num[k]);
            }
        }
    }
}
