package dev.bbq;

import java.nio.ByteBuffer;

/**
 * The accessors of a one-shot read grant whose bytes are one region of the ring ({@link ReadGrant},
 * {@link Frame}): a buffer view of exactly those bytes, the backing array, and view-free reads.
 */
abstract class InPlaceReadGrant extends OneShotReadGrant {

    InPlaceReadGrant(Ring ring, long id, int first, int length) {
        super(ring, id, first, length);
    }

    /**
     * A new view of the granted bytes: position 0, limit and capacity equal to {@link #length()}, so
     * nothing outside them (a frame's header included) can be reached through it. It is writable,
     * so data can be decoded in place. Each call returns a new view of the same bytes, with its own
     * position: keep the one you read through.
     *
     * @return a view of exactly the granted bytes
     * @throws IllegalStateException if the grant was released or closed
     */
    public ByteBuffer buffer() {
        ring.reads.check(id);
        return ring.consumerSlice(first, length);
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
     * Where the granted bytes start in {@link #array()}: the ring's offset in its array plus their
     * position in the ring (after a frame's header).
     *
     * @return the index of the first granted byte in {@link #array()}
     * @throws IllegalStateException if the grant has ended
     */
    public int arrayOffset() {
        ring.reads.check(id);
        return ring.arrayOffset(first);
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
        return GrantBytes.get(ring, first, length, index);
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
        GrantBytes.get(ring, first, length, index, dst, off, len);
    }
}
