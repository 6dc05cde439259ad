package dev.bbq;

import java.nio.ByteBuffer;

/**
 * All committed bytes handed to the consumer in place, as two regions: {@link #first()} runs up to
 * the end of the written part of the ring, {@link #second()} continues at its start (and is empty
 * when the bytes do not wrap). {@link #release(int)} counts across both, first region first.
 *
 * <p>Lifecycle and misuse rules are those of {@link ReadGrant}.
 */
public final class SplitReadGrant implements AutoCloseable {
    private final Ring ring;
    private final long id;
    private final int start;
    private final int firstLength;
    private final int secondLength;

    SplitReadGrant(Ring ring, long id, int start, int firstLength, int secondLength) {
        this.ring = ring;
        this.id = id;
        this.start = start;
        this.firstLength = firstLength;
        this.secondLength = secondLength;
    }

    /**
     * A new view of the older bytes: position 0, limit and capacity equal to their count. Each call
     * returns a new view of the same bytes.
     *
     * @return a view of the region that starts at the consumer's position, the older bytes
     * @throws IllegalStateException if the grant was released or closed
     */
    public ByteBuffer first() {
        ring.reads.check(id);
        return ring.consumerSlice(start, firstLength);
    }

    /**
     * A new view of the bytes that continue at the start of the ring: position 0, limit and capacity
     * equal to their count, which is 0 when the committed bytes do not wrap. Each call returns a new
     * view of the same bytes.
     *
     * @return a view of the region at the start of the ring, empty when the bytes do not wrap
     * @throws IllegalStateException if the grant was released or closed
     */
    public ByteBuffer second() {
        ring.reads.check(id);
        return ring.consumerSlice(0, secondLength);
    }

    /**
     * The number of committed bytes this grant hands out, both regions together: the most one
     * release of it can free.
     *
     * @return the number of bytes granted
     */
    public int length() {
        return firstLength + secondLength;
    }

    /**
     * Frees the first {@code n} bytes, counting {@link #first()} before {@link #second()}, and ends
     * the grant.
     *
     * <p>Memory consistency effects: as for {@link ReadGrant#release(int)}, the consumer's reads of
     * the released bytes <i>happen-before</i> the producer's writes into that space.
     *
     * @param n how many bytes to free, counted across both regions: 0 to {@link #length()}
     * @throws IllegalArgumentException if {@code n} is negative or larger than {@link #length()};
     *         the grant stays open
     * @throws IllegalStateException if the grant was already released or closed
     */
    public void release(int n) {
        release(ring, id, start, firstLength, secondLength, n);
    }

    private static void release(Ring ring, long id, int start, int firstLength, int secondLength, int n) {
        ring.reads.check(id);
        if (n < 0 || n > firstLength + secondLength) {
            throw new IllegalArgumentException("release of " + n + " bytes: the grant holds "
                    + (firstLength + secondLength));
        }
        if (n > 0) {
            ring.releaseTo(n <= firstLength ? start + n : n - firstLength, 0);
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
        return "SplitReadGrant[first=" + firstLength + ", second=" + secondLength
                + (ring.reads.isOpen(id) ? ", open]" : ", ended]");
    }
}
