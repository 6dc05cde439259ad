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
     * @return a view of the frame's room, without its header
     * @throws IllegalStateException if the grant was committed or closed
     */
    public ByteBuffer buffer() {
        ring.writes.check(id);
        return ring.producerSlice(start + FrameHeader.width(maxLength), maxLength);
    }

    /**
     * The most bytes this frame can hold, as requested; the header's width was chosen for it.
     *
     * @return the frame's room in bytes
     */
    public int maxLength() {
        return maxLength;
    }

    /**
     * Whether the grant's bytes live in a {@code byte[]} (a heap queue): then {@link #array()} and
     * {@link #arrayOffset()} hand them to array-based device APIs without creating a buffer view.
     *
     * @return {@code true} for a heap queue
     */
    public boolean hasArray() {
        return ring.data.hasArray();
    }

    /**
     * The ring's backing array (the whole ring, not only this grant: write only
     * {@code [arrayOffset(), arrayOffset() + maxLength())}).
     *
     * @return the backing array
     * @throws UnsupportedOperationException if the ring is direct memory
     * @throws IllegalStateException if the grant has ended
     */
    public byte[] array() {
        ring.writes.check(id);
        return ring.array();
    }

    /**
     * Where the frame's bytes start in {@link #array()}, after the header.
     *
     * @return the index of the frame's first byte in {@link #array()}
     * @throws IllegalStateException if the grant has ended
     */
    public int arrayOffset() {
        ring.writes.check(id);
        return ring.arrayOffset(start + FrameHeader.width(maxLength));
    }

    /**
     * Copies {@code len} bytes of {@code src} from {@code off} into the grant at {@code index},
     * without creating a buffer view (so without an allocation, whatever the JIT inlines).
     *
     * @param index where in the grant, 0 to {@code maxLength()}
     * @param src the bytes
     * @param off where they start in {@code src}
     * @param len how many there are
     * @throws IndexOutOfBoundsException if a range is outside {@code src} or outside the grant
     * @throws IllegalStateException if the grant has ended
     */
    public void put(int index, byte[] src, int off, int len) {
        ring.writes.check(id);
        GrantBytes.put(ring, start + FrameHeader.width(maxLength), maxLength, index, src, off, len);
    }

    /**
     * Writes {@code value} big-endian (network order) at {@code index}, without a buffer view: a
     * header field, a timestamp or a sequence number next to bytes copied with {@link #put}.
     *
     * @param index where in the grant, 0 to {@code maxLength()} - 4
     * @param value the int
     * @throws IndexOutOfBoundsException if the four bytes are not all inside the grant
     * @throws IllegalStateException if the grant has ended
     */
    public void putInt(int index, int value) {
        ring.writes.check(id);
        GrantBytes.putInt(ring, start + FrameHeader.width(maxLength), maxLength, index, value);
    }

    /**
     * Writes {@code value} big-endian (network order) at {@code index}, without a buffer view.
     *
     * @param index where in the grant, 0 to {@code maxLength()} - 8
     * @param value the long
     * @throws IndexOutOfBoundsException if the eight bytes are not all inside the grant
     * @throws IllegalStateException if the grant has ended
     */
    public void putLong(int index, long value) {
        ring.writes.check(id);
        GrantBytes.putLong(ring, start + FrameHeader.width(maxLength), maxLength, index, value);
    }


    /**
     * Publishes the first {@code length} bytes as one frame (0 publishes an empty frame) and ends the
     * grant; unused room returns to the free space.
     *
     * <p>Memory consistency effects: actions in the producer's thread prior to the commit, including
     * its writes into the frame, <i>happen-before</i> actions in the consumer's thread after it receives the
     * frame.
     *
     * @param length the frame's length in bytes, 0 to {@link #maxLength()}
     * @throws IllegalArgumentException if {@code length} is negative or above {@link #maxLength()};
     *         the grant stays open
     * @throws IllegalStateException if the grant was already committed or closed
     */
    public void commit(int length) {
        commit(ring, id, start, maxLength, length);
    }

    private static void commit(Ring ring, long id, int start, int maxLength, int length) {
        ring.writes.check(id);
        if (length < 0 || length > maxLength) {
            throw new IllegalArgumentException("frame commit of " + length + " bytes: the grant holds " + maxLength);
        }
        ring.commitFrame(start, FrameHeader.width(maxLength), length);
        ring.writes.end();
    }

    /** Aborts the frame (publishes nothing), unless it was already committed or closed. */
    @Override
    public void close() {
        ring.writes.close(id);
    }

    @Override
    public String toString() {
        return "FrameGrant[maxLength=" + maxLength + (ring.writes.isOpen(id) ? ", open]" : ", ended]");
    }
}
