package dev.wnd.schemas.serde;

import java.io.EOFException;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;

/**
 * Avro binary decoding of one record held in a byte array that never allocates more than the array holds: every
 * string, bytes and fixed length and every array or map block count is checked against the bytes left before
 * anything is allocated for it.
 *
 * <p>Why: Avro's own {@code BinaryDecoder} checks lengths and counts only against
 * {@link org.apache.avro.SystemLimitException}'s limits, which default to the largest Java array and are read once
 * per JVM from system properties. A generated class's decoder then allocates what the count says: 33 bytes that
 * claim an array of 2<sup>31</sup>&minus;9 longs ask for a 16 GB array. Here a claim is held against the record
 * itself, in every JVM, whatever its flags:
 * <ul>
 *   <li>a string, bytes or fixed value cannot be longer than the bytes left;</li>
 *   <li>an array or map block cannot hold more items than the bytes left, because every item takes at least one
 *       byte, which {@link #zeroSizeItems(Schema)} checks for a schema (an array of {@code null}s would not).</li>
 * </ul>
 * So decoding one record allocates at most a small multiple of its size. A violation is an {@link EOFException}
 * (the bytes end before the value does) or an {@link IOException} (a malformed varint) whose message names the
 * byte offset in the array, which for {@link AvroSerde} counts from the record's first (magic) byte.
 *
 * <p>One instance per record; not thread-safe.
 */
final class BoundedBinaryDecoder extends Decoder {

    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final byte[] buf;
    private final int limit;
    private int pos;

    /** Decodes {@code buf[offset, offset + length)}; offsets in messages are indices into {@code buf}. */
    BoundedBinaryDecoder(byte[] buf, int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > buf.length) {
            throw new IndexOutOfBoundsException("offset " + offset + ", length " + length + " of " + buf.length);
        }
        this.buf = buf;
        this.pos = offset;
        this.limit = offset + length;
    }

    /** The offset of the next byte to read. */
    int position() {
        return pos;
    }

    private int left() {
        return limit - pos;
    }

    private EOFException truncated(String what, int at, long needs) {
        return new EOFException("truncated: " + what + " at byte " + at + " needs " + needs + " bytes, "
                + (limit - at) + " left");
    }

    @Override
    public void readNull() {
        // nothing is written for a null
    }

    @Override
    public boolean readBoolean() throws IOException {
        if (pos >= limit) {
            throw truncated("a boolean", pos, 1);
        }
        return buf[pos++] == 1;
    }

    @Override
    public int readInt() throws IOException {
        int at = pos;
        int n = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            if (pos >= limit) {
                throw truncated("an int", at, pos - at + 1);
            }
            int b = buf[pos++];
            n |= (b & 0x7f) << shift;
            if (b >= 0) {
                return (n >>> 1) ^ -(n & 1);
            }
        }
        throw new IOException("malformed int at byte " + at + ": more than 5 bytes");
    }

    @Override
    public long readLong() throws IOException {
        int at = pos;
        long n = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            if (pos >= limit) {
                throw truncated("a long", at, pos - at + 1);
            }
            long b = buf[pos++];
            n |= (b & 0x7f) << shift;
            if (b >= 0) {
                return (n >>> 1) ^ -(n & 1);
            }
        }
        throw new IOException("malformed long at byte " + at + ": more than 10 bytes");
    }

    @Override
    public float readFloat() throws IOException {
        if (left() < 4) {
            throw truncated("a float", pos, 4);
        }
        float f = Float.intBitsToFloat((int) INT_LE.get(buf, pos));
        pos += 4;
        return f;
    }

    @Override
    public double readDouble() throws IOException {
        if (left() < 8) {
            throw truncated("a double", pos, 8);
        }
        double d = Double.longBitsToDouble((long) LONG_LE.get(buf, pos));
        pos += 8;
        return d;
    }

    /** Reads a length and checks that that many bytes are left. */
    private int length(String what) throws IOException {
        int at = pos;
        long length = readLong();
        if (length < 0) {
            throw new IOException("malformed " + what + " at byte " + at + ": negative length " + length);
        }
        if (length > left()) {
            throw new EOFException("truncated: a " + what + " of " + length + " bytes at byte " + at
                    + ", but only " + left() + " bytes left");
        }
        return (int) length;
    }

    @Override
    public Utf8 readString(Utf8 old) throws IOException {
        int length = length("string");
        Utf8 result = old != null ? old : new Utf8();
        result.setByteLength(length);
        System.arraycopy(buf, pos, result.getBytes(), 0, length);
        pos += length;
        return result;
    }

    @Override
    public String readString() throws IOException {
        int length = length("string");
        String s = new String(buf, pos, length, StandardCharsets.UTF_8);
        pos += length;
        return s;
    }

    @Override
    public void skipString() throws IOException {
        int length = length("string"); // not pos += length(...): that would add to pos as it was before the length
        pos += length;
    }

    @Override
    public ByteBuffer readBytes(ByteBuffer old) throws IOException {
        int length = length("bytes value");
        ByteBuffer result;
        if (old != null && length <= old.capacity()) {
            result = old;
            result.clear();
        } else {
            result = ByteBuffer.allocate(length);
        }
        System.arraycopy(buf, pos, result.array(), result.position(), length);
        pos += length;
        result.limit(length);
        return result;
    }

    @Override
    public void skipBytes() throws IOException {
        int length = length("bytes value");
        pos += length;
    }

    @Override
    public void readFixed(byte[] bytes, int start, int length) throws IOException {
        if (length > left()) {
            throw truncated("a fixed", pos, length);
        }
        System.arraycopy(buf, pos, bytes, start, length);
        pos += length;
    }

    @Override
    public void skipFixed(int length) throws IOException {
        if (length > left()) {
            throw truncated("a fixed", pos, length);
        }
        pos += length;
    }

    @Override
    public int readEnum() throws IOException {
        return readInt();
    }

    @Override
    public int readIndex() throws IOException {
        return readInt();
    }

    /**
     * The item count of the next block; a negative count is followed by the block's size in bytes, read and checked
     * here. 0 ends the array or map.
     */
    private long blockCount(String what) throws IOException {
        int at = pos;
        long count = readLong();
        if (count < 0) {
            if (count == Long.MIN_VALUE) {
                throw new IOException("malformed " + what + " block at byte " + at + ": count " + count);
            }
            count = -count;
            int sizeAt = pos;
            long size = readLong();
            if (size < 0 || size > left()) {
                throw new EOFException("truncated: the " + what + " block at byte " + sizeAt + " claims " + size
                        + " bytes, but only " + left() + " bytes left");
            }
        }
        if (count > left()) {
            throw new EOFException("truncated: the " + what + " block at byte " + at + " claims " + count
                    + " items, but only " + left() + " bytes left (every item takes at least one byte)");
        }
        return count;
    }

    /** Skips blocks that carry their size in bytes; returns the count of the next block to skip item by item. */
    private long skipBlocks(String what) throws IOException {
        while (true) {
            int at = pos;
            long count = readLong();
            if (count >= 0) {
                if (count > left()) {
                    throw new EOFException("truncated: the " + what + " block at byte " + at + " claims " + count
                            + " items, but only " + left() + " bytes left (every item takes at least one byte)");
                }
                return count;
            }
            int sizeAt = pos;
            long size = readLong();
            if (size < 0 || size > left()) {
                throw new EOFException("truncated: the " + what + " block at byte " + sizeAt + " claims " + size
                        + " bytes, but only " + left() + " bytes left");
            }
            pos += (int) size;
        }
    }

    @Override
    public long readArrayStart() throws IOException {
        return blockCount("array");
    }

    @Override
    public long arrayNext() throws IOException {
        return blockCount("array");
    }

    @Override
    public long skipArray() throws IOException {
        return skipBlocks("array");
    }

    @Override
    public long readMapStart() throws IOException {
        return blockCount("map");
    }

    @Override
    public long mapNext() throws IOException {
        return blockCount("map");
    }

    @Override
    public long skipMap() throws IOException {
        return skipBlocks("map");
    }

    /**
     * Where {@code schema} has an array whose items can take no bytes at all ({@code null}, a zero-size fixed, a
     * record of such fields), whose item count this decoder could therefore not bound by the bytes left: a path such
     * as {@code Example.categorical[]}, or null when there is none. Map entries always take a byte (the key's
     * length).
     */
    static String zeroSizeItems(Schema schema) {
        return findZeroSizeItems(schema, schema.getName(), new HashSet<>());
    }

    private static String findZeroSizeItems(Schema s, String where, Set<String> seen) {
        switch (s.getType()) {
            case RECORD -> {
                if (!seen.add(s.getFullName())) {
                    return null;
                }
                for (Schema.Field f : s.getFields()) {
                    String found = findZeroSizeItems(f.schema(), where + "." + f.name(), seen);
                    if (found != null) {
                        return found;
                    }
                }
                return null;
            }
            case ARRAY -> {
                if (minSize(s.getElementType(), new HashSet<>()) == 0) {
                    return where + "[]";
                }
                return findZeroSizeItems(s.getElementType(), where + "[]", seen);
            }
            case MAP -> {
                return findZeroSizeItems(s.getValueType(), where + "{}", seen);
            }
            case UNION -> {
                for (Schema branch : s.getTypes()) {
                    String found = findZeroSizeItems(branch, where, seen);
                    if (found != null) {
                        return found;
                    }
                }
                return null;
            }
            default -> {
                return null;
            }
        }
    }

    /** The fewest bytes a value of {@code s} takes in Avro binary. */
    private static int minSize(Schema s, Set<String> inProgress) {
        return switch (s.getType()) {
            case NULL -> 0;
            case FLOAT -> 4;
            case DOUBLE -> 8;
            case FIXED -> s.getFixedSize();
            case RECORD -> {
                if (!inProgress.add(s.getFullName())) {
                    yield 0; // recursive: counted where it started
                }
                int sum = 0;
                for (Schema.Field f : s.getFields()) {
                    sum += minSize(f.schema(), inProgress);
                }
                inProgress.remove(s.getFullName());
                yield sum;
            }
            // a varint, a length, a block count or a branch index: at least one byte
            default -> 1;
        };
    }
}
