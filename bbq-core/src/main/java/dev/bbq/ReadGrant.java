package dev.bbq;

/**
 * Committed bytes handed to the consumer in place: read them through {@link #buffer() buffer()}, then
 * {@link #release(int)} what was consumed.
 *
 * <p>Releasing fewer bytes than were granted keeps the rest in the queue; the next read starts with
 * them. {@link #close() close()} without a release releases nothing, so the next read sees the same bytes.
 * Once released or closed the grant is dead: {@code buffer()} and {@code release} throw
 * {@link IllegalStateException}, even after newer grants were made; do not keep using the buffer,
 * since the producer may overwrite released bytes at any time.
 */
public final class ReadGrant extends InPlaceReadGrant {

    ReadGrant(Ring ring, long id, int start, int length) {
        super(ring, id, start, length);
    }

    /**
     * Frees the first {@code n} bytes for the producer and ends the grant; the rest stay in the queue.
     *
     * <p>Memory consistency effects: actions in the consumer's thread prior to the release, including
     * its reads of the released bytes, <i>happen-before</i> the producer's writes into that space through a
     * later grant, so a released byte is never overwritten while it is still being read.
     *
     * @param n how many of the granted bytes, counted from the first, to free: 0 to {@link #length() length()}
     * @throws IllegalArgumentException if {@code n} is negative or larger than {@link #length() length()};
     *         the grant stays open
     * @throws IllegalStateException if the grant was already released or closed
     */
    public void release(int n) {
        release(ring, id, first, length, n);
    }

    // Grant methods only pass primitives on, so the grant itself never escapes (see Ring, "Grants").
    private static void release(Ring ring, long id, int start, int length, int n) {
        if (checkRelease(ring, id, length, n) > 0) {
            ring.releaseTo(start + n, 0);
        }
        ring.reads.end();
    }

    @Override
    public String toString() {
        return describe("ReadGrant", "length=" + length);
    }
}
