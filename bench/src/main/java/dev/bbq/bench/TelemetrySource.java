package dev.bbq.bench;

import dev.bbq.wire.FrameCheck;
import dev.bbq.wire.FrameEncoder;

import java.nio.ByteBuffer;

/**
 * The simulated device of the pipeline benchmark, after the telemetry demo's: record {@code seq}
 * holds its sequence number, the time it was handed to the pipeline, a count of readings (1 to 16,
 * from the sequence number) and the readings themselves, and goes on the wire as the demo's frames
 * do (COBS, CRC-16, 0x00; {@link FrameEncoder}). Everything but the time follows from the sequence
 * number, so the consumer ({@link TelemetryCheck}) can check every byte. Allocates nothing per record.
 */
final class TelemetrySource {
    static final FrameCheck CHECK = FrameCheck.CRC16_CCITT_FALSE;
    static final int MAX_READINGS = 16;
    /** Sequence number, time, count, readings. */
    static final int HEADER = 17;
    static final int MAX_PAYLOAD = HEADER + 4 * MAX_READINGS;

    private final FrameEncoder encoder = new FrameEncoder(CHECK);
    private final byte[] record = new byte[MAX_PAYLOAD];
    private final ByteBuffer view = ByteBuffer.wrap(record);
    /** The most wire bytes one record takes. */
    final int maxWireLength = encoder.maxEncodedLength(MAX_PAYLOAD);

    static int readings(long seq) {
        return 1 + (int) (mix(seq) & (MAX_READINGS - 1));
    }

    static int reading(long seq, int index) {
        return (int) mix(seq * 31 + index);
    }

    /** SplitMix64's finaliser: cheap, and every input bit moves every output bit. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Encodes record {@code seq}, stamped {@code stamp}, at {@code wire[at]}; returns where it ends. */
    int encode(long seq, long stamp, byte[] wire, int at) {
        int n = readings(seq);
        view.putLong(0, seq);
        view.putLong(8, stamp);
        record[16] = (byte) n;
        for (int i = 0; i < n; i++) {
            view.putInt(HEADER + 4 * i, reading(seq, i));
        }
        return at + encoder.encode(record, 0, HEADER + 4 * n, wire, at);
    }
}
