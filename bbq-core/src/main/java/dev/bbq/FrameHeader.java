package dev.bbq;

import java.nio.ByteBuffer;

/**
 * The length header in front of every frame of a framed queue.
 *
 * <p>The header is a little-endian variable-width integer whose width is announced by the number
 * of trailing zero bits of its first byte (the encoding of classic bbqueue's {@code vusize}):
 *
 * <pre>
 *   width  first byte   bytes  largest frame length
 *     1    xxxxxxx1       1    2^7  - 1 = 127
 *     2    xxxxxx10       2    2^14 - 1 = 16 383
 *     3    xxxxx100       3    2^21 - 1 = 2 097 151
 *     4    xxxx1000       4    2^28 - 1 = 268 435 455
 *     5    xxx10000       5    2^31 - 1 (any int)
 *
 *   value = (length &lt;&lt; width) | (1 &lt;&lt; (width - 1)), stored in {@code width} bytes, least significant first
 * </pre>
 *
 * <p>The width is fixed when a frame is granted, by the largest length the producer asked for, and
 * the committed length is then written in that width (a shorter frame keeps the wider header). A
 * 64-byte telemetry frame costs one byte of header; Agrona's ring buffer spends eight, plus padding
 * to an 8-byte boundary.
 *
 * <p>Decoding validates every header against the bytes actually committed: a header that is wider
 * than the committed bytes, or announces more bytes than were committed, is reported as corrupt
 * instead of being trusted. Inside one JVM that cannot happen; it matters when the ring lives in a
 * file that another process writes.
 */
final class FrameHeader {
    /** Widest header in bytes. */
    static final int MAX_WIDTH = 5;
    /**
     * Not a header: written at the producer's old write position when it wraps, it tells a framed
     * consumer that peeks there (rule R11 of {@link Ring}) to look at the producer's index instead.
     * Its seven trailing zero bits announce an impossible 8-byte header.
     */
    static final byte INDEX_MARK = (byte) 0x80;
    /**
     * A skip record of one byte. A producer process that takes a queue file over after a death
     * turns a frame whose index was published but whose flag never was (rule R12 of {@link Ring})
     * into skip records, which a consumer releases without delivering. Six trailing zero bits
     * announce an impossible 7-byte header, so code that does not know skip records reports them as
     * corrupt instead of delivering them.
     */
    static final byte SKIP_ONE = (byte) 0x40;
    /** A skip record whose next four bytes (little-endian) give its whole length, five or more. */
    static final byte SKIP_RECORD = (byte) 0xC0;

    private FrameHeader() {
    }

    /** The header width used for frames of at most {@code maxLength} bytes. */
    static int width(int maxLength) {
        if (maxLength < (1 << 7)) {
            return 1;
        }
        if (maxLength < (1 << 14)) {
            return 2;
        }
        if (maxLength < (1 << 21)) {
            return 3;
        }
        if (maxLength < (1 << 28)) {
            return 4;
        }
        return 5;
    }

    /**
     * The largest frame a ring of {@code capacity} bytes can ever accept: the largest {@code n} with
     * {@code n + width(n) <= capacity}.
     */
    static int maxFrameLength(int capacity) {
        int n = capacity - 1;
        while (n > 0 && n + width(n) > capacity) {
            n--;
        }
        return Math.max(n, 0);
    }

    /** Writes the header for {@code length} in exactly {@code width} bytes at {@code index}. */
    static void encode(ByteBuffer data, int index, int width, int length) {
        data.put(index, encodeAllButFirst(data, index, width, length)); // R11: the first byte after the others
    }

    /**
     * Writes every byte of the header but the first, and returns the first: the producer stores it
     * last, as the frame's in-band commit flag (rule R11 of {@link Ring}). It is never zero.
     */
    static byte encodeAllButFirst(ByteBuffer data, int index, int width, int length) {
        long value = ((long) length << width) | (1L << (width - 1));
        for (int i = 1; i < width; i++) {
            data.put(index + i, (byte) (value >>> (8 * i)));
        }
        return (byte) value;
    }

    /**
     * Reads the header at {@code index}, where {@code available} committed bytes start.
     *
     * @return {@code width << 32 | length}
     * @throws IllegalStateException if the header is malformed or announces more than {@code available}
     */
    static long decode(ByteBuffer data, int index, int available) {
        int first = data.get(index) & 0xff;
        if ((first & 1) != 0 && first >>> 1 < available) {
            // One-byte header that fits: by far the most common case for small frames. Kept apart
            // from the rest so that the inlined fast path stays small.
            return (1L << 32) | (first >>> 1);
        }
        return decodeWide(data, index, available, first);
    }

    /** Headers of two or more bytes, and every malformed header. */
    private static long decodeWide(ByteBuffer data, int index, int available, int first) {
        if ((first & 1) != 0) {
            throw corrupt(index, 1, first >>> 1, available);
        }
        int width = Integer.numberOfTrailingZeros(first) + 1;
        if (width > MAX_WIDTH || width > available) {
            throw new IllegalStateException("corrupt frame header at ring offset " + index
                    + ": first byte 0x" + Integer.toHexString(first) + " announces a "
                    + (first == 0 ? "zero" : Integer.toString(width) + "-byte") + " header, "
                    + available + " committed bytes there");
        }
        long value = 0;
        for (int i = width - 1; i >= 0; i--) {
            value = (value << 8) | (data.get(index + i) & 0xff);
        }
        long length = value >>> width;
        if (length > available - width) {
            throw corrupt(index, width, length, available);
        }
        return ((long) width << 32) | length;
    }

    /** Whether a frame's first byte, once non-zero, starts a skip record rather than a frame. */
    static boolean isSkip(byte first) {
        return first == SKIP_ONE || first == SKIP_RECORD;
    }

    /**
     * The length of the skip record at {@code index}, checked against the {@code available} bytes
     * the index shows there (a damaged record is reported, never followed outside them).
     */
    static int skipLength(ByteBuffer data, int index, int available) {
        if (data.get(index) == SKIP_ONE) {
            return 1;
        }
        if (available < 5) {
            throw new IllegalStateException("corrupt skip record at ring offset " + index + ": " + available
                    + " committed bytes there, a skip record needs 5");
        }
        int length = (data.get(index + 1) & 0xff) | (data.get(index + 2) & 0xff) << 8
                | (data.get(index + 3) & 0xff) << 16 | (data.get(index + 4) & 0xff) << 24;
        if (length < 5 || length > available) {
            throw new IllegalStateException("corrupt skip record at ring offset " + index + ": it announces "
                    + length + " bytes, " + available + " committed bytes there");
        }
        return length;
    }

    /**
     * Writes skip records over {@code [start, start + length)}, their first byte last (after a
     * release fence), so that a consumer that sees it sees the whole record, as for a frame (R11).
     */
    static void writeSkip(ByteBuffer data, int start, int length) {
        byte first;
        if (length >= 5) {
            data.put(start + 1, (byte) length);
            data.put(start + 2, (byte) (length >>> 8));
            data.put(start + 3, (byte) (length >>> 16));
            data.put(start + 4, (byte) (length >>> 24));
            first = SKIP_RECORD;
        } else {
            for (int i = length - 1; i > 0; i--) {
                data.put(start + i, SKIP_ONE);
            }
            first = SKIP_ONE;
        }
        java.lang.invoke.VarHandle.releaseFence(); // R12, as R11: the record before its first byte
        data.put(start, first); // R12, as R11: the first byte, after the fence
    }

    private static IllegalStateException corrupt(int index, int width, long length, int available) {
        return new IllegalStateException("corrupt frame header at ring offset " + index + ": a "
                + width + "-byte header announces " + length + " bytes but only " + (available - width)
                + " committed bytes follow it");
    }
}
