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
     * @return a view of exactly the frame's bytes, without its header
     * @throws IllegalStateException if the frame was released or closed
     */
    public ByteBuffer buffer() {
        ring.reads.check(id);
        return ring.consumerSlice(start + width, length);
    }

    /**
     * The frame's length, as its producer committed it.
     *
     * @return the number of bytes in the frame, header not counted
     */
    public int length() {
        return length;
    }

    /**
     * Whether the granted bytes live in a {@code byte[]} (a heap queue): then {@link #array()} and
     * {@link #arrayOffset()} hand them to array-based APIs without creating a buffer view.
     *
     * @return {@code true} for a heap queue
     */
    public boolean hasArray() {
        return ring.data.hasArray();
    }

    /**
     * The ring's backing array (the whole ring, not only this grant: read only
     * {@code [arrayOffset(), arrayOffset() + length())}).
     *
     * @return the backing array
     * @throws UnsupportedOperationException if the ring is direct memory
     * @throws IllegalStateException if the grant has ended
     */
    public byte[] array() {
        ring.reads.check(id);
        return ring.array();
    }

    /**
     * Where the frame's bytes start in {@link #array()}, after the header.
     *
     * @return the index of the frame's first byte in {@link #array()}
     * @throws IllegalStateException if the grant has ended
     */
    public int arrayOffset() {
        ring.reads.check(id);
        return ring.arrayOffset(start + width);
    }

    /**
     * The byte at {@code index}, read without creating a buffer view.
     *
     * @param index where in the grant, 0 to {@code length() - 1}
     * @return the byte
     * @throws IndexOutOfBoundsException if {@code index} is outside the grant
     * @throws IllegalStateException if the grant has ended
     */
    public byte get(int index) {
        ring.reads.check(id);
        return GrantBytes.get(ring, start + width, length, index);
    }


    /**
     * Copies {@code len} granted bytes from {@code index} into {@code dst} at {@code off}, without
     * creating a buffer view (so without an allocation, whatever the JIT inlines).
     *
     * @param index where in the grant
     * @param dst the destination
     * @param off where to put them in {@code dst}
     * @param len how many
     * @throws IndexOutOfBoundsException if a range is outside {@code dst} or outside the grant
     * @throws IllegalStateException if the grant has ended
     */
    public void get(int index, byte[] dst, int off, int len) {
        ring.reads.check(id);
        GrantBytes.get(ring, start + width, length, index, dst, off, len);
    }


    /**
     * Frees the frame and ends this grant.
     *
     * <p>Memory consistency effects: actions in the consumer's thread prior to the release, including
     * its reads of the frame, <i>happen-before</i> the producer's writes into that space through a later
     * grant.
     *
     * @throws IllegalStateException if the frame was already released or closed
     */
    public void release() {
        release(ring, id, start + width + length);
    }

    private static void release(Ring ring, long id, int end) {
        ring.reads.check(id);
        ring.releaseTo(end, 1);
        ring.reads.end();
    }

    /** Keeps the frame in the queue and ends this grant, unless it was already released or closed. */
    @Override
    public void close() {
        ring.reads.close(id);
    }

    @Override
    public String toString() {
        return "Frame[length=" + length + (ring.reads.isOpen(id) ? ", open]" : ", ended]");
    }
}
