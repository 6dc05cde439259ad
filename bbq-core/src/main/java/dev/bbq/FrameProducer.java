package dev.bbq;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The writing half of a framed {@link BBQueue}: each commit publishes one frame, and the consumer
 * receives frames exactly as they were committed, never split and never merged.
 *
 * <p>Each frame carries a 1 to 5 byte length header in front of its bytes (see the user guide,
 * "Frame format"); a frame of up to 127 bytes costs one byte. The largest frame a queue accepts is
 * {@link #maxFrameLength()}. Frames never wrap around the end of the ring.
 *
 * <pre>{@code
 * try (FrameGrant frame = producer.tryGrant(64)) {
 *     if (frame != null) {
 *         ByteBuffer b = frame.buffer();
 *         b.putLong(timestamp).putShort(sensorId).putFloat(value);
 *         frame.commit(b.position());
 *     }
 * }
 * // or, copying an existing message:
 * boolean sent = producer.tryWrite(message, 0, message.length);
 * }</pre>
 *
 * <p>A frame producer is meant for one thread; it is not thread-safe. At most one frame grant is
 * open at a time.
 */
public final class FrameProducer {
    private final Ring ring;
    private final int maxFrameLength;

    FrameProducer(Ring ring) {
        this.ring = ring;
        this.maxFrameLength = FrameHeader.maxFrameLength(ring.capacity);
    }

    /** The ring's size in bytes. */
    public int capacity() {
        return ring.capacity;
    }

    /** The largest frame this queue can ever accept: the largest n with n + header(n) &lt;= capacity. */
    public int maxFrameLength() {
        return maxFrameLength;
    }

    /**
     * Reserves room for one frame of up to {@code maxLength} bytes, or returns {@code null} if that
     * much contiguous space is not free now.
     *
     * @param maxLength the most bytes the frame will hold, {@code 0 <= maxLength <= maxFrameLength()}
     * @throws IllegalArgumentException if {@code maxLength} is negative or above {@link #maxFrameLength()}
     * @throws IllegalStateException if a frame grant is already open
     */
    public FrameGrant tryGrant(int maxLength) {
        int start = grant(maxLength);
        return start < 0 ? null : new FrameGrant(ring, ring.pOpenGrant, start, maxLength);
    }

    private int grant(int maxLength) {
        ring.checkNoWriteGrant();
        checkLength(maxLength);
        if (!ring.grantExact(FrameHeader.width(maxLength) + maxLength)) {
            return -1;
        }
        ring.openWriteGrant();
        return ring.pGrantStart;
    }

    /**
     * Copies {@code len} bytes of {@code src} from {@code off} into the queue as one frame, or
     * returns {@code false} (copying nothing) if there is no room now.
     *
     * @throws IndexOutOfBoundsException if {@code off} and {@code len} do not describe a range of {@code src}
     * @throws IllegalArgumentException if {@code len} is above {@link #maxFrameLength()}
     * @throws IllegalStateException if a frame grant is open
     */
    public boolean tryWrite(byte[] src, int off, int len) {
        Objects.checkFromIndexSize(off, len, src.length);
        ring.checkNoWriteGrant();
        checkLength(len);
        int width = FrameHeader.width(len);
        if (!ring.grantExact(width + len)) {
            return false;
        }
        int start = ring.pGrantStart;
        ByteBuffer view = ring.pView;
        view.clear();
        view.position(start + width);
        view.put(src, off, len);
        FrameHeader.encode(ring.data, start, width, len);
        ring.commit(width + len);
        return true;
    }

    /**
     * Copies the remaining bytes of {@code src} into the queue as one frame and advances its position
     * to its limit, or returns {@code false} (leaving {@code src} untouched) if there is no room now.
     *
     * @throws IllegalArgumentException if {@code src.remaining()} is above {@link #maxFrameLength()}
     * @throws IllegalStateException if a frame grant is open
     */
    public boolean tryWrite(ByteBuffer src) {
        ring.checkNoWriteGrant();
        int len = src.remaining();
        checkLength(len);
        int width = FrameHeader.width(len);
        if (!ring.grantExact(width + len)) {
            return false;
        }
        int start = ring.pGrantStart;
        ByteBuffer view = ring.pView;
        view.clear();
        view.position(start + width);
        view.put(src);
        FrameHeader.encode(ring.data, start, width, len);
        ring.commit(width + len);
        return true;
    }

    private void checkLength(int length) {
        if (length < 0 || length > maxFrameLength) {
            throw new IllegalArgumentException("frame of " + length + " bytes: must be between 0 and "
                    + maxFrameLength + ", the largest frame a " + ring.capacity + "-byte queue can hold");
        }
    }

    @Override
    public String toString() {
        return "FrameProducer[" + ring + "]";
    }
}
