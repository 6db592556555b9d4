package dev.wnd.model.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.wnd.model.TensorSink;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;

/**
 * Writes a tensor file (format in {@link TensorFormat}), computing its SHA-256 and size on the way. Large tensors
 * are copied out of native memory in chunks of whole leading-dimension rows, so memory stays bounded. Not
 * thread-safe.
 */
final class TensorFileWriter implements TensorSink, AutoCloseable {

    private final FileChannel channel;
    private final MessageDigest digest;
    private final Set<String> names = new HashSet<>();
    private long bytes;
    private boolean finished;

    TensorFileWriter(Path file) throws IOException {
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            write(ByteBuffer.wrap(TensorFormat.MAGIC));
        } catch (IOException | RuntimeException e) {
            // no one can close what a failed constructor opened (e.g. on a full disk)
            try {
                channel.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    @Override
    public void write(String name, NDArray array) throws IOException {
        if (finished) {
            throw new IllegalStateException("tensor file already finished");
        }
        if (!names.add(name)) {
            throw new IllegalArgumentException("duplicate tensor " + name);
        }
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        if (nameBytes.length == 0 || nameBytes.length > TensorFormat.MAX_NAME_BYTES) {
            throw new IllegalArgumentException("tensor name length must be in [1, " + TensorFormat.MAX_NAME_BYTES
                    + "]: " + name);
        }
        int dtype = TensorFormat.code(array.getDataType());
        long[] shape = array.getShape().getShape();
        long dataBytes = array.size() * array.getDataType().getNumOfBytes();
        ByteBuffer header = ByteBuffer.allocate(4 + nameBytes.length + 4 + 4 + 8 * shape.length + 8)
                .order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(nameBytes.length).put(nameBytes).putInt(dtype).putInt(shape.length);
        for (long d : shape) {
            header.putLong(d);
        }
        header.putLong(dataBytes);
        header.flip();
        write(header);
        if (dataBytes == 0) {
            return;
        }
        if (shape.length == 0) {
            write(littleEndian(array.toByteBuffer()));
            return;
        }
        long rows = shape[0];
        long rowBytes = dataBytes / rows;
        long chunkRows = Math.max(1, TensorFormat.CHUNK_BYTES / rowBytes);
        for (long start = 0; start < rows; start += chunkRows) {
            long end = Math.min(rows, start + chunkRows);
            // copies of row ranges (also off a GPU) live in a scope of their own, freed chunk by chunk
            try (NDManager chunk = array.getManager().newSubManager()) {
                chunk.tempAttachAll(array);
                NDArray part = rows == end - start ? array : array.get(new NDIndex(start + ":" + end));
                write(littleEndian(part.toByteBuffer()));
            }
        }
    }

    /** Tensor data comes in native order; the format is little-endian, so big-endian platforms are refused. */
    private static ByteBuffer littleEndian(ByteBuffer data) {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new IllegalStateException("tensor files are little-endian; this platform is not");
        }
        return data;
    }

    private void write(ByteBuffer buffer) throws IOException {
        ByteBuffer forDigest = buffer.duplicate();
        digest.update(forDigest);
        while (buffer.hasRemaining()) {
            bytes += channel.write(buffer);
        }
    }

    /** Writes the end marker and forces the file to disk; returns its size and SHA-256. */
    CheckpointManifest.FileDigest finish() throws IOException {
        return finish(true);
    }

    /**
     * Writes the end marker, forces the file to disk when {@code durable} (a file whose loss after a crash is
     * harmless, such as a serving snapshot's, may skip it), and returns its size and SHA-256.
     */
    CheckpointManifest.FileDigest finish(boolean durable) throws IOException {
        ByteBuffer end = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0);
        end.flip();
        write(end);
        if (durable) {
            channel.force(true);
        }
        finished = true;
        return new CheckpointManifest.FileDigest(bytes, HexFormat.of().formatHex(digest.digest()));
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
