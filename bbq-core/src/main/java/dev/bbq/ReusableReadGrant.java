package dev.bbq;

import java.nio.ByteBuffer;

/**
 * A read grant that the caller owns and the consumer fills in again on every read, so that reading
 * allocates nothing on any JDK and in any loop shape. Pass one to
 * {@link Consumer#tryRead(ReusableReadGrant)} or {@link FrameConsumer#tryRead(ReusableReadGrant)}
 * (or their blocking forms); they return whether something was granted, and when it was, this object
 * holds it until {@link #release()} or {@link #close()}.
 *
 * <pre>{@code
 * ReusableReadGrant frame = new ReusableReadGrant();     // once, next to the consumer loop
 * while (running) {
 *     if (consumer.tryRead(frame)) {                       // a FrameConsumer: one frame
 *         frame.get(0, record, 0, frame.length());         // or frame.buffer(), frame.array()
 *         frame.release();
 *     }
 * }
 * }</pre>
 *
 * <p>A grant held here has the rules of {@link ReadGrant} (raw bytes: {@code release(n)} frees the
 * first {@code n} and keeps the rest) or of {@link Frame} (a frame is released whole); {@link #close()}
 * without a release keeps everything in the queue. Once released or closed, its accessors and
 * {@code release} throw {@link IllegalStateException} ({@code close()} does nothing) until the object is
 * read into again.
 *
 * <p>An instance is not thread-safe: use it on the consumer's thread. It may move between queues,
 * but only while it holds no open grant.
 */
public final class ReusableReadGrant extends ReusableGrant implements AutoCloseable {
    /** A reusable read grant that holds nothing yet. */
    public ReusableReadGrant() {
        super(false, "reusable read grant");
    }

    /** Called by a consumer once its ring has opened a read grant of {@code length} bytes at {@code start}. */
    void open(Ring ring, int start, int length, boolean frame) {
        take(ring, start, 0, length);
        this.frame = frame;
    }

    /**
     * Whether this object holds an open grant: read into and not yet released or closed.
     *
     * @return {@code true} while a grant is open
     */
    public boolean isOpen() {
        return holdsOpenGrant();
    }

    /**
     * The bytes granted: the region's or the frame's length. It keeps its value after the grant
     * ends, and is 0 before the first read.
     *
     * @return the length of the last grant made into this object
     */
    public int length() {
        return length;
    }

    /**
     * A new view of the granted bytes: position 0, limit and capacity equal to {@link #length()}.
     * Each call returns a new view, which C2 can keep off the heap when it does not escape the
     * caller's compiled code; {@link #get(int)} and {@link #array()} need no view at all.
     *
     * @return a view of the granted bytes
     * @throws IllegalStateException if no grant is open
     */
    public ByteBuffer buffer() {
        return openRing().consumerSlice(start, length);
    }

    /**
     * Whether the granted bytes live in a {@code byte[]} (a heap queue); see {@link #array()}.
     *
     * @return {@code true} for a heap queue
     * @throws IllegalStateException if no grant is open
     */
    public boolean hasArray() {
        return openRing().data.hasArray();
    }

    /**
     * The ring's backing array (the whole ring: read only {@code [arrayOffset(), arrayOffset() + length())}).
     *
     * @return the backing array
     * @throws UnsupportedOperationException if the ring is direct memory
     * @throws IllegalStateException if no grant is open
     */
    public byte[] array() {
        return openRing().array();
    }

    /**
     * Where the granted bytes (for a frame, its bytes after the header) start in {@link #array()}.
     *
     * @return the index of the first granted byte in {@link #array()}
     * @throws IllegalStateException if no grant is open
     */
    public int arrayOffset() {
        return openRing().arrayOffset(start);
    }

    /**
     * The byte at {@code index}.
     *
     * @param index where in the grant, 0 to {@code length() - 1}
     * @return the byte
     * @throws IndexOutOfBoundsException if {@code index} is outside the grant
     * @throws IllegalStateException if no grant is open
     */
    public byte get(int index) {
        return GrantBytes.get(openRing(), start, length, index);
    }

    /**
     * Copies {@code len} granted bytes from {@code index} into {@code dst} at {@code off}.
     *
     * @param index where in the grant
     * @param dst the destination
     * @param off where to put them in {@code dst}
     * @param len how many
     * @throws IndexOutOfBoundsException if a range is outside {@code dst} or outside the grant
     * @throws IllegalStateException if no grant is open
     */
    public void get(int index, byte[] dst, int off, int len) {
        GrantBytes.get(openRing(), start, length, index, dst, off, len);
    }

    /**
     * Frees everything granted (the whole region, or the frame) and ends the grant.
     *
     * <p>Memory consistency effects: as for {@link #release(int)}.
     *
     * @throws IllegalStateException if no grant is open
     */
    public void release() {
        release(length);
    }

    /**
     * Frees the first {@code n} granted bytes and ends the grant; the rest stay in the queue. A frame
     * is released whole: for a frame {@code n} must be its {@link #length()}.
     *
     * <p>Memory consistency effects: actions in the consumer's thread prior to the release, including
     * its reads of the released bytes, <i>happen-before</i> the producer's writes into that space through a
     * later grant.
     *
     * @param n how many bytes to free, 0 to {@link #length()}
     * @throws IllegalArgumentException if {@code n} is negative or above {@link #length()}, or, for a
     *         frame, not its length; the grant stays open
     * @throws IllegalStateException if no grant is open
     */
    public void release(int n) {
        Ring r = openRing();
        if (n < 0 || n > length) {
            throw new IllegalArgumentException("release of " + n + " bytes: the grant holds " + length);
        }
        if (frame) {
            if (n != length) {
                throw new IllegalArgumentException("release of " + n + " bytes of a " + length
                        + "-byte frame: a frame is released whole");
            }
            r.releaseTo(start + length, 1);
        } else if (n > 0) {
            r.releaseTo(start + n, 0);
        }
        ended(r);
    }

    @Override
    public String toString() {
        return "ReusableReadGrant[" + (frame ? "frame, " : "") + "length=" + length
                + (isOpen() ? ", open]" : ", ended]");
    }
}

