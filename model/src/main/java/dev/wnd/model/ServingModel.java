package dev.wnd.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.wnd.features.spec.CategoricalFeature;
import dev.wnd.features.spec.FeatureSpec;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One model version as the scorer serves it: built once, then read by any number of scoring threads at once, each
 * through its own light {@link ServingPredictor} ({@link #newPredictor()}, no copy). The next version is derived from
 * it by a delta ({@link #withDeltas}) in time proportional to the rows the delta changes, not to the tables: this
 * version is never written, and the next one shares every table page the delta did not touch.
 *
 * <p><b>What it holds.</b> The embedding and wide tables on the Java heap in copy-on-write pages
 * ({@link PagedTable}); the dense block (the MLP and the wide part's dense weights) in native memory, and the same
 * block repacked for the host ({@link HostMlp}) when the vector module is there. A batch's inputs are built on the
 * host from the tables ({@link HostInputs}), as {@link WideDeepPredictor} builds them; a batch of up to
 * {@value WideDeepPredictor#HOST_MAX_ROWS} rows then goes through the host MLP, a larger one (or any, without the
 * vector module) through libtorch.
 *
 * <p><b>Exactness.</b> Loaded from a full version's parameters, or derived by deltas from one, it holds those
 * parameters bit for bit (a delta carries the new values of the rows it names and the whole dense block, never
 * increments). So its predictions equal, bit for bit, those of a {@link ServingModel} or a {@link WideDeepPredictor}
 * loaded from a full snapshot of the same parameters, whichever way it was reached; and with the host MLP off
 * ({@link #newPredictor(boolean)}) they equal the trainer's ({@link WideDeepTrainer#predict}). The host MLP sums in
 * another order than libtorch: with it, answers differ from the trainer's by a few ulps (see {@link HostMlp}).
 *
 * <p><b>Device.</b> Serves on the CPU, whatever device the config names, and in float32: a model trained with
 * {@code amp} is served from its float32 master weights.
 *
 * <p><b>Threading.</b> Immutable once built; {@link #newPredictor}, {@link #withDeltas} and {@link #close} are
 * thread-safe. Each {@link ServingPredictor} is used by one thread at a time; predictors of one version share its
 * tables and its native block and only read them (inputs and intermediate arrays live in the predictor's own
 * memory), so passes on different threads never wait for each other.
 *
 * <p><b>Lifecycle.</b> The native block is given up when this model is {@linkplain #close() closed} and every
 * predictor taken from it is closed, whichever comes last: a later version derived from the same full load fills it
 * again instead of allocating fresh native memory (whose first touch costs more than filling it), and it is freed
 * when every version of that lineage is given up. The tables go with the garbage collector. After {@link #close()},
 * no new predictor can be taken, but the ones taken keep working until they are closed.
 */
public final class ServingModel implements AutoCloseable {

    private final FeatureSpec spec;
    private final ModelConfig config;
    private final String version;
    private final InputLayout layout;
    private final HostInputs inputs;
    private final HostInputs.PagedTables tables;
    private final Dense dense;
    /** The blocks of this model's lineage: this one's goes there when released, the next version's comes from it. */
    private final DensePool pool;
    /** This model's own reference plus one per open predictor; the native block is released when it reaches 0. */
    private final AtomicInteger references = new AtomicInteger(1);
    private final AtomicBoolean closed = new AtomicBoolean();

    private ServingModel(FeatureSpec spec, ModelConfig config, String version, InputLayout layout, HostInputs inputs,
            HostInputs.PagedTables tables, Dense dense, DensePool pool) {
        this.spec = spec;
        this.config = config;
        this.version = version;
        this.layout = layout;
        this.inputs = inputs;
        this.tables = tables;
        this.dense = dense;
        this.pool = pool;
        pool.versionCreated();
    }

    /**
     * Loads the parameters written by {@link WideDeepTrainer#writeParameters} (any {@code amp/} tensors are passed
     * over), labelled {@code version}. Reads every table once into heap pages: seconds for a seed-sized model.
     *
     * @throws IllegalArgumentException if the tensors do not match the spec and config
     */
    public static ServingModel load(FeatureSpec spec, ModelConfig config, String version, TensorSource parameters)
            throws IOException {
        return load(spec, config, version, parameters, PagedTable.SEGMENT_FLOATS);
    }

    /** As {@link #load(FeatureSpec, ModelConfig, String, TensorSource)} with table segments of this many floats. */
    static ServingModel load(FeatureSpec spec, ModelConfig config, String version, TensorSource parameters,
            int segmentFloats) throws IOException {
        Objects.requireNonNull(version, "version");
        InputLayout layout = new InputLayout(spec);
        Dense dense = Dense.allocate(spec, config, layout);
        try {
            Map<String, Shape> expected = new LinkedHashMap<>();
            dense.arrays().forEach((name, array) -> expected.put(name, array.getShape()));
            List<CategoricalFeature> features = spec.categorical();
            for (CategoricalFeature f : features) {
                if (!f.indicator()) {
                    expected.put(WideDeepModel.EMBEDDING_PREFIX + f.name(), new Shape(f.buckets(), f.embeddingDim()));
                }
            }
            for (InputLayout.WideTable t : layout.wideTables) {
                expected.put(WideDeepModel.WIDE_PREFIX + t.name(), new Shape(t.rows()));
            }
            Set<String> present = new TreeSet<>(parameters.names());
            present.removeIf(name -> name.startsWith("amp/"));
            if (!present.equals(expected.keySet())) {
                Set<String> missing = new TreeSet<>(expected.keySet());
                missing.removeAll(present);
                Set<String> unexpected = new TreeSet<>(present);
                unexpected.removeAll(expected.keySet());
                throw new IllegalArgumentException("parameters do not match the model: missing " + missing
                        + ", unexpected " + unexpected);
            }
            for (Map.Entry<String, Shape> e : expected.entrySet()) {
                Shape shape = parameters.shape(e.getKey());
                if (!shape.equals(e.getValue())) {
                    throw new IllegalArgumentException("parameters: " + e.getKey() + " has shape " + shape
                            + ", the model expects " + e.getValue());
                }
            }
            dense.read(parameters);
            PagedTable embeddings = null;
            if (layout.hasEmbeddings()) {
                PagedTable.Builder table = PagedTable.builder(layout.embeddingRows, layout.unit, segmentFloats);
                for (int i = 0; i < features.size(); i++) {
                    if (!features.get(i).indicator()) {
                        long at = (long) layout.embeddingRowOffset[i] * layout.unit;
                        parameters.readFloats(WideDeepModel.EMBEDDING_PREFIX + features.get(i).name(),
                                (first, chunk) -> table.write(at + first, chunk));
                    }
                }
                embeddings = table.build();
            }
            PagedTable.Builder wide = PagedTable.builder(layout.wideRows, 1, segmentFloats);
            for (InputLayout.WideTable t : layout.wideTables) {
                long at = t.offset();
                parameters.readFloats(WideDeepModel.WIDE_PREFIX + t.name(),
                        (first, chunk) -> wide.write(at + first, chunk));
            }
            return new ServingModel(spec, config, version, layout, new HostInputs(layout),
                    new HostInputs.PagedTables(embeddings, wide.build()), dense.withHostMlp(), new DensePool());
        } catch (IOException | RuntimeException | Error e) {
            dense.close();
            throw e;
        }
    }

    /**
     * A new version labelled {@code version}: this one's parameters with a chain of parameter deltas applied in
     * order (as written by {@link WideDeepTrainer#writeParameterDelta}, the first relative to exactly this model's
     * parameters, each next one relative to the parameters the previous one made). The rows the deltas name are
     * written into copies of their table pages, later deltas over earlier ones; the dense block is the last delta's.
     * This model does not change and may keep serving meanwhile and after. Every delta is read and checked before
     * anything is built, so one that does not fit leaves nothing behind.
     *
     * <p>Cost: the rows of the chain (a copy of each page they touch, 1 KiB, and of each directory leaf they touch,
     * 32 KiB; see {@link PagedTable}), the last delta's dense block (read into the native block of an earlier version
     * of this lineage once that version and its predictors are all closed, else into a new one) and its repacking
     * for the host; not the tables.
     *
     * @param deltas not empty
     * @throws IllegalArgumentException if {@code deltas} is empty or a delta does not fit the spec and config
     * @throws IllegalStateException if this model is closed
     */
    public ServingModel withDeltas(List<? extends TensorSource> deltas, String version) throws IOException {
        Objects.requireNonNull(version, "version");
        ensureOpen();
        if (deltas.isEmpty()) {
            throw new IllegalArgumentException("no delta to apply");
        }
        List<List<RowUpdate>> updates = new ArrayList<>();
        for (TensorSource delta : deltas) {
            updates.add(readRows(delta));
        }
        Dense reused = pool.take();
        Dense next = reused != null ? reused : Dense.allocate(spec, config, layout);
        try {
            next.read(deltas.get(deltas.size() - 1)); // every parameter: a reused block keeps nothing of before
            PagedTable.Editor embeddings = tables.embeddings() == null ? null : tables.embeddings().edit();
            PagedTable.Editor wide = tables.wideTable().edit();
            for (List<RowUpdate> delta : updates) {
                for (RowUpdate u : delta) {
                    u.applyTo(u.embedding() ? embeddings : wide, layout);
                }
            }
            return new ServingModel(spec, config, version, layout, inputs,
                    new HostInputs.PagedTables(embeddings == null ? null : embeddings.build(), wide.build()),
                    next.withHostMlp(), pool);
        } catch (IOException | RuntimeException | Error e) {
            next.close();
            throw e;
        }
    }

    /**
     * The rows one table of one feature (or cross) takes from a delta.
     *
     * @param embedding the embedding table (else the wide table)
     * @param feature the categorical feature's index for the embedding table; for the wide table, the index of its
     *     segment in {@link InputLayout#wideTables} (the feature's index for a feature; crosses follow the features)
     * @param buckets the bucket ids
     * @param values per bucket, its {@code dim} floats (1 for the wide table)
     */
    private record RowUpdate(boolean embedding, int feature, long[] buckets, float[] values) {
        void applyTo(PagedTable.Editor table, InputLayout layout) {
            if (embedding) {
                int k = layout.subRowsPerBucket[feature];
                int unit = layout.unit;
                for (int b = 0; b < buckets.length; b++) {
                    int row = layout.embeddingRowOffset[feature] + (int) buckets[b] * k;
                    for (int j = 0; j < k; j++) {
                        table.setRow(row + j, values, (b * k + j) * unit);
                    }
                }
            } else {
                int offset = layout.wideTables.get(feature).offset();
                for (int b = 0; b < buckets.length; b++) {
                    table.setRow(offset + (int) buckets[b], values, b);
                }
            }
        }
    }

    /**
     * The table rows of a delta, read and checked (names, shapes, data types, bucket ranges), and its dense
     * parameters checked for presence and shape (read later from the last delta only).
     */
    private List<RowUpdate> readRows(TensorSource delta) throws IOException {
        Set<String> known = new TreeSet<>();
        Set<String> missing = new TreeSet<>();
        for (Map.Entry<String, NDArray> e : dense.arrays().entrySet()) {
            known.add(e.getKey());
            if (!delta.names().contains(e.getKey())) {
                missing.add(e.getKey());
            } else if (!delta.shape(e.getKey()).equals(e.getValue().getShape())) {
                throw new IllegalArgumentException("delta: " + e.getKey() + " has shape " + delta.shape(e.getKey())
                        + ", the model expects " + e.getValue().getShape());
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("delta lacks the dense parameters " + missing);
        }
        List<RowUpdate> updates = new ArrayList<>();
        List<CategoricalFeature> features = spec.categorical();
        for (int i = 0; i < features.size(); i++) {
            CategoricalFeature f = features.get(i);
            String embedding = WideDeepModel.EMBEDDING_PREFIX + f.name();
            if (!f.indicator() && layout.hasEmbeddings()
                    && delta.names().contains(embedding + WideDeepModel.DELTA_ROWS)) {
                known.add(embedding + WideDeepModel.DELTA_ROWS);
                known.add(embedding + WideDeepModel.DELTA_VALUES);
                long[] buckets = readBuckets(delta, embedding, f.buckets());
                if (buckets.length > 0) {
                    updates.add(new RowUpdate(true, i, buckets, readValues(delta, embedding,
                            new Shape(buckets.length, f.embeddingDim()))));
                }
            }
        }
        for (int t = 0; t < layout.wideTables.size(); t++) {
            InputLayout.WideTable table = layout.wideTables.get(t);
            String wide = WideDeepModel.WIDE_PREFIX + table.name();
            if (delta.names().contains(wide + WideDeepModel.DELTA_ROWS)) {
                known.add(wide + WideDeepModel.DELTA_ROWS);
                known.add(wide + WideDeepModel.DELTA_VALUES);
                long[] buckets = readBuckets(delta, wide, table.rows());
                if (buckets.length > 0) {
                    updates.add(new RowUpdate(false, t, buckets, readValues(delta, wide,
                            new Shape(buckets.length))));
                }
            }
        }
        Set<String> unexpected = new TreeSet<>(delta.names());
        unexpected.removeAll(known);
        if (!unexpected.isEmpty()) {
            throw new IllegalArgumentException("delta holds tensors this model does not have: " + unexpected);
        }
        return updates;
    }

    private static long[] readBuckets(TensorSource delta, String table, int buckets) throws IOException {
        String name = table + WideDeepModel.DELTA_ROWS;
        Shape shape = delta.shape(name);
        if (shape.dimension() != 1 || !delta.names().contains(table + WideDeepModel.DELTA_VALUES)) {
            throw new IllegalArgumentException("delta: " + name + " must be 1-d and come with " + table
                    + WideDeepModel.DELTA_VALUES);
        }
        long[] rows = delta.readLongs(name);
        for (long r : rows) {
            if (r < 0 || r >= buckets) {
                throw new IllegalArgumentException("delta: " + name + " names bucket " + r + ", the table has "
                        + buckets);
            }
        }
        return rows;
    }

    private static float[] readValues(TensorSource delta, String table, Shape expected) throws IOException {
        String name = table + WideDeepModel.DELTA_VALUES;
        Shape shape = delta.shape(name);
        if (!shape.equals(expected)) {
            throw new IllegalArgumentException("delta: " + name + " has shape " + shape + ", its rows want "
                    + expected);
        }
        float[] values = new float[Math.toIntExact(expected.size())];
        delta.readFloats(name, (first, chunk) -> chunk.get(values, (int) first, chunk.remaining()));
        return values;
    }

    /**
     * A predictor of this version for one scoring thread, with the host MLP for small batches when available:
     * O(1), no copy. Thread-safe.
     *
     * @throws IllegalStateException if this model is closed
     */
    public ServingPredictor newPredictor() {
        return newPredictor(true);
    }

    /**
     * As {@link #newPredictor()}; with {@code hostMlp} false every batch goes through libtorch, as the trainer
     * computes (for comparisons with {@link WideDeepTrainer#predict}).
     *
     * @throws IllegalStateException if this model is closed
     */
    public ServingPredictor newPredictor(boolean hostMlp) {
        ServingPredictor p = tryNewPredictor(hostMlp);
        if (p == null) {
            throw new IllegalStateException("model " + version + " is closed");
        }
        return p;
    }

    /**
     * As {@link #newPredictor()}, but null if this model is closed: for a caller that may race another thread's
     * {@link #close()} (a feed replacing the model it hands out), which then takes the newer model instead.
     */
    public ServingPredictor tryNewPredictor() {
        return tryNewPredictor(true);
    }

    private ServingPredictor tryNewPredictor(boolean hostMlp) {
        if (closed.get() || !acquire()) {
            return null;
        }
        return new ServingPredictor(this, hostMlp && dense.hostMlp() != null);
    }

    private boolean acquire() {
        while (true) {
            int n = references.get();
            if (n == 0) {
                return false;
            }
            if (references.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Gives back one reference; the last hands the native block to the lineage's pool (or frees it). */
    void release() {
        if (references.decrementAndGet() == 0) {
            pool.released(dense);
        }
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("model " + version + " is closed");
        }
    }

    /** The model version this serves. */
    public String version() {
        return version;
    }

    /** The feature spec the model reads. */
    public FeatureSpec spec() {
        return spec;
    }

    /** Whether small batches are computed on the host ({@link HostMlp}) rather than by libtorch. */
    public boolean computesOnHost() {
        return dense.hostMlp() != null;
    }

    /**
     * The probabilities of a batch, for {@link ServingPredictor#predict}: on the host MLP when {@code hostMlp} and the
     * batch is small, else through libtorch with every new array in {@code owner}'s own native memory.
     */
    float[] predict(Batch batch, boolean hostMlp, ServingPredictor owner) {
        if (batch.size() == 0) {
            BatchEncoder.validate(layout, batch);
            return new float[0];
        }
        HostInputs.Built in = inputs.build(batch, tables);
        if (hostMlp && batch.size() <= WideDeepPredictor.HOST_MAX_ROWS) {
            float[] p = dense.hostMlp().logits(in, batch.numeric());
            for (int i = 0; i < p.length; i++) {
                p[i] = (float) (1.0 / (1.0 + Math.exp(-p[i])));
            }
            return p;
        }
        // As WideDeepTrainer.predict of WideDeepModel.predictLogits: the same ops on the same values. The block's
        // parameters are only read: nothing is attached to their manager, every new array goes to this pass's scope.
        boolean previousGradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDManager scope = owner.scratch().newSubManager()) {
            int n = in.size();
            NDList blockInputs = new NDList(scope.create(in.deep(), new Shape(n, layout.deepWidth)),
                    scope.create(in.wideSums()));
            if (spec.numericCount() > 0) {
                blockInputs.add(scope.create(batch.numeric(), new Shape(n, spec.numericCount())));
            }
            NDArray logits = dense.block().forward(new ParameterStore(scope, false), blockInputs, false)
                    .singletonOrThrow();
            return Activation.sigmoid(logits).toType(DataType.FLOAT32, false).toFloatArray();
        } finally {
            JniUtils.setGradMode(previousGradMode);
        }
    }

    /**
     * Writes every parameter this version serves, by the names and in the order of
     * {@link WideDeepTrainer#writeParameters}: to check what a scorer serves against what a trainer holds. Copies
     * each table out of its pages. Thread-safe.
     *
     * @throws IllegalStateException if this model is closed
     */
    public void writeParameters(TensorSink sink) throws IOException {
        if (closed.get() || !acquire()) {
            throw new IllegalStateException("model " + version + " is closed");
        }
        try (NDManager scope = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            for (Map.Entry<String, NDArray> e : dense.arrays().entrySet()) {
                sink.write(e.getKey(), e.getValue());
            }
            List<CategoricalFeature> features = spec.categorical();
            for (int i = 0; i < features.size(); i++) {
                CategoricalFeature f = features.get(i);
                if (f.indicator()) {
                    continue;
                }
                int rows = f.buckets() * layout.subRowsPerBucket[i];
                float[] values = new float[rows * layout.unit];
                for (int r = 0; r < rows; r++) {
                    tables.embeddings().copyRow(layout.embeddingRowOffset[i] + r, values, r * layout.unit);
                }
                sink.write(WideDeepModel.EMBEDDING_PREFIX + f.name(),
                        scope.create(values, new Shape(f.buckets(), f.embeddingDim())));
            }
            for (InputLayout.WideTable t : layout.wideTables) {
                float[] values = new float[t.rows()];
                for (int b = 0; b < values.length; b++) {
                    values[b] = tables.wideTable().get(t.offset() + b, 0);
                }
                sink.write(WideDeepModel.WIDE_PREFIX + t.name(), scope.create(values));
            }
        } finally {
            release();
        }
    }

    /** The tables (for tests and the benchmark). */
    HostInputs.PagedTables tables() {
        return tables;
    }

    /**
     * Gives back this model's own reference: no new predictor can be taken from it; the native block is freed once
     * the predictors taken are closed too. Closing twice is harmless.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            release();
        }
    }

    @Override
    public String toString() {
        return "ServingModel[" + version + "]";
    }

    /**
     * The dense blocks of a lineage of versions: a full load and every version derived from it, which all have the
     * same block shapes. A version's block (native, and its host repacking), once nothing uses it, is kept (at most
     * {@value #MAX_IDLE}) for the next version to fill; all are freed when the lineage's last version is given up. Thread-safe: blocks come back from
     * whichever thread closes the last predictor of a version.
     */
    private static final class DensePool {
        private static final int MAX_IDLE = 2;
        private final java.util.ArrayDeque<Dense> idle = new java.util.ArrayDeque<>();
        /** Versions of the lineage not given up yet. */
        private int versions;

        synchronized void versionCreated() {
            versions++;
        }

        /** An idle block, no longer part of the pool; null if there is none. */
        synchronized Dense take() {
            return idle.pollFirst();
        }

        /** A version of the lineage was given up, and with it its block, which nothing uses any more. */
        synchronized void released(Dense block) {
            versions--;
            if (versions > 0 && idle.size() < MAX_IDLE) {
                idle.addLast(block); // with its host MLP, whose arrays the next version refills
            } else {
                block.close();
            }
            if (versions == 0) {
                idle.forEach(Dense::close);
                idle.clear();
            }
        }
    }

    /**
     * The dense block of one version in its own native memory (CPU, float32), and its host repacking. Written while
     * the version is built ({@link #read}), then only read.
     */
    private static final class Dense implements AutoCloseable {
        private final NDManager manager;
        private final WideDeepBlock block;
        private final HostMlp hostMlp;

        private Dense(NDManager manager, WideDeepBlock block, HostMlp hostMlp) {
            this.manager = manager;
            this.block = block;
            this.hostMlp = hostMlp;
        }

        /** The block of {@code spec} and {@code config}, every parameter 0, as {@link WideDeepModel} builds it. */
        static Dense allocate(FeatureSpec spec, ModelConfig config, InputLayout layout) {
            NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
            manager.setName("serving-model");
            try {
                WideDeepBlock block = WideDeepBlock.builder()
                        .setDeepInputWidth(layout.deepWidth)
                        .optHiddenUnits(config.deepHiddenUnits())
                        .optDropout((float) config.deepDropout())
                        .optNumericCount(spec.numericCount())
                        .build();
                block.initialize(manager, DataType.FLOAT32, block.inputShapes());
                return new Dense(manager, block, null);
            } catch (RuntimeException | Error e) {
                manager.close();
                throw e;
            }
        }

        /** The block's parameter arrays by their tensor names ({@code block/<djl name>}), in block order. */
        Map<String, NDArray> arrays() {
            Map<String, NDArray> arrays = new LinkedHashMap<>();
            for (Pair<String, Parameter> p : block.getParameters()) {
                arrays.put(WideDeepModel.BLOCK_PREFIX + p.getKey(), p.getValue().getArray());
            }
            return arrays;
        }

        /**
         * Reads every block parameter from {@code source}, whose names and shapes the caller checked, straight into
         * the parameter's native memory (float32, contiguous, on the CPU: a view of it, no staging copy).
         */
        void read(TensorSource source) throws IOException {
            for (Map.Entry<String, NDArray> e : arrays().entrySet()) {
                FloatBuffer target = e.getValue().toByteBuffer(true).asFloatBuffer();
                source.readFloats(e.getKey(), (first, chunk) -> target.put(Math.toIntExact(first), chunk,
                        chunk.position(), chunk.remaining()));
            }
        }

        /**
         * This block, read in full, with its repacking for the host when the vector module is there and the block
         * fits {@link HostMlp}.
         */
        Dense withHostMlp() {
            // a block from the pool comes with the host MLP of its old version, which nothing uses: refill its arrays
            return new Dense(manager, block, WideDeepPredictor.HOST_VECTORS && HostMlp.fits(block)
                    ? HostMlp.of(block, hostMlp) : null);
        }

        WideDeepBlock block() {
            return block;
        }

        HostMlp hostMlp() {
            return hostMlp;
        }

        @Override
        public void close() {
            manager.close();
        }
    }
}
