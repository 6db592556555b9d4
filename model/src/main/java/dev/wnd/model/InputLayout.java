package dev.wnd.model;

import dev.wnd.features.spec.CategoricalFeature;
import dev.wnd.features.spec.CrossedFeature;
import dev.wnd.features.spec.FeatureSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Where every feature of a {@link FeatureSpec} lives in the model's fused tables and in the deep input. Immutable.
 *
 * <p><b>Embeddings.</b> All embedding tables share one table of width {@link #unit} (the gcd of the embedding
 * widths; 64 for the seed). A feature of width {@code d} stores bucket {@code b} in the {@code k = d / unit}
 * consecutive sub-rows {@code rowOffset + b*k .. rowOffset + b*k + k - 1}, so its segment is exactly its own
 * {@code [buckets, d]} table in row-major order, and one gather serves every feature. Each batch row yields
 * {@link #chunks} output chunks of width {@code unit}, in spec order: chunk {@code chunkOffset + j} of a feature is
 * the mean of sub-row {@code j} over its non-empty slots. A row touches at most {@link #subSlots} sub-rows.
 *
 * <p><b>Wide weights.</b> One table of {@link #wideRows} weights: feature {@code i}'s bucket {@code b} is row
 * {@code wideOffset(i) + b}; after the features, each cross {@code x} of the spec ({@code first x second}) has the
 * rows {@code crossOffset[x] + firstBucket * crossStride[x] + secondBucket}. {@link #wideTables} names these
 * segments, features first, then crosses.
 *
 * <p><b>Dense inputs.</b> Built on the host per row: the indicator (one-hot count) columns of the indicator
 * features, in spec order, then the numerics.
 *
 * <p><b>Deep input.</b> The seed's order: every categorical feature in spec order (its mean embedding, or its
 * one-hot), then the numerics. The model assembles it by concatenating column ranges of the embedding chunks and
 * of the dense columns ({@link #deepSegments}, adjacent ranges merged: four for the seed). Each embedding range
 * ("segment") is produced by its own sparse matmul, so no large tensor is ever sliced.
 */
final class InputLayout {

    final FeatureSpec spec;
    final int unit;
    final int[] subRowsPerBucket;
    final int[] embeddingRowOffset;
    final int[] subSlotOffset;
    final int[] chunkOffset;
    final int embeddingRows;
    final int chunks;
    final int subSlots;
    final int[] wideOffset;
    /** Per cross: its first and second feature (categorical indices), first row, and second feature's buckets. */
    final int[] crossFirst;
    final int[] crossSecond;
    final int[] crossOffset;
    final int[] crossStride;
    /** The wide table's named segments: every categorical feature in spec order, then every cross. */
    final List<WideTable> wideTables;
    final int wideRows;
    final int wideSlots;
    final int[] indicatorOffset;
    final int indicatorWidth;
    final int denseWidth;
    final int deepWidth;
    /** Deep-input pieces in order: {source (0 embeddings, 1 dense), from column, to column (exclusive)}. */
    final List<int[]> deepSegments;
    /** Per embedding segment (the source-0 entries of {@link #deepSegments}, in order): its number of chunks. */
    final int[] segmentChunks;
    /** Per embedding segment: the most sub-rows one batch row can touch in it. */
    final int[] segmentSubSlots;
    /** Per categorical feature: its embedding segment, or -1 for an indicator. */
    final int[] segmentOf;
    /** Per categorical feature: the index of its first chunk within its segment, or -1. */
    final int[] segmentChunkOffset;

    InputLayout(FeatureSpec spec) {
        this.spec = spec;
        List<CategoricalFeature> cats = spec.categorical();
        int n = cats.size();
        int g = 0;
        for (CategoricalFeature f : cats) {
            if (!f.indicator()) {
                g = gcd(g, f.embeddingDim());
            }
        }
        this.unit = g;
        subRowsPerBucket = new int[n];
        embeddingRowOffset = new int[n];
        subSlotOffset = new int[n];
        chunkOffset = new int[n];
        wideOffset = new int[n];
        indicatorOffset = new int[n];
        int rows = 0;
        int slots = 0;
        int chunk = 0;
        int wide = 0;
        int indicator = 0;
        for (int i = 0; i < n; i++) {
            CategoricalFeature f = cats.get(i);
            wideOffset[i] = wide;
            wide = Math.addExact(wide, f.buckets());
            if (f.indicator()) {
                indicatorOffset[i] = indicator;
                indicator += f.buckets();
                subRowsPerBucket[i] = 0;
                embeddingRowOffset[i] = -1;
                subSlotOffset[i] = -1;
                chunkOffset[i] = -1;
            } else {
                indicatorOffset[i] = -1;
                int k = f.embeddingDim() / unit;
                subRowsPerBucket[i] = k;
                embeddingRowOffset[i] = rows;
                rows = Math.addExact(rows, Math.multiplyExact(f.buckets(), k));
                subSlotOffset[i] = slots;
                slots += f.slots() * k;
                chunkOffset[i] = chunk;
                chunk += k;
            }
        }
        List<WideTable> tables = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            tables.add(new WideTable(cats.get(i).name(), wideOffset[i], cats.get(i).buckets()));
        }
        List<CrossedFeature> crosses = spec.crosses();
        crossFirst = new int[crosses.size()];
        crossSecond = new int[crosses.size()];
        crossOffset = new int[crosses.size()];
        crossStride = new int[crosses.size()];
        for (int x = 0; x < crosses.size(); x++) {
            CrossedFeature cross = crosses.get(x);
            crossFirst[x] = spec.categoricalIndex(cross.first());
            crossSecond[x] = spec.categoricalIndex(cross.second());
            crossOffset[x] = wide;
            crossStride[x] = cats.get(crossSecond[x]).buckets();
            int crossRows = Math.multiplyExact(cats.get(crossFirst[x]).buckets(), crossStride[x]);
            tables.add(new WideTable(cross.name(), wide, crossRows));
            wide = Math.addExact(wide, crossRows);
        }
        this.wideTables = List.copyOf(tables);
        this.embeddingRows = rows;
        this.subSlots = slots;
        this.chunks = chunk;
        this.wideRows = wide;
        this.wideSlots = spec.categoricalSlots() + crosses.size();
        this.indicatorWidth = indicator;
        this.denseWidth = indicator + spec.numericCount();
        this.deepWidth = spec.deepInputWidth();
        if (chunks * unit + denseWidth != deepWidth) {
            throw new IllegalStateException("layout width " + (chunks * unit + denseWidth) + " != " + deepWidth);
        }
        this.deepSegments = segments(cats);
        int embeddingSegments = (int) deepSegments.stream().filter(seg -> seg[0] == 0).count();
        segmentChunks = new int[embeddingSegments];
        segmentSubSlots = new int[embeddingSegments];
        segmentOf = new int[n];
        segmentChunkOffset = new int[n];
        int[] segmentStart = new int[embeddingSegments];
        int e = 0;
        for (int[] seg : deepSegments) {
            if (seg[0] == 0) {
                segmentStart[e] = seg[1] / unit;
                segmentChunks[e++] = (seg[2] - seg[1]) / unit;
            }
        }
        for (int i = 0; i < n; i++) {
            segmentOf[i] = -1;
            segmentChunkOffset[i] = -1;
            if (cats.get(i).indicator()) {
                continue;
            }
            for (int k = 0; k < embeddingSegments; k++) {
                if (chunkOffset[i] >= segmentStart[k] && chunkOffset[i] < segmentStart[k] + segmentChunks[k]) {
                    segmentOf[i] = k;
                    segmentChunkOffset[i] = chunkOffset[i] - segmentStart[k];
                    segmentSubSlots[k] += cats.get(i).slots() * subRowsPerBucket[i];
                }
            }
        }
    }

    /**
     * A named segment of the wide table: a categorical feature's weights or a cross's.
     *
     * @param name the feature's or the cross's name
     * @param offset its first row in the wide table
     * @param rows its number of rows (buckets)
     */
    record WideTable(String name, int offset, int rows) {
    }

    /**
     * The wide row of cross {@code x} for a row whose categorical slots start at {@code catBase} in {@code cat}, or
     * -1 when either crossed feature is empty there.
     */
    int crossRow(int x, int[] cat, int catBase) {
        int first = cat[catBase + spec.slotOffset(crossFirst[x])];
        int second = cat[catBase + spec.slotOffset(crossSecond[x])];
        return first < 0 || second < 0 ? -1 : crossOffset[x] + first * crossStride[x] + second;
    }

    /** Whether the spec has any embedding feature (else there is no embedding table). */
    boolean hasEmbeddings() {
        return unit > 0;
    }

    private List<int[]> segments(List<CategoricalFeature> cats) {
        List<int[]> segments = new ArrayList<>();
        for (int i = 0; i < cats.size(); i++) {
            CategoricalFeature f = cats.get(i);
            if (f.indicator()) {
                add(segments, 1, indicatorOffset[i], indicatorOffset[i] + f.buckets());
            } else {
                add(segments, 0, chunkOffset[i] * unit, chunkOffset[i] * unit + f.embeddingDim());
            }
        }
        add(segments, 1, indicatorWidth, denseWidth);
        return List.copyOf(segments);
    }

    private static void add(List<int[]> segments, int source, int from, int to) {
        if (from == to) {
            return;
        }
        if (!segments.isEmpty()) {
            int[] last = segments.get(segments.size() - 1);
            if (last[0] == source && last[2] == from) {
                last[2] = to;
                return;
            }
        }
        segments.add(new int[] {source, from, to});
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
