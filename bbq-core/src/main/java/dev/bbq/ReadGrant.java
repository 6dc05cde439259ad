package dev.bbq;

import java.nio.ByteBuffer;

/**
 * Committed bytes handed to the consumer in place: read them through {@link #buffer()}, then
 * {@link #release(int)} what was consumed.
 *
 * <p>Releasing fewer bytes than were granted keeps the rest in the queue; the next read starts with
 * them. {@link #close()} without a release releases nothing, so the next read sees the same bytes.
 * Once released or closed the grant is dead: {@code buffer()} and {@code release} throw
 * {@link IllegalStateException}, even after newer grants were made; do not keep using the buffer,
 * since the producer may overwrite released bytes at any time.
 */
public final class ReadGrant implements AutoCloseable {
    private final Ring ring;
    private final long id;
    private final int start;
    private final int length;

    ReadGrant(Ring ring, long id, int start, int length) {
        this.ring = ring;
        this.id = id;
        this.start = start;
        this.length = length;
    }

    /**
     * A new view of the granted bytes: position 0, limit and capacity equal to {@link #length()}. It
     * is writable, so data can be decoded in place. Each call returns a new view of the same bytes,
     * with its own position (see {@link WriteGrant#buffer()}).
     *
     * @return a view of exactly the granted bytes
     * @throws IllegalStateException if the grant was released or closed
     */
    public ByteBuffer buffer() {
        ring.reads.check(id);
        return ring.consumerSlice(start, length);
    }

    /**
     * The number of committed bytes this grant hands out: the most one release of it can free.
     *
     * @return the number of bytes granted
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
     * Where the grant starts in {@link #array()}: the ring's offset in its array plus the grant's
     * position in the ring.
     *
     * @return the index of the first granted byte in {@link #array()}
     * @throws IllegalStateException if the grant has ended
     */
    public int arrayOffset() {
        ring.reads.check(id);
        return ring.arrayOffset(start);
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
        return GrantBytes.get(ring, start, length, index);
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
        GrantBytes.get(ring, start, length, index, dst, off, len);
    }


    /**
     * Frees the first {@code n} bytes for the producer and ends the grant; the rest stay in the queue.
     *
     * <p>Memory consistency effects: actions in the consumer's thread prior to the release, including
     * its reads of the released bytes, <i>happen-before</i> the producer's writes into that space through a
     * later grant, so a released byte is never overwritten while it is still being read.
     *
     * @param n how many of the granted bytes, counted from the first, to free: 0 to {@link #length()}
     * @throws IllegalArgumentException if {@code n} is negative or larger than {@link #length()};
     *         the grant stays open
     * @throws IllegalStateException if the grant was already released or closed
     */
    public void release(int n) {
        release(ring, id, start, length, n);
    }

    private static void release(Ring ring, long id, int start, int length, int n) {
        ring.reads.check(id);
        if (n < 0 || n > length) {
            throw new IllegalArgumentException("release of " + n + " bytes: the grant holds " + length);
        }
        if (n > 0) {
            ring.releaseTo(start + n, 0);
        }
        ring.reads.end();
    }

    /** Ends the grant without releasing anything, unless it was already released or closed. */
    @Override
    public void close() {
        ring.reads.close(id);
    }

    @Override
    public String toString() {
        return "ReadGrant[length=" + length + (ring.reads.isOpen(id) ? ", open]" : ", ended]");
    }
}
