package dev.bbq.examples.telemetry;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The sensor record the (simulated) microcontroller sends, one per frame, little-endian like the
 * microcontrollers that would send it:
 *
 * <pre>
 * offset  size  field
 *  0      1     version, 1 (0 in an SPI packet means "nothing to send": an idle packet)
 *  1      1     sensor id, 0 to 255
 *  2      2     n, the number of readings, 1 to {@value #MAX_READINGS}
 *  4      4     sequence number, per sensor, from 0, wrapping at 2^32
 *  8      8     timestamp, nanoseconds of the device's clock
 * 16      4n    readings, IEEE 754 float32
 * 16+4n   4     CRC-32C of bytes [0, 16+4n)
 * </pre>
 *
 * The record CRC is end to end: it is computed by the device and checked by the consumer, after
 * the wire frame's own check (COBS frame CRC) has been checked and stripped by the deframer. A frame
 * that passes the wire check but fails this one was damaged somewhere the wire check does not
 * cover. Bytes after the CRC (padding of a fixed-size SPI packet) are ignored.
 */
final class TelemetryRecord {
    static final int VERSION = 1;
    static final int HEADER = 16;
    static final int CRC_BYTES = 4;
    static final int MAX_READINGS = 1000;

    /** What {@link Reader#read} found. */
    enum Check { OK, IDLE, MALFORMED, CRC_ERROR }

    private TelemetryRecord() {
    }

    /**
     * @param readings the number of readings
     * @return the record's length in bytes
     */
    static int length(int readings) {
        return HEADER + 4 * readings + CRC_BYTES;
    }

    /** Encodes records into a reused array; one per thread. */
    static final class Writer {
        private final byte[] bytes;
        private final ByteBuffer view;
        private final CRC32C crc = new CRC32C();

        Writer(int maxReadings) {
            bytes = new byte[length(maxReadings)];
            view = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        }

        /** @return the array the last record was written to, from index 0 */
        byte[] bytes() {
            return bytes;
        }

        /** Writes a record to {@link #bytes()} and returns its length. */
        int write(int sensor, int seq, long timestampNanos, float[] readings, int n) {
            view.clear();
            view.put((byte) VERSION).put((byte) sensor).putShort((short) n).putInt(seq).putLong(timestampNanos);
            for (int i = 0; i < n; i++) {
                view.putFloat(readings[i]);
            }
            int body = view.position();
            crc.reset();
            crc.update(bytes, 0, body);
            view.putInt((int) crc.getValue());
            return view.position();
        }
    }

    /** Decodes and checks records; one per thread. Fields are valid after {@link Check#OK}. */
    static final class Reader {
        private final byte[] bytes;
        private final ByteBuffer view;
        private final CRC32C crc = new CRC32C();
        int sensor;
        int seq;
        long timestamp;
        int readings;

        Reader(int maxLength) {
            bytes = new byte[Math.max(maxLength, length(1))];
            view = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        }

        /** Reads the frame between the buffer's position and limit (neither is changed). */
        Check read(ByteBuffer frame) {
            int len = frame.remaining();
            if (len < length(1) || len > bytes.length) {
                return len > 0 && isZeros(frame) ? Check.IDLE : Check.MALFORMED;
            }
            frame.get(frame.position(), bytes, 0, len);
            int version = bytes[0] & 0xFF;
            if (version != VERSION) {
                return version == 0 && isZeros(frame) ? Check.IDLE : Check.MALFORMED;
            }
            int n = view.getShort(2) & 0xFFFF;
            if (n < 1 || n > MAX_READINGS || length(n) > len) {
                return Check.MALFORMED;
            }
            int body = HEADER + 4 * n;
            crc.reset();
            crc.update(bytes, 0, body);
            if (view.getInt(body) != (int) crc.getValue()) {
                return Check.CRC_ERROR;
            }
            sensor = bytes[1] & 0xFF;
            readings = n;
            seq = view.getInt(4);
            timestamp = view.getLong(8);
            return Check.OK;
        }

        /** @return reading {@code i} of the record last read */
        float reading(int i) {
            return view.getFloat(HEADER + 4 * i);
        }

        private static boolean isZeros(ByteBuffer frame) {
            for (int i = frame.position(); i < frame.limit(); i++) {
                if (frame.get(i) != 0) {
                    return false;
                }
            }
            return true;
        }
    }
}
