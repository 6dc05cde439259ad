package dev.bbq;

/**
 * The writing half of a raw (unframed) {@link BBQueue}: reserves contiguous regions of the ring,
 * lets the caller fill them in place, and publishes them.
 *
 * <pre>{@code
 * WriteGrant grant = producer.tryGrantMax(4096);
 * if (grant != null) {
 *     int n = channel.read(grant.buffer());   // straight into the ring, no copy
 *     grant.commit(Math.max(n, 0));           // publish what arrived, recycle the rest
 * }
 * }</pre>
 *
 * <p>A producer is meant for one thread (typically the device driver thread). It is not
 * thread-safe; handing it, or an open grant, to another thread needs a happens-before edge such as
 * a {@code volatile} write and read. At most one write grant is open at a time.
 */
public final class Producer {
    private final Ring ring;

    Producer(Ring ring) {
        this.ring = ring;
    }

    /** The ring's size in bytes: the largest grant this producer can ever receive. */
    public int capacity() {
        return ring.capacity;
    }

    /**
     * Reserves exactly {@code n} contiguous bytes, or returns {@code null} if that much contiguous
     * space is not free now.
     *
     * <p>A request that does not fit at the end of the ring but fits at its start wraps there, and the
     * bytes left at the end stay unused until the consumer has passed them. On a drained ring any
     * {@code n <= capacity()} succeeds once the consumer has made one read attempt after this
     * producer's first refused attempt (see the user guide, "Full-capacity grants").
     *
     * @param n the number of bytes, {@code 1 <= n <= capacity()}
     * @return an open grant of exactly {@code n} bytes, or {@code null}
     * @throws IllegalArgumentException if {@code n < 1} or {@code n > capacity()}: such a request
     *         can never succeed
     * @throws IllegalStateException if a write grant is already open
     */
    public WriteGrant tryGrantExact(int n) {
        // Kept tiny so that it inlines into the caller, where the grant can be scalar-replaced.
        int start = grantExact(n);
        return start < 0 ? null : new WriteGrant(ring, ring.pOpenGrant, start, n);
    }

    private int grantExact(int n) {
        ring.checkNoWriteGrant();
        if (n < 1 || n > ring.capacity) {
            throw new IllegalArgumentException("grant of " + n + " bytes: must be between 1 and the capacity, "
                    + ring.capacity);
        }
        if (!ring.grantExact(n)) {
            return -1;
        }
        ring.openWriteGrant();
        return ring.pGrantStart;
    }

    /**
     * Reserves the largest contiguous region of at most {@code max} bytes that can be had now, or
     * returns {@code null} if none is free.
     *
     * <p>Unlike bbqueue's {@code grant_max_remaining}, this wraps to the start of the ring when the
     * free space there is larger than what is left at the end, so a nearly full tail does not cap the
     * grant at a few bytes.
     *
     * @param max the most bytes wanted, at least 1 (larger than {@code capacity()} is allowed)
     * @return an open grant of between 1 and {@code max} bytes, or {@code null}
     * @throws IllegalArgumentException if {@code max < 1}
     * @throws IllegalStateException if a write grant is already open
     */
    public WriteGrant tryGrantMax(int max) {
        int n = grantMax(max);
        return n == 0 ? null : new WriteGrant(ring, ring.pOpenGrant, ring.pGrantStart, n);
    }

    private int grantMax(int max) {
        ring.checkNoWriteGrant();
        if (max < 1) {
            throw new IllegalArgumentException("grant of at most " + max + " bytes: must be at least 1");
        }
        int n = ring.grantMax(max);
        if (n > 0) {
            ring.openWriteGrant();
        }
        return n;
    }

    @Override
    public String toString() {
        return "Producer[" + ring + "]";
    }
}
