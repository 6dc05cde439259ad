package dev.bbq.wire;

import dev.bbq.Producer;
import dev.bbq.WriteGrant;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.zip.Checksum;

/**
 * Turns payloads into wire frames, the sending side of {@link Deframer}: each frame is
 * {@code COBS([payload][check]) 0x00}, the check being the payload's {@link FrameCheck} value,
 * little-endian.
 *
 * <p>The encoding is done in place: the payload is copied {@link Cobs#overhead(int)} bytes into the
 * destination, the check is appended after it, and COBS encodes the lot towards the start of the
 * destination (see {@link Cobs}, "In place"). So a frame costs one copy of the payload and needs no
 * scratch memory; {@link #tryWrite(Producer, byte[], int, int)} does this straight inside a write
 * grant of a raw queue, ready for a serial sink.
 *
 * <p>An encoder holds one reused {@link Checksum}: one instance per thread. The {@code encode}
 * methods allocate nothing; {@code tryWrite} allocates nothing once compiled for a heap queue on
 * JDK 25 (JDK 17's C2 keeps the grant and its view, about 32 bytes per frame), and a buffer view per
 * frame for a direct queue.
 */
public final class FrameEncoder {
    private final FrameCheck check;
    private final Checksum checksum;

    /**
     * An encoder with its own checksum state, for one thread.
     *
     * @param check the check appended to each frame; the receiver's {@link Deframer} must use the same
     */
    public FrameEncoder(FrameCheck check) {
        this.check = Objects.requireNonNull(check, "check");
        this.checksum = check.newChecksum();
    }

    /**
     * The check this encoder appends, which the receiver's deframer must verify.
     *
     * @return the check this encoder appends
     */
    public FrameCheck check() {
        return check;
    }

    /**
     * The most wire bytes a payload of {@code length} bytes can take: its COBS encoding with the
     * check, plus the delimiter.
     *
     * @param length the payload's length, at least 0
     * @return the bytes to reserve for the frame
     */
    public int maxEncodedLength(int length) {
        if (length < 0 || length > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("payload length " + length + " out of range");
        }
        return Cobs.maxEncodedLength(length + check.length()) + 1;
    }

    /**
     * Writes the wire frame for {@code len} bytes of {@code src} into {@code dst} at {@code dstOff}.
     *
     * @param src the payload
     * @param off where it starts
     * @param len its length
     * @param dst receives the frame, delimiter included; must not overlap the payload, and must have
     *        room for {@link #maxEncodedLength(int) maxEncodedLength(len)} bytes (the encoding is done there in place)
     * @param dstOff where the frame starts
     * @return the frame's length on the wire, at most {@link #maxEncodedLength(int) maxEncodedLength(len)}
     * @throws IndexOutOfBoundsException if a range is outside its array (nothing is written)
     */
    public int encode(byte[] src, int off, int len, byte[] dst, int dstOff) {
        Objects.checkFromIndexSize(off, len, src.length);
        int room = maxEncodedLength(len);
        Objects.checkFromIndexSize(dstOff, room, dst.length);
        int data = dstOff + Cobs.overhead(len + check.length());
        System.arraycopy(src, off, dst, data, len);
        int checkAt = data + len;
        long value = checkValue(src, off, len);
        for (int i = 0; i < check.length(); i++) {
            dst[checkAt + i] = (byte) (value >>> (8 * i));
        }
        int n = Cobs.encode(dst, data, len + check.length(), dst, dstOff);
        dst[dstOff + n] = 0;
        return n + 1;
    }

    /**
     * As {@link #encode(byte[], int, int, byte[], int)}, into a buffer (heap or direct, such as a
     * write grant's) at an absolute index; the buffer's position and limit are not changed.
     *
     * @param src the payload
     * @param off where it starts
     * @param len its length
     * @param dst receives the frame, delimiter included; needs room for {@link #maxEncodedLength(int)} bytes
     * @param dstIndex where the frame starts
     * @return the frame's length on the wire
     * @throws IndexOutOfBoundsException if a range is outside its array or buffer (nothing is written)
     */
    public int encode(byte[] src, int off, int len, ByteBuffer dst, int dstIndex) {
        Objects.checkFromIndexSize(off, len, src.length);
        Objects.checkFromIndexSize(dstIndex, maxEncodedLength(len), dst.limit());
        if (dst.hasArray()) {
            return encode(src, off, len, dst.array(), dst.arrayOffset() + dstIndex);
        }
        int data = dstIndex + Cobs.overhead(len + check.length());
        for (int i = 0; i < len; i++) {
            dst.put(data + i, src[off + i]);
        }
        int checkAt = data + len;
        long value = checkValue(src, off, len);
        for (int i = 0; i < check.length(); i++) {
            dst.put(checkAt + i, (byte) (value >>> (8 * i)));
        }
        int n = Cobs.encode(dst, data, len + check.length(), dst, dstIndex);
        dst.put(dstIndex + n, (byte) 0);
        return n + 1;
    }

    /**
     * Encodes a payload straight into a write grant of a raw queue and commits the frame, or returns
     * {@code false} (writing nothing) if the queue has no room for {@link #maxEncodedLength(int)} bytes now.
     *
     * @param producer the raw queue's producer, for example the one a serial sink reads from
     * @param src the payload
     * @param off where it starts
     * @param len its length
     * @return whether the frame was committed
     * @throws IllegalArgumentException if the frame can never fit the queue
     * @throws IndexOutOfBoundsException if the range is outside {@code src}
     * @throws dev.bbq.QueueClosedException if either side of the queue has closed
     */
    public boolean tryWrite(Producer producer, byte[] src, int off, int len) {
        Objects.checkFromIndexSize(off, len, src.length);
        WriteGrant grant = producer.tryGrantExact(maxEncodedLength(len));
        if (grant == null) {
            return false;
        }
        try {
            // Only the array and offsets leave this method, never the grant or its view, so that
            // escape analysis can remove both: a heap queue costs no allocation per frame.
            ByteBuffer b = grant.buffer();
            if (b.hasArray()) {
                grant.commit(encode(src, off, len, b.array(), b.arrayOffset()));
                return true;
            }
        } finally {
            grant.close();
        }
        return tryWriteDirect(producer, src, off, len);
    }

    /** A direct queue: the same frame, encoded through the grant's view (one view per frame). */
    private boolean tryWriteDirect(Producer producer, byte[] src, int off, int len) {
        WriteGrant grant = producer.tryGrantExact(maxEncodedLength(len));
        if (grant == null) {
            return false;
        }
        try {
            grant.commit(encode(src, off, len, grant.buffer(), 0));
        } finally {
            grant.close();
        }
        return true;
    }

    private long checkValue(byte[] src, int off, int len) {
        if (checksum == null) {
            return 0;
        }
        checksum.reset();
        checksum.update(src, off, len);
        return checksum.getValue();
    }
}
