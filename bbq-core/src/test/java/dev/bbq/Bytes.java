package dev.bbq;

import java.nio.ByteBuffer;

/** Small helpers to fill and check buffers in tests. */
final class Bytes {
    private Bytes() {
    }

    /** {@code n} bytes counting up from {@code first}. */
    static byte[] sequence(int first, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (first + i);
        }
        return b;
    }

    /** The bytes between position and limit, without moving the position. */
    static byte[] remaining(ByteBuffer buffer) {
        byte[] b = new byte[buffer.remaining()];
        buffer.duplicate().get(b);
        return b;
    }

    /** Grants, fills and commits {@code bytes} exactly, failing the test if there is no room. */
    static void write(Producer producer, byte[] bytes) {
        WriteGrant grant = producer.tryGrantExact(bytes.length);
        if (grant == null) {
            throw new AssertionError("no room for " + bytes.length + " bytes");
        }
        grant.buffer().put(bytes);
        grant.commit(bytes.length);
    }

    /** Reads and releases all bytes of one read grant; empty array if there were none. */
    static byte[] readAll(Consumer consumer) {
        ReadGrant grant = consumer.tryRead();
        if (grant == null) {
            return new byte[0];
        }
        byte[] b = remaining(grant.buffer());
        grant.release(grant.length());
        return b;
    }

    /** The next frame's bytes, released; fails if no frame is there. */
    static byte[] readFrame(FrameConsumer consumer) {
        Frame frame = consumer.tryRead();
        if (frame == null) {
            throw new AssertionError("a frame is there");
        }
        byte[] bytes = remaining(frame.buffer());
        frame.release();
        return bytes;
    }

    /** {@code length} bytes that differ with {@code seed}: a frame whose bytes say which it is. */
    static byte[] seeded(int seed, int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (seed * 31 + i * 7 + 1);
        }
        return b;
    }
}
