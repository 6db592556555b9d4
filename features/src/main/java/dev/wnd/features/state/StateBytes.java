package dev.wnd.features.state;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The byte layout of {@link DataOutputStream} and {@link DataInputStream} (big-endian primitives, modified UTF-8
 * strings), written to and read from a plain array. The streams go through a synchronized {@code read()} or
 * {@code write(int)} per byte, which made decoding a pending display's feature vectors (a few hundred ints and
 * floats) the largest cost of emitting its Examples. Same bytes, so the existing changelogs still read.
 *
 * <p>Not thread-safe; one instance per value.
 */
final class StateBytes {

    private StateBytes() {
    }

    /** A growing big-endian buffer. */
    static final class Out {
        private ByteBuffer buffer;

        Out(int initialCapacity) {
            buffer = ByteBuffer.allocate(initialCapacity);
        }

        private ByteBuffer room(int bytes) {
            if (buffer.remaining() < bytes) {
                ByteBuffer larger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + bytes));
                larger.put(buffer.array(), 0, buffer.position());
                buffer = larger;
            }
            return buffer;
        }

        void writeByte(int v) {
            room(1).put((byte) v);
        }

        void writeBoolean(boolean v) {
            writeByte(v ? 1 : 0);
        }

        void writeInt(int v) {
            room(4).putInt(v);
        }

        void writeLong(long v) {
            room(8).putLong(v);
        }

        void writeFloat(float v) {
            room(4).putFloat(v);
        }

        void writeDouble(double v) {
            room(8).putDouble(v);
        }

        /** As {@link DataOutputStream#writeUTF}: an unsigned 16-bit length, then modified UTF-8. */
        void writeUTF(String s) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length() + 2);
            new DataOutputStream(bytes).writeUTF(s);
            byte[] encoded = bytes.toByteArray();
            room(encoded.length).put(encoded);
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buffer.array(), buffer.position());
        }
    }

    /**
     * A reader over one value. Reading past its end throws {@link java.nio.BufferUnderflowException}, which the
     * serdes turn into the same "truncated state value" error as before.
     */
    static final class In {
        private final ByteBuffer buffer;

        In(byte[] bytes) {
            buffer = ByteBuffer.wrap(bytes);
        }

        byte readByte() {
            return buffer.get();
        }

        int readUnsignedByte() {
            return buffer.get() & 0xFF;
        }

        boolean readBoolean() {
            return buffer.get() != 0;
        }

        int readInt() {
            return buffer.getInt();
        }

        long readLong() {
            return buffer.getLong();
        }

        float readFloat() {
            return buffer.getFloat();
        }

        double readDouble() {
            return buffer.getDouble();
        }

        /** As {@link DataInputStream#readUTF}. */
        String readUTF() throws IOException {
            if (buffer.remaining() < 2) {
                throw new java.nio.BufferUnderflowException();
            }
            int length = Short.toUnsignedInt(buffer.getShort(buffer.position()));
            if (buffer.remaining() < 2 + length) {
                throw new java.nio.BufferUnderflowException();
            }
            String s = new DataInputStream(new ByteArrayInputStream(buffer.array(), buffer.position(), 2 + length))
                    .readUTF();
            buffer.position(buffer.position() + 2 + length);
            return s;
        }
    }
}
