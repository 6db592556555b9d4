package dev.wnd.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.wnd.features.spec.CategoricalFeature;
import dev.wnd.features.spec.FeatureSpec;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * The Wide &amp; Deep model's parameters and forward pass, shared by the trainer and the predictor: the dense
 * {@link WideDeepBlock}, the fused embedding table (see {@link InputLayout}) and the fused wide-weight table.
 *
 * <p>The embeddings and the block live in this model's own {@link NDManager} (on the configured device). Callers
 * run each batch inside a sub-manager in which they temporarily attach {@link #persistentArrays()}, so that every
 * intermediate array of the batch is freed when that scope closes.
 *
 * <p>The wide table (one float per bucket, 0.7 M for the seed) lives in host memory: a batch's wide sums, their
 * gradients and the FTRL update of the touched weights are a few hundred thousand scalar operations, far cheaper
 * in Java than the thirty-odd small native calls they would take on the device. Only the {@code [N]} sums and
 * their gradient cross over. Not thread-safe.
 */
final class WideDeepModel implements AutoCloseable {

    /** Parameter-name prefix of the block's parameters. */
    static final String BLOCK_PREFIX = "block/";
    /** Parameter-name prefix of the per-feature embedding tables. */
    static final String EMBEDDING_PREFIX = "embedding/";
    /** Parameter-name prefix of the per-feature wide-weight tables. */
    static final String WIDE_PREFIX = "wide/";

    private static final int INIT_CHUNK_FLOATS = 1 << 20;

    final FeatureSpec spec;
    final ModelConfig config;
    final InputLayout layout;
    final NDManager manager;
    final WideDeepBlock block;
    final NDArray embeddings;
    final float[] wide;
    final BatchEncoder encoder;
    final HostInputs hostInputs;
    /** Per deep segment, the column slice of the dense input it takes (null for embedding segments). */
    private final NDIndex[] denseSlices;
    /** The numeric columns of the dense input. */
    private final NDIndex numericSlice;

    /**
     * The leaves and the logits of one forward pass.
     *
     * @param logits {@code [N]}
     * @param embeddingIds the gathered embedding sub-rows (int64), null if none
     * @param embeddingRows the gathered rows, a gradient leaf when training; null if none
     * @param wideSum {@code [N]} per-row sum of the wide weights, a gradient leaf when training
     */
    record Forward(NDArray logits, NDArray embeddingIds, NDArray embeddingRows, NDArray wideSum) {
    }

    private WideDeepModel(FeatureSpec spec, ModelConfig config) {
        this.spec = spec;
        this.config = config;
        this.layout = new InputLayout(spec);
        // Built once: parsing an index string per forward pass cost a scorer request more than some of its ops.
        this.denseSlices = layout.deepSegments.stream()
                .map(piece -> piece[0] == 0 ? null : NDIndex.sliceAxis(1, piece[1], piece[2]))
                .toArray(NDIndex[]::new);
        this.numericSlice = NDIndex.sliceAxis(1, layout.indicatorWidth, layout.denseWidth);
        Device device = config.djlDevice();
        this.manager = NDManager.newBaseManager(device, "PyTorch");
        this.manager.setName("wide-deep-model");
        try {
            this.block = WideDeepBlock.builder()
                    .setDeepInputWidth(layout.deepWidth)
                    .optHiddenUnits(config.deepHiddenUnits())
                    .optDropout((float) config.deepDropout())
                    .optNumericCount(spec.numericCount())
                    .optMixedPrecision(config.amp())
                    .build();
            block.initialize(manager, DataType.FLOAT32, block.inputShapes());
            this.embeddings = layout.hasEmbeddings()
                    ? manager.zeros(new Shape(layout.embeddingRows, layout.unit), DataType.FLOAT32)
                    : null;
            this.wide = new float[layout.wideRows];
            this.encoder = new BatchEncoder(layout);
            this.hostInputs = new HostInputs(layout);
        } catch (RuntimeException | Error e) {
            manager.close();
            throw e;
        }
    }

    /** A model with every parameter at zero (to be filled by {@link #initialise} or from a checkpoint). */
    static WideDeepModel allocate(FeatureSpec spec, ModelConfig config) {
        return new WideDeepModel(spec, config);
    }

    /**
     * The seed's initialisation from {@code config.seed()}, reproducible on any machine: MLP weights Glorot-uniform,
     * biases and wide weights 0, embeddings truncated normal (re-drawn beyond 2 sigma) with sigma
     * {@code 1/sqrt(dim)}, as TensorFlow's {@code embedding_column}. Each tensor draws from its own generator
     * seeded by (seed, name), so the values do not depend on the order of initialisation.
     */
    void initialise() {
        long seed = config.seed();
        try (NDManager scope = manager.newSubManager()) {
            scope.tempAttachAll(persistentArrays());
            for (Pair<String, Parameter> p : block.getParameters()) {
                if (!isLinearWeight(p.getKey())) {
                    continue;
                }
                NDArray weight = p.getValue().getArray();
                long out = weight.getShape().get(0);
                long in = weight.getShape().get(1);
                float limit = (float) Math.sqrt(6.0 / (in + out));
                SplittableRandom rng = generator(seed, BLOCK_PREFIX + p.getKey());
                float[] values = new float[Math.toIntExact(out * in)];
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) ((rng.nextDouble() * 2 - 1) * limit);
                }
                weight.set(new NDIndex(":"), scope.create(values, weight.getShape()));
            }
            List<CategoricalFeature> features = spec.categorical();
            for (int i = 0; i < features.size(); i++) {
                CategoricalFeature f = features.get(i);
                if (f.indicator()) {
                    continue;
                }
                fillTruncatedNormal(scope, i, f, generator(seed, EMBEDDING_PREFIX + f.name()));
            }
        }
    }

    private void fillTruncatedNormal(NDManager scope, int featureIndex, CategoricalFeature f, SplittableRandom rng) {
        int dim = f.embeddingDim();
        double std = 1.0 / Math.sqrt(dim);
        int k = layout.subRowsPerBucket[featureIndex];
        int bucketsPerChunk = Math.max(1, INIT_CHUNK_FLOATS / dim);
        for (int start = 0; start < f.buckets(); start += bucketsPerChunk) {
            int count = Math.min(bucketsPerChunk, f.buckets() - start);
            float[] values = new float[count * dim];
            for (int i = 0; i < values.length; i++) {
                double z;
                do {
                    z = rng.nextGaussian();
                } while (Math.abs(z) > 2.0);
                values[i] = (float) (z * std);
            }
            int row = layout.embeddingRowOffset[featureIndex] + start * k;
            try (NDManager chunk = scope.newSubManager()) {
                embeddings.set(new NDIndex(row + ":" + (row + count * k)),
                        chunk.create(values, new Shape((long) count * k, layout.unit)));
            }
        }
    }

    private static SplittableRandom generator(long seed, String name) {
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + name.hashCode());
    }

    private static boolean isLinearWeight(String parameterName) {
        return parameterName.endsWith("_weight") && !WideDeepBlock.isWideParameter(parameterName);
    }

    /** Every native array that outlives a batch: the block's parameters and the embedding table. */
    List<NDArray> persistentArraysList() {
        List<NDArray> arrays = new ArrayList<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            arrays.add(p.getValue().getArray());
        }
        if (embeddings != null) {
            arrays.add(embeddings);
        }
        return arrays;
    }

    NDArray[] persistentArrays() {
        return persistentArraysList().toArray(new NDArray[0]);
    }

    /**
     * Every parameter by its stable name, for export or import inside {@code scope} (in which the persistent
     * arrays must be temporarily attached): {@code block/<djl name>} for the block, {@code embedding/<feature>}
     * ({@code [buckets, dim]}, a view of the fused table) and {@code wide/<feature>} ({@code [buckets]}, staged
     * through a copy of the host table) per categorical feature.
     */
    NamedTensors namedParameters(NDManager scope) {
        NamedTensors named = new NamedTensors(scope);
        for (Pair<String, Parameter> p : block.getParameters()) {
            named.device(BLOCK_PREFIX + p.getKey(), p.getValue().getArray());
        }
        addTables(named, embeddings, wide, "");
        return named;
    }

    /**
     * Adds per-feature views of an embedding-shaped device table and a wide-shaped host table, named
     * {@code embedding/<feature><suffix>} and {@code wide/<feature><suffix>}; either may be null.
     */
    void addTables(NamedTensors named, NDArray embeddingTable, float[] wideTable, String suffix) {
        List<CategoricalFeature> features = spec.categorical();
        if (embeddingTable != null) {
            for (int i = 0; i < features.size(); i++) {
                CategoricalFeature f = features.get(i);
                if (f.indicator()) {
                    continue;
                }
                int from = layout.embeddingRowOffset[i];
                int to = from + f.buckets() * layout.subRowsPerBucket[i];
                named.device(EMBEDDING_PREFIX + f.name() + suffix,
                        embeddingTable.get(new NDIndex(from + ":" + to)).reshape(f.buckets(), f.embeddingDim()));
            }
        }
        if (wideTable != null) {
            for (InputLayout.WideTable t : layout.wideTables) {
                named.host(WIDE_PREFIX + t.name() + suffix, wideTable, t.offset(), t.rows());
            }
        }
    }

    /**
     * One forward pass of an encoded batch. Every new array is attached to {@code scope}, in which the persistent
     * arrays must be temporarily attached. With {@code training}, the gathered embedding rows and the wide sums are
     * gradient leaves: record with gradient mode on.
     *
     * <p>The embedding table is read with one gather of its distinct touched rows, then one sparse-times-dense
     * matmul per embedding segment of the deep input (see {@link BatchEncoder}); the backward pass of both is
     * row-sparse. The wide sums are computed on the host.
     */
    Forward forward(NDManager scope, BatchEncoder.Encoded e, boolean training) {
        int n = e.size();
        NDArray embeddingIds = null;
        NDArray embeddingRows = null;
        if (e.embeddingIds().length > 0) {
            embeddingIds = scope.create(e.embeddingIds());
            embeddingRows = embeddings.get(new NDIndex("{}", embeddingIds));
            if (training) {
                embeddingRows.setRequiresGradient(true);
            }
        }
        NDArray dense = layout.denseWidth > 0 ? scope.create(e.dense(), new Shape(n, layout.denseWidth)) : null;
        NDList pieces = new NDList();
        int segment = 0;
        for (int p = 0; p < denseSlices.length; p++) {
            int[] piece = layout.deepSegments.get(p);
            if (piece[0] == 0) {
                pieces.add(segmentMeans(scope, e, segment++, embeddingRows));
            } else if (piece[1] == 0 && piece[2] == layout.denseWidth) {
                pieces.add(dense);
            } else {
                pieces.add(dense.get(denseSlices[p]));
            }
        }
        NDArray deep = pieces.size() == 1 ? pieces.get(0) : NDArrays.concat(pieces, 1);

        float[] sums = new float[n];
        int[] rows = e.wideEntryRow();
        int[] locals = e.wideEntryLocal();
        int[] ids = e.wideIds();
        for (int k = 0; k < rows.length; k++) {
            sums[rows[k]] += wide[ids[locals[k]]];
        }
        NDArray wideSum = scope.create(sums);
        if (training) {
            wideSum.setRequiresGradient(true);
        }
        NDList inputs = new NDList(deep, wideSum);
        if (spec.numericCount() > 0) {
            inputs.add(dense.get(numericSlice));
        }
        NDArray logits = block.forward(new ParameterStore(scope, false), inputs, training).singletonOrThrow();
        return new Forward(logits, embeddingIds, embeddingRows, wideSum);
    }

    /**
     * The logits {@code [N]} of a batch, without gradients (dropout off). Every new array is attached to
     * {@code scope}, in which the persistent arrays must be temporarily attached. On the CPU the inputs are built
     * on the host ({@link HostInputs}): the embedding means straight from the table's memory, so the pass is the
     * MLP's few ops; elsewhere, or for a table beyond one buffer's 2 GB, it is {@link #forward} of the encoded batch.
     *
     * @throws IllegalArgumentException if the batch does not fit the spec
     */
    NDArray predictLogits(NDManager scope, Batch batch) {
        HostInputs.Built in = buildOnHost(batch);
        if (in == null) {
            return forward(scope, encoder.encode(batch, false), false).logits();
        }
        int n = in.size();
        NDList inputs = new NDList(scope.create(in.deep(), new Shape(n, layout.deepWidth)),
                scope.create(in.wideSums()));
        if (spec.numericCount() > 0) {
            inputs.add(scope.create(batch.numeric(), new Shape(n, spec.numericCount())));
        }
        return block.forward(new ParameterStore(scope, false), inputs, false).singletonOrThrow();
    }

    /**
     * The click probabilities of a batch computed on the host by {@code mlp}, which must have been built from this
     * model's block and not be stale: the inputs as {@link #predictLogits} builds them on the CPU, then the MLP and
     * the sigmoid without a native call. Null when the embedding table has no host view (see
     * {@link #hostEmbeddingView}); the caller then takes {@link WideDeepTrainer#predict}.
     *
     * @throws IllegalArgumentException if the batch does not fit the spec
     */
    float[] predictOnHost(Batch batch, HostMlp mlp) {
        HostInputs.Built in = buildOnHost(batch);
        if (in == null) {
            return null;
        }
        float[] p = mlp.logits(in, batch.numeric());
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) (1.0 / (1.0 + Math.exp(-p[i])));
        }
        return p;
    }

    /**
     * The batch's inputs built on the host ({@link HostInputs}), or null when the embedding table has no host view
     * (see {@link #hostEmbeddingView}).
     *
     * @throws IllegalArgumentException if the batch does not fit the spec
     */
    private HostInputs.Built buildOnHost(Batch batch) {
        FloatBuffer table = hostEmbeddingView();
        if (layout.hasEmbeddings() && table == null) {
            return null;
        }
        return hostInputs.build(batch, table, wide);
    }

    /**
     * A view of the embedding table's native memory ({@code embeddingRows x unit} floats, row-major), or null
     * when the table is not a float32 CPU tensor or is too large for one buffer. Taken per batch: cheap (a few
     * native calls, no copy), and never stale.
     */
    private FloatBuffer hostEmbeddingView() {
        if (embeddings == null || embeddings.getDevice().isGpu() || embeddings.getDataType() != DataType.FLOAT32
                || (long) layout.embeddingRows * layout.unit * Float.BYTES > Integer.MAX_VALUE) {
            return null;
        }
        return embeddings.toByteBuffer(true).asFloatBuffer();
    }

    /** The mean embeddings of one segment, {@code [N, segmentChunks * unit]}: one sparse matmul. */
    private NDArray segmentMeans(NDManager scope, BatchEncoder.Encoded e, int segment, NDArray rows) {
        int n = e.size();
        long chunks = layout.segmentChunks[segment];
        float[] values = e.embeddingValues()[segment];
        if (values.length == 0) {
            return scope.zeros(new Shape(n, chunks * layout.unit));
        }
        long[] coo = e.embeddingCoo()[segment];
        NDArray indices = scope.create(coo, new Shape(2, values.length));
        NDArray means = JniUtils.createSparseCoo((PtNDArray) indices, (PtNDArray) scope.create(values),
                new Shape(n * chunks, rows.getShape().get(0)));
        return means.matMul(rows).reshape(n, chunks * layout.unit);
    }

    /** Name suffix of a delta's row ids (int64 bucket ids) of one table. */
    static final String DELTA_ROWS = "/rows";
    /** Name suffix of a delta's row values of one table. */
    static final String DELTA_VALUES = "/values";

    /**
     * Writes the rows of each per-feature table that {@code embeddingRows} (fused sub-rows) and {@code wideRows}
     * (fused wide rows) mark, as {@code <table>/rows} and {@code <table>/values}; see
     * {@link WideDeepTrainer#writeParameterDelta}. The persistent arrays must be attached to {@code scope}.
     */
    void writeChangedRows(NDManager scope, TensorSink sink, BitSet embeddingRows, BitSet wideRows)
            throws IOException {
        List<CategoricalFeature> features = spec.categorical();
        for (int i = 0; i < features.size(); i++) {
            CategoricalFeature f = features.get(i);
            if (f.indicator() || embeddings == null) {
                continue;
            }
            int from = layout.embeddingRowOffset[i];
            int k = layout.subRowsPerBucket[i];
            long[] buckets = changedBuckets(embeddingRows, from, f.buckets(), k);
            if (buckets.length == 0) {
                continue;
            }
            NDArray values = embeddings.get(new NDIndex("{}", scope.create(fusedRows(from, k, buckets))))
                    .reshape(buckets.length, f.embeddingDim());
            sink.write(EMBEDDING_PREFIX + f.name() + DELTA_ROWS, scope.create(buckets));
            sink.write(EMBEDDING_PREFIX + f.name() + DELTA_VALUES, values);
        }
        for (InputLayout.WideTable t : layout.wideTables) {
            long[] buckets = changedBuckets(wideRows, t.offset(), t.rows(), 1);
            if (buckets.length == 0) {
                continue;
            }
            float[] values = new float[buckets.length];
            for (int b = 0; b < buckets.length; b++) {
                values[b] = wide[t.offset() + (int) buckets[b]];
            }
            sink.write(WIDE_PREFIX + t.name() + DELTA_ROWS, scope.create(buckets));
            sink.write(WIDE_PREFIX + t.name() + DELTA_VALUES, scope.create(values));
        }
    }

    /** The buckets of a table starting at fused row {@code from} with {@code k} fused rows per bucket that have a marked row. */
    private static long[] changedBuckets(BitSet marked, int from, int buckets, int k) {
        int to = from + buckets * k;
        long[] out = new long[Math.min(buckets, marked.get(from, to).cardinality())];
        int n = 0;
        long last = -1;
        for (int row = marked.nextSetBit(from); row >= 0 && row < to; row = marked.nextSetBit(row + 1)) {
            long bucket = (row - from) / k;
            if (bucket != last) {
                out[n++] = bucket;
                last = bucket;
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }

    private static long[] fusedRows(int from, int k, long[] buckets) {
        long[] rows = new long[buckets.length * k];
        for (int b = 0; b < buckets.length; b++) {
            for (int j = 0; j < k; j++) {
                rows[b * k + j] = from + buckets[b] * k + j;
            }
        }
        return rows;
    }

    /** The MLP's linear layers (for tests and the benchmark). */
    List<Linear> linearLayers() {
        return block.linearLayers();
    }

    @Override
    public void close() {
        manager.close();
    }
}
