package dev.bbq;

/**
 * The reading half of a raw (unframed) {@link BBQueue}: hands out the committed bytes in place and
 * frees them when released.
 *
 * <pre>{@code
 * ReadGrant grant = consumer.tryRead();
 * if (grant != null) {
 *     int n = channel.write(grant.buffer());   // straight from the ring, no copy
 *     grant.release(n);                        // free what was consumed, keep the rest
 * }
 * }</pre>
 *
 * <p>A consumer is meant for one thread. It is not thread-safe; handing it, or an open grant, to
 * another thread needs a happens-before edge. At most one read grant is open at a time.
 */
public final class Consumer {
    private final Ring ring;

    Consumer(Ring ring) {
        this.ring = ring;
    }

    /** The ring's size in bytes. */
    public int capacity() {
        return ring.capacity;
    }

    /**
     * Grants committed bytes that follow each other in the ring, oldest first, or returns
     * {@code null} if none are committed. When the committed bytes wrap around the end of the ring
     * this returns those before the end; release them and read again for the rest, or use
     * {@link #trySplitRead()}.
     *
     * <p>The consumer remembers how far the producer had committed when it last looked, and looks
     * again (one load of the producer's index, a cache miss while the producer is busy) only when
     * it has handed all of that out. So a grant may end before bytes committed a moment ago; the
     * next read returns them.
     *
     * @throws IllegalStateException if a read grant is already open
     */
    public ReadGrant tryRead() {
        int length = read(false);
        return length == 0 ? null : new ReadGrant(ring, ring.cOpenGrant, ring.cStart, length);
    }

    private int read(boolean all) {
        ring.checkNoReadGrant();
        int length = ring.readable(ring.cRead, all);
        if (length > 0) {
            ring.openReadGrant();
        }
        return length;
    }

    /**
     * Grants all bytes committed so far as at most two regions, the one before the end of the ring
     * and the one that continues at its start, or returns {@code null} if none are committed.
     *
     * @throws IllegalStateException if a read grant is already open
     */
    public SplitReadGrant trySplitRead() {
        int first = read(true);
        return first == 0 ? null
                : new SplitReadGrant(ring, ring.cOpenGrant, ring.cStart, first, ring.wrappedReadable());
    }

    @Override
    public String toString() {
        return "Consumer[" + ring + "]";
    }
}
