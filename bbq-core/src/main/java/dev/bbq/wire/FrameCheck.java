package dev.bbq.wire;

import java.util.zip.CRC32C;
import java.util.zip.Checksum;

/**
 * The integrity check carried at the end of every wire frame, inside the COBS encoding:
 * {@code [payload][check, little-endian]}. Little-endian because that is how the microcontrollers
 * at the other end of the wire store it; both ends must agree, so the choice is fixed here.
 */
public enum FrameCheck {
    /** No check: only COBS structure and length are validated. */
    NONE(0),
    /** {@link Crc16 CRC-16/CCITT-FALSE}, 2 bytes: enough for frames up to a few hundred bytes. */
    CRC16_CCITT_FALSE(2),
    /** CRC-32C (Castagnoli, {@link CRC32C}, hardware-accelerated on ARMv8 and x86), 4 bytes. */
    CRC32C(4);

    private final int length;

    FrameCheck(int length) {
        this.length = length;
    }

    /**
     * The check's size on the wire, counted in each frame's encoded length.
     *
     * @return the bytes the check adds to each frame
     */
    public int length() {
        return length;
    }

    /**
     * A new checksum of this kind, to be reused by one thread.
     *
     * @return a fresh {@link Checksum}, or {@code null} for {@link #NONE}
     */
    Checksum newChecksum() {
        switch (this) {
            case CRC16_CCITT_FALSE:
                return new Crc16();
            case CRC32C:
                return new CRC32C();
            default:
                return null;
        }
    }
}
