package dev.bbq;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * The view-free byte accessors that every grant class shares, called after the grant has checked
 * that it is still open: each checks both ranges and copies. They take primitives and the ring only,
 * so a grant object that calls them never escapes (see {@link Ring}, "Grants").
 */
final class GrantBytes {
    /**
     * Big-endian whatever the order of a buffer the caller handed to {@code BBQueue.Builder.wrap}:
     * the grant's byte layout must not depend on a field of somebody else's buffer object.
     */
    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private GrantBytes() {
    }

    /** Producer side: a big-endian int into a grant of {@code length} bytes at ring offset {@code first}. */
    static void putInt(Ring ring, int first, int length, int index, int value) {
        Objects.checkFromIndexSize(index, Integer.BYTES, length);
        INT.set(ring.data, first + index, value);
    }

    /** Producer side: a big-endian long into a grant of {@code length} bytes at ring offset {@code first}. */
    static void putLong(Ring ring, int first, int length, int index, long value) {
        Objects.checkFromIndexSize(index, Long.BYTES, length);
        LONG.set(ring.data, first + index, value);
    }

    /** Producer side: {@code src[off, off + len)} into a grant of {@code length} bytes at ring offset {@code first}. */
    static void put(Ring ring, int first, int length, int index, byte[] src, int off, int len) {
        Objects.checkFromIndexSize(off, len, src.length);
        Objects.checkFromIndexSize(index, len, length);
        ring.putBytes(first + index, src, off, len);
    }

    /** Consumer side: one byte of a read grant of {@code length} bytes at ring offset {@code first}. */
    static byte get(Ring ring, int first, int length, int index) {
        Objects.checkIndex(index, length);
        return ring.data.get(first + index);
    }

    /** Consumer side: {@code len} bytes of a read grant into {@code dst[off, off + len)}. */
    static void get(Ring ring, int first, int length, int index, byte[] dst, int off, int len) {
        Objects.checkFromIndexSize(off, len, dst.length);
        Objects.checkFromIndexSize(index, len, length);
        ring.getBytes(first + index, dst, off, len);
    }
}
