package dev.bbq.bench;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** A big-endian long view of {@code byte[]}, to stamp sequence numbers into source arrays. */
final class Bytes {
    static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private Bytes() {
    }

    /**
     * Where a message starts in a {@link #message} array: 128 bytes (two lines, and the adjacent-line
     * prefetcher's pair) from either end, so that the sequence number a copying candidate's producer
     * writes into it for every message never shares a cache line with the objects allocated next to the array,
     * such as the queue objects the consumer reads on every poll.
     */
    static final int PAD = 128;

    /**
     * A source array for messages of up to {@code length} bytes, whose first 8 bytes a copying
     * candidate's producer rewrites for every message (see {@link Candidate}): {@code length} bytes of recognisable content at {@link #PAD}, and padding
     * either side.
     */
    static byte[] message(int length) {
        byte[] b = new byte[PAD + length + PAD];
        System.arraycopy(source(length), 0, b, PAD, length);
        return b;
    }

    /** A source array of {@code length} bytes with recognisable content. */
    static byte[] source(int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return b;
    }
}
