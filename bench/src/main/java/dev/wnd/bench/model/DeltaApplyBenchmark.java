package dev.wnd.bench.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.Pair;
import dev.wnd.features.spec.CategoricalFeature;
import dev.wnd.features.spec.FeatureSpec;
import dev.wnd.model.Batch;
import dev.wnd.model.ModelConfig;
import dev.wnd.model.ServingModel;
import dev.wnd.model.ServingPredictor;
import dev.wnd.model.TensorSource;
import dev.wnd.model.WideDeepBlock;
import dev.wnd.model.WideDeepPredictor;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * What applying one delta to a served model costs as the tables grow: it must stay flat, since
 * {@link ServingModel#withDeltas} copies the pages the delta's rows touch, not the tables. For each table size (the
 * seed spec with every embedding feature's buckets scaled), a model is loaded once from synthetic parameters, then
 * deltas are applied one after the other, the sizes interleaved round after round in one JVM so that other load on
 * the machine hits every size alike. Each delta holds the rows a batch of {@code exampleRows} training examples
 * touches (per feature, one random bucket per example and slot, distinct) and a whole new dense block, as the
 * learner writes it. For contrast, each round also times what the scorer did per version before: allocating a
 * table of that size in native memory and copying the served one into it (once per delta, and once per stream
 * thread). Prints per size: the embedding rows and megabytes, the full load, the delta's size, and the minimum,
 * median and maximum milliseconds per delta with the minor page faults per delta ({@code /proc/self/stat}) and the
 * collectors' time during the deltas (their pauses included in the times), then the old copy's.
 *
 * <p>At the seed size it also times the scorer's passes (1–2 requests of 2–12 ads) through a {@link ServingPredictor}
 * (tables on the heap, pages) against a {@link WideDeepPredictor} (tables in native memory), same parameters,
 * alternating, as a check that the pages cost the hot path nothing that matters.
 *
 * <p>Usage, from the repository root after {@code ./mvnw -o -q -B package -DskipTests -pl app -am} (which
 * {@code ./wnd} runs on first use):
 * <pre>
 * DJL_OFFLINE=true PYTORCH_FLAVOR=cpu java -Xmx8g --add-modules jdk.incubator.vector \
 *   -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1 \
 *   -cp "bench/target/classes:$(cat bench/target/classpath.txt)" dev.wnd.bench.model.DeltaApplyBenchmark \
 *   [scales [rounds [exampleRows [hiddenUnits]]]]
 * </pre>
 * (defaults {@code 1/16,1/4,1,2}, 12, 512, {@code 256,256,256}; a scale of 1 is the seed's 343 MB table; the heap
 * must hold every size at once plus a few hundred MB).
 */
public final class DeltaApplyBenchmark {

    private DeltaApplyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String[] scaleArgs = (args.length > 0 ? args[0] : "1/16,1/4,1,2").split(",");
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 12;
        int exampleRows = args.length > 2 ? Integer.parseInt(args[2]) : 512;
        List<Integer> hidden = new ArrayList<>();
        for (String u : (args.length > 3 ? args[3] : "256,256,256").split(",")) {
            hidden.add(Integer.parseInt(u.trim()));
        }
        ModelConfig config = ModelConfig.defaults().toBuilder().deepHiddenUnits(hidden).build();
        List<Size> sizes = new ArrayList<>();
        for (String s : scaleArgs) {
            sizes.add(new Size(s.trim(), scaled(FeatureSpec.seed(), parseScale(s.trim())), config, exampleRows,
                    rounds));
        }
        System.out.printf("MLP %s, deltas of the rows of %d training examples, %d rounds, sizes interleaved%n",
                hidden, exampleRows, rounds);
        try (NDManager nativeMemory = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            for (int round = 0; round < rounds; round++) {
                for (int i = 0; i < sizes.size(); i++) {
                    Size size = sizes.get((round + i) % sizes.size());
                    size.applyNext(round);
                }
                for (int i = 0; i < sizes.size(); i++) {
                    sizes.get((round + i) % sizes.size()).copyTheOldWay(nativeMemory);
                }
                System.out.printf("round %2d done%n", round);
            }
        }
        System.out.println();
        System.out.println("| scale | 64-float rows | table MB | full load s | delta MB | ms per delta min/median/max "
                + "| faults per delta (median) | GC pauses during deltas, ms in all | old way: native table copy ms "
                + "min/median/max |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (Size size : sizes) {
            size.report();
        }
        Size seed = sizes.stream().filter(s -> s.scale.equals("1")).findFirst().orElse(null);
        if (seed != null) {
            comparePasses(seed, config);
        }
        for (Size size : sizes) {
            size.model.close();
        }
    }

    private static double parseScale(String s) {
        int slash = s.indexOf('/');
        return slash < 0 ? Double.parseDouble(s)
                : Double.parseDouble(s.substring(0, slash)) / Double.parseDouble(s.substring(slash + 1));
    }

    /** The spec with every embedding feature's buckets scaled (at least its slots plus one). */
    static FeatureSpec scaled(FeatureSpec seed, double scale) {
        if (scale == 1) {
            return seed;
        }
        List<CategoricalFeature> features = new ArrayList<>();
        for (CategoricalFeature f : seed.categorical()) {
            int buckets = f.indicator() ? f.buckets() : (int) Math.max(f.slots() + 1, Math.round(f.buckets() * scale));
            features.add(new CategoricalFeature(f.name(), f.group(), buckets, f.embeddingDim(), f.slots()));
        }
        return new FeatureSpec(seed.version() + "-x" + scale, features, seed.numeric());
    }

    /** One table size: its model, its deltas, and the times measured. */
    private static final class Size {
        final String scale;
        final FeatureSpec spec;
        final ModelConfig config;
        final long embeddingRows;
        final long embeddingFloats;
        final double loadSeconds;
        final List<Synthetic> deltas = new ArrayList<>();
        final long[] applyNanos;
        final long[] applyFaults;
        final long[] applyGcMillis;
        final long[] oldNanos;
        int applied;
        int copied;
        ServingModel model;

        Size(String scale, FeatureSpec spec, ModelConfig config, int exampleRows, int rounds) throws IOException {
            this.scale = scale;
            this.spec = spec;
            this.config = config;
            long floats = 0;
            for (CategoricalFeature f : spec.categorical()) {
                floats += f.indicator() ? 0 : (long) f.buckets() * f.embeddingDim();
            }
            this.embeddingFloats = floats;
            this.embeddingRows = floats / 64;
            long start = System.nanoTime();
            this.model = ServingModel.load(spec, config, "v0", Synthetic.full(spec, config, 1));
            this.loadSeconds = (System.nanoTime() - start) / 1e9;
            SplittableRandom rng = new SplittableRandom(scale.hashCode());
            for (int d = 0; d < rounds; d++) {
                deltas.add(Synthetic.delta(spec, config, exampleRows, rng));
            }
            this.applyNanos = new long[rounds];
            this.applyFaults = new long[rounds];
            this.applyGcMillis = new long[rounds];
            this.oldNanos = new long[rounds];
        }

        void applyNext(int round) throws IOException {
            long faults = minorFaults();
            long gc = gcMillis();
            long start = System.nanoTime();
            ServingModel next = model.withDeltas(List.of(deltas.get(round)), "v" + (round + 1));
            applyNanos[applied] = System.nanoTime() - start;
            applyGcMillis[applied] = gcMillis() - gc;
            applyFaults[applied++] = minorFaults() - faults;
            model.close();
            model = next;
            try (ServingPredictor p = model.newPredictor()) { // the version is used, as the scorer would
                p.predict(HostMlpBenchmark.scorerPass(spec, new SplittableRandom(round)));
            }
        }

        /** The old cost per version: a table of this size allocated in native memory and the served one copied in. */
        void copyTheOldWay(NDManager manager) {
            boolean grad = JniUtils.isGradMode();
            JniUtils.setGradMode(false);
            try (NDManager scope = manager.newSubManager()) {
                NDArray served = scope.zeros(new Shape(embeddingFloats / 64, 64), DataType.FLOAT32);
                long start = System.nanoTime();
                NDArray copy = scope.zeros(new Shape(embeddingFloats / 64, 64), DataType.FLOAT32);
                copy.set(new NDIndex("..."), served);
                oldNanos[copied++] = System.nanoTime() - start;
            } finally {
                JniUtils.setGradMode(grad);
            }
        }

        void report() {
            long[] ms = Arrays.stream(applyNanos, 0, applied).sorted().toArray();
            long[] old = Arrays.stream(oldNanos, 0, copied).sorted().toArray();
            double deltaMb = deltas.get(0).bytes() / 1e6;
            System.out.printf("| %s | %,d | %,.0f | %.1f | %.1f | %.1f / %.1f / %.1f | %,d | %d | %.0f / %.0f / %.0f "
                    + "|%n", scale, embeddingRows, embeddingFloats * 4 / 1e6, loadSeconds, deltaMb, ms[0] / 1e6,
                    ms[ms.length / 2] / 1e6, ms[ms.length - 1] / 1e6,
                    Arrays.stream(applyFaults, 0, applied).sorted().toArray()[applied / 2],
                    Arrays.stream(applyGcMillis, 0, applied).sum(), old[0] / 1e6, old[old.length / 2] / 1e6,
                    old[old.length - 1] / 1e6);
        }
    }

    /** The scorer's passes through the served version against a WideDeepPredictor of the same parameters. */
    private static void comparePasses(Size seed, ModelConfig config) throws IOException {
        int passes = 2_000;
        SplittableRandom random = new SplittableRandom(3);
        Batch[] batches = new Batch[passes];
        for (int i = 0; i < passes; i++) {
            batches[i] = HostMlpBenchmark.scorerPass(seed.spec, random);
        }
        try (ServingModel served = ServingModel.load(seed.spec, config, "p", Synthetic.full(seed.spec, config, 1));
                ServingPredictor paged = served.newPredictor();
                WideDeepPredictor nativeTables = WideDeepPredictor.load(seed.spec, config, "p",
                        Synthetic.full(seed.spec, config, 1))) {
            for (Batch b : batches) {
                if (!Arrays.equals(paged.predict(b), nativeTables.predict(b))) {
                    throw new IllegalStateException("the two predictors differ");
                }
            }
            double[] ratios = new double[8];
            for (int round = 0; round < ratios.length; round++) {
                long start = System.nanoTime();
                for (Batch b : batches) {
                    nativeTables.predict(b);
                }
                long mid = System.nanoTime();
                for (Batch b : batches) {
                    paged.predict(b);
                }
                long end = System.nanoTime();
                ratios[round] = (double) (end - mid) / (mid - start);
                System.out.printf("passes round %d: native tables %.1f us/pass, heap pages %.1f us/pass%n", round,
                        (mid - start) / 1e3 / passes, (end - mid) / 1e3 / passes);
            }
            Arrays.sort(ratios);
            System.out.printf("answers equal bit for bit; pass time heap pages / native tables: median %.2f, range "
                    + "%.2f-%.2f%n", ratios[ratios.length / 2], ratios[0], ratios[ratios.length - 1]);
        }
    }

    /** Milliseconds the collectors have spent so far (pauses, for G1's young and mixed collections). */
    static long gcMillis() {
        long ms = 0;
        for (java.lang.management.GarbageCollectorMXBean gc
                : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            ms += Math.max(0, gc.getCollectionTime());
        }
        return ms;
    }

    /** Minor page faults of this process so far; -1 where {@code /proc} does not tell. */
    static long minorFaults() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[7]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Synthetic tensors in memory: a full model's parameters generated on the fly (pseudo-random, the same on every
     * read), or a delta's rows and dense block held in arrays.
     */
    private static final class Synthetic implements TensorSource {
        private final Map<String, Shape> shapes = new LinkedHashMap<>();
        private final Map<String, float[]> floats = new LinkedHashMap<>();
        private final Map<String, long[]> longs = new LinkedHashMap<>();
        private final long seed;

        private Synthetic(long seed) {
            this.seed = seed;
        }

        /** A full model's parameters: every value generated when read. */
        static Synthetic full(FeatureSpec spec, ModelConfig config, long seed) {
            Synthetic s = new Synthetic(seed);
            denseShapes(spec, config).forEach(s.shapes::put);
            for (CategoricalFeature f : spec.categorical()) {
                if (!f.indicator()) {
                    s.shapes.put("embedding/" + f.name(), new Shape(f.buckets(), f.embeddingDim()));
                }
            }
            for (CategoricalFeature f : spec.categorical()) {
                s.shapes.put("wide/" + f.name(), new Shape(f.buckets()));
            }
            return s;
        }

        /** A delta: per feature, the distinct buckets that {@code examples} examples touch, and a dense block. */
        static Synthetic delta(FeatureSpec spec, ModelConfig config, int examples, SplittableRandom rng) {
            Synthetic s = new Synthetic(rng.nextLong());
            for (Map.Entry<String, Shape> e : denseShapes(spec, config).entrySet()) {
                s.put(e.getKey(), e.getValue(), random(rng, (int) e.getValue().size()));
            }
            for (CategoricalFeature f : spec.categorical()) {
                Set<Long> touched = new TreeSet<>();
                for (int i = 0; i < examples * f.slots(); i++) {
                    touched.add((long) rng.nextInt(f.buckets()));
                }
                long[] rows = touched.stream().mapToLong(Long::longValue).toArray();
                if (!f.indicator()) {
                    s.longs.put("embedding/" + f.name() + "/rows", rows);
                    s.shapes.put("embedding/" + f.name() + "/rows", new Shape(rows.length));
                    s.put("embedding/" + f.name() + "/values", new Shape(rows.length, f.embeddingDim()),
                            random(rng, rows.length * f.embeddingDim()));
                }
                s.longs.put("wide/" + f.name() + "/rows", rows);
                s.shapes.put("wide/" + f.name() + "/rows", new Shape(rows.length));
                s.put("wide/" + f.name() + "/values", new Shape(rows.length), random(rng, rows.length));
            }
            return s;
        }

        private void put(String name, Shape shape, float[] values) {
            shapes.put(name, shape);
            floats.put(name, values);
        }

        private static float[] random(SplittableRandom rng, int n) {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = (float) ((rng.nextDouble() - 0.5) * 0.1);
            }
            return v;
        }

        /** The block's parameters by tensor name, as the model names them. */
        private static Map<String, Shape> denseShapes(FeatureSpec spec, ModelConfig config) {
            Map<String, Shape> shapes = new LinkedHashMap<>();
            try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
                WideDeepBlock block = WideDeepBlock.builder().setDeepInputWidth(spec.deepInputWidth())
                        .optHiddenUnits(config.deepHiddenUnits()).optNumericCount(spec.numericCount()).build();
                block.initialize(m, DataType.FLOAT32, block.inputShapes());
                for (Pair<String, Parameter> p : block.getParameters()) {
                    shapes.put("block/" + p.getKey(), p.getValue().getArray().getShape());
                }
            }
            return shapes;
        }

        long bytes() {
            long b = 0;
            for (float[] f : floats.values()) {
                b += 4L * f.length;
            }
            for (long[] l : longs.values()) {
                b += 8L * l.length;
            }
            return b;
        }

        @Override
        public Set<String> names() {
            return shapes.keySet();
        }

        @Override
        public Shape shape(String name) {
            Shape s = shapes.get(name);
            if (s == null) {
                throw new IllegalArgumentException("no tensor " + name);
            }
            return s;
        }

        @Override
        public void readInto(String name, NDArray target) {
            if (longs.containsKey(name)) {
                target.set(new NDIndex("..."), target.getManager().create(longs.get(name)));
                return;
            }
            long rows = shape(name).dimension() == 0 ? 1 : shape(name).get(0);
            long rowFloats = shape(name).size() / Math.max(1, rows);
            try (NDManager scope = target.getManager().newSubManager()) {
                scope.tempAttachAll(target);
                long chunkRows = Math.max(1, (1 << 20) / Math.max(1, rowFloats));
                for (long start = 0; start < rows; start += chunkRows) {
                    long end = Math.min(rows, start + chunkRows);
                    float[] chunk = values(name, start * rowFloats, (int) ((end - start) * rowFloats));
                    long[] dims = shape(name).getShape().clone();
                    try (NDManager part = scope.newSubManager()) {
                        if (dims.length == 0) {
                            target.set(new NDIndex("..."), part.create(chunk[0]));
                        } else {
                            dims[0] = end - start;
                            target.set(new NDIndex(start + ":" + end), part.create(chunk, new Shape(dims)));
                        }
                    }
                }
            }
        }

        @Override
        public void readFloats(String name, FloatChunks chunks) throws IOException {
            long total = shape(name).size();
            for (long first = 0; first < total; first += 1 << 20) {
                int n = (int) Math.min(1 << 20, total - first);
                chunks.accept(first, FloatBuffer.wrap(values(name, first, n)));
            }
        }

        /** Elements {@code [first, first + n)} of float tensor {@code name}. */
        private float[] values(String name, long first, int n) {
            float[] held = floats.get(name);
            if (held != null) {
                return Arrays.copyOfRange(held, (int) first, (int) first + n);
            }
            float[] v = new float[n];
            long base = seed * 0x9E3779B97F4A7C15L + name.hashCode();
            for (int i = 0; i < n; i++) {
                long z = base + (first + i) * 0xBF58476D1CE4E5B9L;
                z = (z ^ (z >>> 31)) * 0x94D049BB133111EBL;
                v[i] = ((z >>> 40) / (float) (1 << 24) - 0.5f) * 0.1f;
            }
            return v;
        }
    }
}
