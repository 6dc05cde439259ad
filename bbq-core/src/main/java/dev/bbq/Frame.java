package dev.bbq;

import java.nio.ByteBuffer;

/**
 * One frame handed to the consumer in place by {@link FrameConsumer#tryRead()}.
 *
 * <p>{@link #release()} frees the whole frame; {@link #close()} without a release keeps it, so the
 * next read returns the same frame. Once released or closed the frame is dead, as a
 * {@link ReadGrant} is.
 */
public final class Frame implements AutoCloseable {
    private final Ring ring;
    private final long id;
    private final int start;
    private final int width;
    private final int length;

    Frame(Ring ring, long id, int start, int width, int length) {
        this.ring = ring;
        this.id = id;
        this.start = start;
        this.width = width;
        this.length = length;
    }

    /**
     * A new view of the frame's bytes: position 0, limit and capacity equal to {@link #length()}.
     * Each call returns a new view of the same bytes, with its own position.
     *
     * @throws IllegalStateException if the frame was released or closed
     */
    public ByteBuffer buffer() {
        ring.checkReadGrant(id);
        return ring.consumerSlice(start + width, length);
    }

    /** The frame's length in bytes, as committed. */
    public int length() {
        return length;
    }

    /**
     * Frees the frame and ends this grant.
     *
     * @throws IllegalStateException if the frame was already released or closed
     */
    public void release() {
        release(ring, id, start + width + length);
    }

    private static void release(Ring ring, long id, int end) {
        ring.checkReadGrant(id);
        ring.releaseTo(end, 1);
        ring.endReadGrant();
    }

    /** Keeps the frame in the queue and ends this grant, unless it was already released or closed. */
    @Override
    public void close() {
        ring.closeReadGrant(id);
    }

    @Override
    public String toString() {
        return "Frame[length=" + length + (ring.cOpenGrant == id ? ", open]" : ", ended]");
    }
}
