package dev.bbq.examples;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The frames {@code ipc-producer} sends to {@code ipc-consumer}: {@code seq u64, timestamp u64
 * (System.nanoTime), payload, CRC-32C u32} of everything before the CRC. The payload's bytes are
 * a function of {@code seq}. The last frame is the end marker: {@code seq = -1} and the number of
 * frames sent, so the consumer can tell a clean end from a producer that died.
 *
 * <p>Latency across the two JVMs is meaningful on Linux, where {@code System.nanoTime} reads
 * {@code CLOCK_MONOTONIC}, one clock for every process of the machine.
 */
final class IpcFrames {
    static final int HEADER = 16;
    static final int CRC = 4;
    static final long END = -1;

    private final CRC32C crc = new CRC32C();

    /** Writes frame {@code seq} of {@code length} bytes into {@code b} from its position, which moves past it. */
    void write(ByteBuffer b, long seq, int length) {
        int start = b.position();
        b.putLong(seq).putLong(System.nanoTime());
        for (int i = HEADER; i < length - CRC; i++) {
            b.put((byte) (seq * 31 + i));
        }
        crc.reset();
        crc.update(b.duplicate().position(start).limit(b.position()));
        b.putInt((int) crc.getValue());
    }

    /** Writes the end marker. */
    void writeEnd(ByteBuffer b, long frames) {
        b.putLong(END).putLong(frames);
    }

    /** Whether the frame between position and limit is intact: its length, payload and CRC. */
    boolean intact(ByteBuffer f) {
        int start = f.position();
        int length = f.remaining();
        if (length < HEADER + CRC) {
            return false;
        }
        long seq = f.getLong(start);
        for (int i = HEADER; i < length - CRC; i++) {
            if (f.get(start + i) != (byte) (seq * 31 + i)) {
                return false;
            }
        }
        crc.reset();
        crc.update(f.duplicate().limit(start + length - CRC));
        return f.getInt(start + length - CRC) == (int) crc.getValue();
    }
}
