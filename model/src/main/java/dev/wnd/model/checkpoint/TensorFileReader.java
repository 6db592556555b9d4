package dev.wnd.model.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.wnd.model.TensorSource;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads a tensor file (format in {@link TensorFormat}). Construction parses and checks the whole index (every
 * header, lengths consistent with shapes, the end marker at the very end of the file); {@link #readInto} then
 * opens the file again and copies one tensor in chunks. Immutable; each call opens its own channel.
 */
final class TensorFileReader implements TensorSource {

    private record Entry(DataType type, Shape shape, long offset, long length) {
    }

    /** The chunk {@link #readFloats} reads at a time: 256 KiB. */
    static final int FLOAT_CHUNK_BYTES = 256 << 10;

    private final Path file;
    private final Map<String, Entry> entries;

    TensorFileReader(Path file) throws IOException {
        this.file = file;
        Map<String, Entry> index = new LinkedHashMap<>();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer magic = readFully(ch, 0, TensorFormat.MAGIC.length);
            if (!Arrays.equals(magic.array(), TensorFormat.MAGIC)) {
                throw new CorruptCheckpointException(file.getFileName() + ": not a tensor file (bad magic)");
            }
            long pos = TensorFormat.MAGIC.length;
            while (true) {
                int nameLength = readFully(ch, pos, 4).getInt();
                pos += 4;
                if (nameLength == 0) {
                    break;
                }
                if (nameLength < 0 || nameLength > TensorFormat.MAX_NAME_BYTES) {
                    throw new CorruptCheckpointException(file.getFileName() + ": bad name length " + nameLength);
                }
                String name = new String(readFully(ch, pos, nameLength).array(), StandardCharsets.UTF_8);
                pos += nameLength;
                ByteBuffer typeAndRank = readFully(ch, pos, 8);
                pos += 8;
                DataType type;
                try {
                    type = TensorFormat.type(typeAndRank.getInt());
                } catch (IllegalArgumentException e) {
                    throw new CorruptCheckpointException(file.getFileName() + ": " + name + ": " + e.getMessage());
                }
                int rank = typeAndRank.getInt();
                if (rank < 0 || rank > TensorFormat.MAX_RANK) {
                    throw new CorruptCheckpointException(file.getFileName() + ": " + name + ": bad rank " + rank);
                }
                ByteBuffer dimsAndLength = readFully(ch, pos, 8 * rank + 8);
                pos += 8L * rank + 8;
                long[] dims = new long[rank];
                long elements = 1;
                for (int i = 0; i < rank; i++) {
                    dims[i] = dimsAndLength.getLong();
                    if (dims[i] < 0) {
                        throw new CorruptCheckpointException(file.getFileName() + ": " + name + ": negative dim");
                    }
                    elements = Math.multiplyExact(elements, dims[i]);
                }
                long length = dimsAndLength.getLong();
                if (length != elements * type.getNumOfBytes() || pos + length > size) {
                    throw new CorruptCheckpointException(file.getFileName() + ": " + name + ": data length "
                            + length + " does not match shape " + Arrays.toString(dims) + " or the file size");
                }
                if (index.put(name, new Entry(type, new Shape(dims), pos, length)) != null) {
                    throw new CorruptCheckpointException(file.getFileName() + ": duplicate tensor " + name);
                }
                pos += length;
            }
            if (pos != size) {
                throw new CorruptCheckpointException(file.getFileName() + ": " + (size - pos)
                        + " bytes after the end marker");
            }
        } catch (EOFException e) {
            throw new CorruptCheckpointException(file.getFileName() + ": truncated");
        }
        this.entries = Collections.unmodifiableMap(index);
    }

    @Override
    public Set<String> names() {
        return entries.keySet();
    }

    @Override
    public Shape shape(String name) {
        return entry(name).shape();
    }

    /** The data type of tensor {@code name}. */
    DataType dataType(String name) {
        return entry(name).type();
    }

    @Override
    public void readInto(String name, NDArray target) throws IOException {
        Entry e = entry(name);
        if (!e.shape().equals(target.getShape()) || e.type() != target.getDataType()) {
            throw new IllegalArgumentException(name + " is " + e.type() + e.shape() + ", the target is "
                    + target.getDataType() + target.getShape());
        }
        if (e.length() == 0) {
            return;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
                NDManager scope = target.getManager().newSubManager()) {
            scope.tempAttachAll(target);
            long[] dims = e.shape().getShape();
            if (dims.length == 0) {
                ByteBuffer data = readDirect(ch, e.offset(), (int) e.length());
                target.set(new NDIndex("..."), scope.create(data, e.shape(), e.type()));
                return;
            }
            long rows = dims[0];
            long rowBytes = e.length() / rows;
            long chunkRows = Math.max(1, TensorFormat.CHUNK_BYTES / rowBytes);
            for (long start = 0; start < rows; start += chunkRows) {
                long end = Math.min(rows, start + chunkRows);
                long[] chunkDims = dims.clone();
                chunkDims[0] = end - start;
                ByteBuffer data = readDirect(ch, e.offset() + start * rowBytes, Math.toIntExact((end - start)
                        * rowBytes));
                try (NDManager chunk = scope.newSubManager()) {
                    target.set(new NDIndex(start + ":" + end), chunk.create(data, new Shape(chunkDims), e.type()));
                }
            }
        }
    }

    /**
     * Streams the tensor from the file in chunks of at most {@link #FLOAT_CHUNK_BYTES}, through one small heap buffer
     * (the channel reads through its thread's cached direct buffer: no native memory is allocated per call, and the
     * buffer is never one of the collector's humongous objects).
     */
    @Override
    public void readFloats(String name, FloatChunks chunks) throws IOException {
        Entry e = entry(name);
        if (e.type() != DataType.FLOAT32) {
            throw new IllegalArgumentException(name + " is " + e.type() + ", not float32");
        }
        if (e.length() == 0) {
            return;
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(e.length(), FLOAT_CHUNK_BYTES))
                .order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            for (long done = 0; done < e.length(); ) {
                buffer.clear();
                buffer.limit((int) Math.min(buffer.capacity(), e.length() - done));
                fill(ch, e.offset() + done, buffer);
                chunks.accept(done / Float.BYTES, buffer.asFloatBuffer());
                done += buffer.limit();
            }
        }
    }

    /** Reads the tensor straight from the file into the array. */
    @Override
    public long[] readLongs(String name) throws IOException {
        Entry e = entry(name);
        if (e.type() != DataType.INT64) {
            throw new IllegalArgumentException(name + " is " + e.type() + ", not int64");
        }
        long[] values = new long[Math.toIntExact(e.length() / Long.BYTES)];
        if (values.length > 0) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                readFully(ch, e.offset(), (int) e.length()).asLongBuffer().get(values);
            }
        }
        return values;
    }

    private Entry entry(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new IllegalArgumentException("no tensor " + name + " in " + file.getFileName());
        }
        return e;
    }

    private static ByteBuffer readFully(FileChannel ch, long position, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        fill(ch, position, b);
        return b;
    }

    private static ByteBuffer readDirect(FileChannel ch, long position, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocateDirect(length).order(ByteOrder.nativeOrder());
        fill(ch, position, b);
        return b;
    }

    private static void fill(FileChannel ch, long position, ByteBuffer b) throws IOException {
        long p = position;
        while (b.hasRemaining()) {
            int n = ch.read(b, p);
            if (n < 0) {
                throw new EOFException();
            }
            p += n;
        }
        b.flip();
    }
}
