package dev.bbq.wire;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.zip.Checksum;

/**
 * CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, no reflection, no final XOR; the
 * check value of {@code "123456789"} is {@code 0x29B1}. This is the CRC-16 most microcontroller
 * HALs and protocol stacks call "CCITT" (not to be confused with CRC-16/KERMIT, which reflects).
 *
 * <p>The JDK has no CRC-16, and the one in commons-codec has no CCITT-FALSE preset, so this is the
 * usual 256-entry table, computed once. Like {@link java.util.zip.CRC32C} it is a {@link Checksum}
 * (one instance per thread), and {@link #update(ByteBuffer)} reads heap and direct buffers in place
 * without the temporary array {@code Checksum}'s default method allocates.
 */
public final class Crc16 implements Checksum {
    private static final int INITIAL = 0xFFFF;
    private static final char[] TABLE = new char[256];

    static {
        for (int i = 0; i < 256; i++) {
            int crc = i << 8;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }
            TABLE[i] = (char) crc;
        }
    }

    private int crc = INITIAL;

    /** A checksum in its initial state. */
    public Crc16() {
    }

    /**
     * The CRC-16/CCITT-FALSE of a range of bytes, without creating a {@code Crc16}.
     *
     * @param b the bytes
     * @param off where the range starts
     * @param len how many bytes it holds
     * @return the CRC, 0 to 0xFFFF
     * @throws IndexOutOfBoundsException if the range is outside {@code b}
     */
    public static int compute(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        return update(INITIAL, b, off, len);
    }

    private static int update(int crc, byte[] b, int off, int len) {
        for (int i = off, end = off + len; i < end; i++) {
            crc = (crc << 8) ^ TABLE[((crc >>> 8) ^ b[i]) & 0xFF];
        }
        return crc & 0xFFFF;
    }

    @Override
    public void update(int b) {
        crc = ((crc << 8) ^ TABLE[((crc >>> 8) ^ b) & 0xFF]) & 0xFFFF;
    }

    @Override
    public void update(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        crc = update(crc, b, off, len);
    }

    /** Adds the buffer's remaining bytes and moves its position to its limit; allocates nothing. */
    @Override
    public void update(ByteBuffer buffer) {
        int pos = buffer.position();
        int limit = buffer.limit();
        if (buffer.hasArray()) {
            crc = update(crc, buffer.array(), buffer.arrayOffset() + pos, limit - pos);
        } else {
            int c = crc;
            for (int i = pos; i < limit; i++) {
                c = (c << 8) ^ TABLE[((c >>> 8) ^ buffer.get(i)) & 0xFF];
            }
            crc = c & 0xFFFF;
        }
        buffer.position(limit);
    }

    @Override
    public long getValue() {
        return crc;
    }

    @Override
    public void reset() {
        crc = INITIAL;
    }
}
