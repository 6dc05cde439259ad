package dev.bbq.wire;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Consistent Overhead Byte Stuffing (Cheshire and Baker, 1999) with 0x00 as the frame delimiter.
 *
 * <p>An encoded frame contains no 0x00, so a receiver that lost track (garbage on the line, a frame
 * cut short) resynchronises at the next 0x00. The encoding is a sequence of blocks: a code byte
 * {@code c} (1 to 255) followed by {@code c - 1} non-zero data bytes, with an implied 0x00 after
 * the block unless {@code c == 0xFF} or the block is the last one. The overhead is
 * {@link #overhead(int)}: one byte per started 254 bytes, at least one. The delimiter itself is not
 * part of what these methods produce or accept; {@link FrameEncoder} adds it.
 *
 * <p><b>In place.</b> Decoding never writes ahead of where it reads, so {@code dst} may be the
 * same array or buffer as {@code src} whenever {@code dstOff <= srcOff}: a read grant can be decoded
 * where it lies. Encoding writes at most {@code overhead(len)} bytes ahead of where it reads, so it
 * works in place when the data starts {@code overhead(len)} bytes after the output,
 * {@code srcOff >= dstOff + overhead(len)}: reserve {@code maxEncodedLength(len)} bytes of a write
 * grant, put the data at {@code overhead(len)} and encode towards 0. Other overlaps are not allowed.
 *
 * <p>Every method allocates nothing; the {@code ByteBuffer} forms use absolute indices and leave
 * position and limit alone, and work on heap and direct buffers.
 */
public final class Cobs {
    /** The largest code byte: a block of 254 data bytes and no implied zero. */
    private static final int MAX_CODE = 0xFF;

    private Cobs() {
    }

    /**
     * The bytes COBS adds to {@code length} bytes of data: 1 for up to 254 bytes, and one more per
     * further started 254 bytes.
     *
     * @param length the data's length, at least 0
     * @return {@code maxEncodedLength(length) - length}
     * @throws IllegalArgumentException if {@code length} is negative or the encoding would not fit an int
     */
    public static int overhead(int length) {
        if (length < 0 || length > Integer.MAX_VALUE - Integer.MAX_VALUE / 254 - 2) {
            throw new IllegalArgumentException("COBS data length " + length + " out of range");
        }
        return length == 0 ? 1 : (length + 253) / 254;
    }

    /**
     * The longest encoding of {@code length} bytes (which is also the exact length when no zero
     * byte ends a block early), without the delimiter.
     *
     * @param length the data's length, at least 0
     * @return the bytes needed for the encoded data
     * @throws IllegalArgumentException if {@code length} is negative or too large
     */
    public static int maxEncodedLength(int length) {
        return length + overhead(length);
    }

    /**
     * Encodes {@code len} bytes of {@code src} into {@code dst} (no delimiter is written).
     *
     * @param src the data
     * @param off where it starts
     * @param len its length
     * @param dst receives the encoding; may be {@code src} if {@code off >= dstOff + overhead(len)}
     * @param dstOff where the encoding starts
     * @return the encoded length, at most {@link #maxEncodedLength(int) maxEncodedLength(len)}
     * @throws IndexOutOfBoundsException if either range is outside its array (nothing is written)
     */
    public static int encode(byte[] src, int off, int len, byte[] dst, int dstOff) {
        Objects.checkFromIndexSize(off, len, src.length);
        Objects.checkFromIndexSize(dstOff, maxEncodedLength(len), dst.length);
        int codeAt = dstOff;
        int out = dstOff + 1;
        int code = 1;
        for (int i = off, end = off + len; i < end; i++) {
            byte b = src[i];
            if (b == 0) {
                dst[codeAt] = (byte) code;
                codeAt = out++;
                code = 1;
            } else {
                dst[out++] = b;
                if (++code == MAX_CODE && i + 1 < end) {
                    dst[codeAt] = (byte) MAX_CODE;
                    codeAt = out++;
                    code = 1;
                }
            }
        }
        dst[codeAt] = (byte) code;
        return out - dstOff;
    }

    /**
     * As {@link #encode(byte[], int, int, byte[], int)}, between buffers (heap or direct) at
     * absolute indices.
     *
     * @param src the data
     * @param index where it starts in {@code src}
     * @param len its length
     * @param dst receives the encoding; may be {@code src} if {@code index >= dstIndex + overhead(len)}
     * @param dstIndex where the encoding starts in {@code dst}
     * @return the encoded length
     * @throws IndexOutOfBoundsException if either range is outside its buffer's limit (nothing is written)
     */
    public static int encode(ByteBuffer src, int index, int len, ByteBuffer dst, int dstIndex) {
        Objects.checkFromIndexSize(index, len, src.limit());
        Objects.checkFromIndexSize(dstIndex, maxEncodedLength(len), dst.limit());
        int codeAt = dstIndex;
        int out = dstIndex + 1;
        int code = 1;
        for (int i = index, end = index + len; i < end; i++) {
            byte b = src.get(i);
            if (b == 0) {
                dst.put(codeAt, (byte) code);
                codeAt = out++;
                code = 1;
            } else {
                dst.put(out++, b);
                if (++code == MAX_CODE && i + 1 < end) {
                    dst.put(codeAt, (byte) MAX_CODE);
                    codeAt = out++;
                    code = 1;
                }
            }
        }
        dst.put(codeAt, (byte) code);
        return out - dstIndex;
    }

    /**
     * Decodes one complete encoded frame (without its delimiter) of {@code len} bytes.
     *
     * @param src the encoded bytes
     * @param off where they start
     * @param len how many there are, at least 1
     * @param dst receives the data, at most {@code len - 1} bytes; may be {@code src} if {@code dstOff <= off}
     * @param dstOff where the data starts
     * @return the decoded length
     * @throws IllegalArgumentException if the bytes are not a COBS encoding: empty, a 0x00 inside,
     *         or a code byte that promises more bytes than there are (the message names the offset);
     *         {@code dst} may have been partly written
     * @throws IndexOutOfBoundsException if either range is outside its array
     */
    public static int decode(byte[] src, int off, int len, byte[] dst, int dstOff) {
        Objects.checkFromIndexSize(off, len, src.length);
        Objects.checkFromIndexSize(dstOff, Math.max(len - 1, 0), dst.length);
        if (len == 0) {
            throw new IllegalArgumentException("COBS frame is empty: a valid encoding has at least one code byte");
        }
        int out = dstOff;
        int i = off;
        int end = off + len;
        while (i < end) {
            int code = src[i] & 0xFF;
            if (code == 0) {
                throw malformed(i - off, "a 0x00 byte, which only delimits frames");
            }
            if (code - 1 > end - i - 1) {
                throw malformed(i - off, "code " + code + " promises " + (code - 1) + " bytes but "
                        + (end - i - 1) + " remain");
            }
            i++;
            for (int blockEnd = i + code - 1; i < blockEnd; i++) {
                byte b = src[i];
                if (b == 0) {
                    throw malformed(i - off, "a 0x00 byte, which only delimits frames");
                }
                dst[out++] = b;
            }
            if (code != MAX_CODE && i < end) {
                dst[out++] = 0;
            }
        }
        return out - dstOff;
    }

    /**
     * As {@link #decode(byte[], int, int, byte[], int)}, between buffers (heap or direct) at
     * absolute indices: for example a read grant decoded in place.
     *
     * @param src the encoded bytes
     * @param index where they start in {@code src}
     * @param len how many there are, at least 1
     * @param dst receives the data; may be {@code src} if {@code dstIndex <= index}
     * @param dstIndex where the data starts in {@code dst}
     * @return the decoded length
     * @throws IllegalArgumentException if the bytes are not a COBS encoding (the message names the offset)
     * @throws IndexOutOfBoundsException if either range is outside its buffer's limit
     */
    public static int decode(ByteBuffer src, int index, int len, ByteBuffer dst, int dstIndex) {
        Objects.checkFromIndexSize(index, len, src.limit());
        Objects.checkFromIndexSize(dstIndex, Math.max(len - 1, 0), dst.limit());
        if (len == 0) {
            throw new IllegalArgumentException("COBS frame is empty: a valid encoding has at least one code byte");
        }
        int out = dstIndex;
        int i = index;
        int end = index + len;
        while (i < end) {
            int code = src.get(i) & 0xFF;
            if (code == 0) {
                throw malformed(i - index, "a 0x00 byte, which only delimits frames");
            }
            if (code - 1 > end - i - 1) {
                throw malformed(i - index, "code " + code + " promises " + (code - 1) + " bytes but "
                        + (end - i - 1) + " remain");
            }
            i++;
            for (int blockEnd = i + code - 1; i < blockEnd; i++) {
                byte b = src.get(i);
                if (b == 0) {
                    throw malformed(i - index, "a 0x00 byte, which only delimits frames");
                }
                dst.put(out++, b);
            }
            if (code != MAX_CODE && i < end) {
                dst.put(out++, (byte) 0);
            }
        }
        return out - dstIndex;
    }

    private static IllegalArgumentException malformed(int offset, String what) {
        return new IllegalArgumentException("malformed COBS frame at offset " + offset + ": " + what);
    }
}
