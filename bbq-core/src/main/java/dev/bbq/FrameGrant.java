package dev.bbq;

import java.nio.ByteBuffer;

/**
 * Room for one frame, reserved by {@link FrameProducer#tryGrant(int)}: fill it through
 * {@link #buffer()}, then {@link #commit(int)} the frame's length.
 *
 * <p>{@link #close()} without a commit aborts the frame: nothing is published. Once committed or
 * closed the grant is dead, as a {@link WriteGrant} is.
 */
public final class FrameGrant implements AutoCloseable {
    private final Ring ring;
    private final long id;
    private final int start;
    private final int maxLength;

    FrameGrant(Ring ring, long id, int start, int maxLength) {
        this.ring = ring;
        this.id = id;
        this.start = start;
        this.maxLength = maxLength;
    }

    /**
     * A new view of the frame's bytes: position 0, limit and capacity equal to {@link #maxLength()};
     * the header is outside it. Each call returns a new view of the same bytes, with its own
     * position: keep the one you write through (see {@link WriteGrant#buffer()}).
     *
     * @throws IllegalStateException if the grant was committed or closed
     */
    public ByteBuffer buffer() {
        ring.checkWriteGrant(id);
        return ring.producerSlice(start + FrameHeader.width(maxLength), maxLength);
    }

    /** The most bytes this frame can hold, as requested. */
    public int maxLength() {
        return maxLength;
    }

    /**
     * Publishes the first {@code length} bytes as one frame (0 publishes an empty frame) and ends the
     * grant; unused room returns to the free space.
     *
     * @throws IllegalArgumentException if {@code length} is negative or above {@link #maxLength()};
     *         the grant stays open
     * @throws IllegalStateException if the grant was already committed or closed
     */
    public void commit(int length) {
        commit(ring, id, start, maxLength, length);
    }

    private static void commit(Ring ring, long id, int start, int maxLength, int length) {
        ring.checkWriteGrant(id);
        if (length < 0 || length > maxLength) {
            throw new IllegalArgumentException("frame commit of " + length + " bytes: the grant holds " + maxLength);
        }
        ring.commitFrame(start, FrameHeader.width(maxLength), length);
        ring.endWriteGrant();
    }

    /** Aborts the frame (publishes nothing), unless it was already committed or closed. */
    @Override
    public void close() {
        ring.closeWriteGrant(id);
    }

    @Override
    public String toString() {
        return "FrameGrant[maxLength=" + maxLength + (ring.pOpenGrant == id ? ", open]" : ", ended]");
    }
}
