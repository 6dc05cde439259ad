package dev.bbq;

import java.nio.ByteBuffer;

/**
 * All committed bytes handed to the consumer in place, as two regions: {@link #first()} runs up to
 * the end of the written part of the ring, {@link #second()} continues at its start (and is empty
 * when the bytes do not wrap). {@link #release(int)} counts across both, first region first.
 *
 * <p>Lifecycle and misuse rules are those of {@link ReadGrant}.
 */
public final class SplitReadGrant extends OneShotReadGrant {
    private final int firstLength;

    SplitReadGrant(Ring ring, long id, int start, int firstLength, int secondLength) {
        super(ring, id, start, firstLength + secondLength);
        this.firstLength = firstLength;
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
        return ring.consumerSlice(first, firstLength);
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
        return ring.consumerSlice(0, length - firstLength);
    }

    /**
     * Frees the first {@code n} bytes, counting {@link #first()} before {@link #second()}, and ends
     * the grant.
     *
     * <p>Memory consistency effects: as for {@link ReadGrant#release(int)}, the consumer's reads of
     * the released bytes <i>happen-before</i> the producer's writes into that space.
     *
     * @param n how many bytes to free, counted across both regions: 0 to {@link #length() length()}
     * @throws IllegalArgumentException if {@code n} is negative or larger than {@link #length() length()};
     *         the grant stays open
     * @throws IllegalStateException if the grant was already released or closed
     */
    public void release(int n) {
        release(ring, id, first, firstLength, length, n);
    }

    private static void release(Ring ring, long id, int start, int firstLength, int length, int n) {
        if (checkRelease(ring, id, length, n) > 0) {
            ring.releaseTo(n <= firstLength ? start + n : n - firstLength, 0);
        }
        ring.reads.end();
    }

    @Override
    public String toString() {
        return describe("SplitReadGrant", "first=" + firstLength + ", second=" + (length - firstLength));
    }
}
