package dev.bbq.bench;

import java.nio.ByteBuffer;

/**
 * The consumer's check, the same for every candidate: each message carries its sequence number in
 * its first 8 bytes (big-endian) and has the size the workload says; its last byte is read too, so
 * every candidate touches the whole message.
 */
final class Checker {
    private final int[] sizes;
    private final byte[] scratch = new byte[8];
    private long expected;
    long touched;

    Checker(int[] sizes) {
        this.sizes = sizes;
    }

    /** Checks a message in {@code buffer} at absolute {@code index}, {@code length} bytes. */
    void check(ByteBuffer buffer, int index, int length) {
        verify(buffer.getLong(index), length, buffer.get(index + length - 1));
    }

    /**
     * As {@link #check(ByteBuffer, int, int)} for a message inside a raw read grant, through the
     * grant's view-free accessors (a view per grant would be an allocation on JDK 17).
     */
    void check(dev.bbq.ReadGrant grant, int index, int length) {
        grant.get(index, scratch, 0, Long.BYTES);
        verify((long) Bytes.LONG.get(scratch, 0), length, grant.get(index + length - 1));
    }

    /** As {@link #check(dev.bbq.ReadGrant, int, int)} for a reusable read grant. */
    void check(dev.bbq.ReusableReadGrant grant, int index, int length) {
        grant.get(index, scratch, 0, Long.BYTES);
        verify((long) Bytes.LONG.get(scratch, 0), length, grant.get(index + length - 1));
    }

    /** As {@link #check(ByteBuffer, int, int)} for a {@code byte[]} message. */
    void check(byte[] message) {
        check(message, message.length);
    }

    /** As {@link #check(ByteBuffer, int, int)} for the first {@code length} bytes of {@code bytes}. */
    void check(byte[] bytes, int length) {
        verify((long) Bytes.LONG.get(bytes, 0), length, bytes[length - 1]);
    }

    /** For candidates that read through Agrona's buffers. */
    void check(org.agrona.DirectBuffer buffer, int index, int length) {
        verify(buffer.getLong(index, java.nio.ByteOrder.BIG_ENDIAN), length, buffer.getByte(index + length - 1));
    }

    /** The one check: the sequence number and size expected next; the last byte was read by the caller. */
    private void verify(long seq, int length, byte last) {
        int size = sizes[(int) (expected & (Workload.PERIOD - 1))];
        if (seq != expected || length != size) {
            throw new IllegalStateException("message " + seq + " of " + length + " bytes arrived; expected message "
                    + expected + " of " + size + " bytes");
        }
        touched += last;
        expected++;
    }

    long expected() {
        return expected;
    }

    /** The size of the message the consumer expects next. */
    int nextSize() {
        return sizes[(int) (expected & (Workload.PERIOD - 1))];
    }
}
