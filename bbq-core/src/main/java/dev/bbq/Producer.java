package dev.bbq;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.channels.ReadableByteChannel;
import java.util.concurrent.TimeUnit;

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
 * <p>Every {@code try} form has a blocking form beside it, following {@code BlockingQueue}: with a
 * timeout it returns {@code null} when the time runs out, without one it waits as long as it takes.
 * Blocking calls wait with the queue's {@link WaitStrategy}, answer interrupts with
 * {@link InterruptedException}, and fail at once, without waiting, for a request that can never
 * succeed. Once the consumer has closed, every grant call throws {@link QueueClosedException}.
 *
 * <p>A producer is meant for one thread (typically the device driver thread). It is not
 * thread-safe; handing it, or an open grant, to another thread needs a happens-before edge such as
 * a {@code volatile} write and read. At most one write grant is open at a time.
 *
 * <p>Memory consistency effects: actions in the producer's thread prior to a commit
 * <i>happen-before</i> actions in the consumer's thread after it reads the committed bytes, and the
 * consumer's release of space <i>happens-before</i> this producer's writes into it through a later
 * grant (see the package documentation).
 */
public final class Producer extends ProducerHalf implements AutoCloseable {

    Producer(Ring ring) {
        super(ring);
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
     * @throws QueueClosedException if either side has closed
     */
    public WriteGrant tryGrantExact(int n) {
        // Kept tiny so that it inlines into the caller, where the grant can be scalar-replaced.
        int start = ring.tryGrantExact(n);
        return start < 0 ? null : new WriteGrant(ring, ring.writes.id(), start, n);
    }

    /**
     * As {@link #tryGrantExact(int)}, waiting up to {@code timeout} for the room.
     *
     * @param n the number of bytes, {@code 1 <= n <= capacity()}
     * @param timeout how long to wait; 0 or less does not wait
     * @param unit the unit of {@code timeout}
     * @return an open grant of exactly {@code n} bytes, or {@code null} if the time ran out
     * @throws InterruptedException if the thread is interrupted before or while waiting
     * @throws IllegalArgumentException if {@code n < 1} or {@code n > capacity()}
     * @throws IllegalStateException if a write grant is already open
     * @throws QueueClosedException if either side has closed, also while waiting
     */
    public WriteGrant grantExact(int n, long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = Waiting.begin(timeout, unit);
        int start = ring.tryGrantExact(n);
        if (start < 0) {
            start = Waiting.grantExact(ring, n, nanos);
        }
        return start < 0 ? null : new WriteGrant(ring, ring.writes.id(), start, n);
    }

    /**
     * As {@link #tryGrantExact(int)}, waiting as long as it takes.
     *
     * @param n the number of bytes, {@code 1 <= n <= capacity()}
     * @return an open grant of exactly {@code n} bytes
     * @throws InterruptedException if the thread is interrupted before or while waiting
     * @throws IllegalArgumentException if {@code n < 1} or {@code n > capacity()}
     * @throws IllegalStateException if a write grant is already open
     * @throws QueueClosedException if either side has closed, also while waiting
     */
    public WriteGrant grantExact(int n) throws InterruptedException {
        return grantExact(n, Waiting.FOREVER, TimeUnit.NANOSECONDS);
    }

    /**
     * As {@link #tryGrantExact(int)}, into a grant object the caller keeps and reuses, so that no
     * call allocates (see {@link ReusableWriteGrant}).
     *
     * @param n the number of bytes, {@code 1 <= n <= capacity()}
     * @param grant receives the grant; it must hold no open grant
     * @return whether {@code grant} now holds an open grant of exactly {@code n} bytes
     * @throws IllegalArgumentException if {@code n < 1} or {@code n > capacity()}
     * @throws IllegalStateException if a write grant is already open, or {@code grant} holds one
     * @throws QueueClosedException if either side has closed
     */
    public boolean tryGrantExact(int n, ReusableWriteGrant grant) {
        ReusableWriteGrant.checkFree(grant);
        return grant.open(ring, ring.tryGrantExact(n), 0, n);
    }

    /**
     * As {@link #tryGrantExact(int, ReusableWriteGrant)}, waiting up to {@code timeout} for the room
     * ({@code Long.MAX_VALUE} waits as long as it takes).
     *
     * @param n the number of bytes, {@code 1 <= n <= capacity()}
     * @param grant receives the grant; it must hold no open grant
     * @param timeout how long to wait; 0 or less does not wait
     * @param unit the unit of {@code timeout}
     * @return whether {@code grant} now holds an open grant; {@code false} if the time ran out
     * @throws InterruptedException if the thread is interrupted before or while waiting
     * @throws IllegalArgumentException if {@code n < 1} or {@code n > capacity()}
     * @throws IllegalStateException if a write grant is already open, or {@code grant} holds one
     * @throws QueueClosedException if either side has closed, also while waiting
     */
    public boolean grantExact(int n, ReusableWriteGrant grant, long timeout, TimeUnit unit)
            throws InterruptedException {
        long nanos = Waiting.begin(timeout, unit);
        ReusableWriteGrant.checkFree(grant);
        int start = ring.tryGrantExact(n);
        if (start < 0) {
            start = Waiting.grantExact(ring, n, nanos);
        }
        return grant.open(ring, start, 0, n);
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
     * @throws QueueClosedException if either side has closed
     */
    public WriteGrant tryGrantMax(int max) {
        int n = ring.tryGrantMax(max, false);
        return n == 0 ? null : new WriteGrant(ring, ring.writes.id(), ring.grantStart(), n);
    }

    /**
     * As {@link #tryGrantMax(int)}, waiting up to {@code timeout} for some room.
     *
     * @param max the most bytes wanted, at least 1
     * @param timeout how long to wait; 0 or less does not wait
     * @param unit the unit of {@code timeout}
     * @return an open grant of between 1 and {@code max} bytes, or {@code null} if the time ran out
     * @throws InterruptedException if the thread is interrupted before or while waiting
     * @throws IllegalArgumentException if {@code max < 1}
     * @throws IllegalStateException if a write grant is already open
     * @throws QueueClosedException if either side has closed, also while waiting
     */
    public WriteGrant grantMax(int max, long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = Waiting.begin(timeout, unit);
        int n = ring.tryGrantMax(max, false);
        if (n == 0) {
            n = Waiting.grantMax(ring, max, nanos);
        }
        return n == 0 ? null : new WriteGrant(ring, ring.writes.id(), ring.grantStart(), n);
    }

    /**
     * As {@link #tryGrantMax(int)}, waiting as long as it takes.
     *
     * @param max the most bytes wanted, at least 1
     * @return an open grant of between 1 and {@code max} bytes
     * @throws InterruptedException if the thread is interrupted before or while waiting
     * @throws IllegalArgumentException if {@code max < 1}
     * @throws IllegalStateException if a write grant is already open
     * @throws QueueClosedException if either side has closed, also while waiting
     */
    public WriteGrant grantMax(int max) throws InterruptedException {
        return grantMax(max, Waiting.FOREVER, TimeUnit.NANOSECONDS);
    }

    /**
     * As {@link #tryGrantMax(int)}, into a grant object the caller keeps and reuses, so that no call
     * allocates (see {@link ReusableWriteGrant}).
     *
     * @param max the most bytes wanted, at least 1 (larger than {@code capacity()} is allowed)
     * @param grant receives the grant; it must hold no open grant
     * @return whether {@code grant} now holds an open grant of between 1 and {@code max} bytes
     * @throws IllegalArgumentException if {@code max < 1}
     * @throws IllegalStateException if a write grant is already open, or {@code grant} holds one
     * @throws QueueClosedException if either side has closed
     */
    public boolean tryGrantMax(int max, ReusableWriteGrant grant) {
        ReusableWriteGrant.checkFree(grant);
        int n = ring.tryGrantMax(max, false);
        return grant.open(ring, n == 0 ? -1 : ring.grantStart(), 0, n);
    }

    /**
     * As {@link #tryGrantMax(int, ReusableWriteGrant)}, waiting up to {@code timeout} for some room
     * ({@code Long.MAX_VALUE} waits as long as it takes).
     *
     * @param max the most bytes wanted, at least 1
     * @param grant receives the grant; it must hold no open grant
     * @param timeout how long to wait; 0 or less does not wait
     * @param unit the unit of {@code timeout}
     * @return whether {@code grant} now holds an open grant; {@code false} if the time ran out
     * @throws InterruptedException if the thread is interrupted before or while waiting
     * @throws IllegalArgumentException if {@code max < 1}
     * @throws IllegalStateException if a write grant is already open, or {@code grant} holds one
     * @throws QueueClosedException if either side has closed, also while waiting
     */
    public boolean grantMax(int max, ReusableWriteGrant grant, long timeout, TimeUnit unit)
            throws InterruptedException {
        long nanos = Waiting.begin(timeout, unit);
        ReusableWriteGrant.checkFree(grant);
        int n = ring.tryGrantMax(max, false);
        if (n == 0) {
            n = Waiting.grantMax(ring, max, nanos);
        }
        return grant.open(ring, n == 0 ? -1 : ring.grantStart(), 0, n);
    }

    /**
     * Reads from {@code channel} straight into the ring: waits for room if there is none, grants
     * the largest contiguous region free, makes one {@code channel.read} call into it and commits
     * what it read. With a direct queue and a file or socket channel the kernel copies straight into
     * the ring. Its memory consistency effects are those of {@link WriteGrant#commit(int)}.
     *
     * @param channel the source
     * @return what {@code channel.read} returned: the bytes committed, 0, or -1 at the channel's end
     * @throws IOException if the channel fails (nothing is committed), or the thread is interrupted
     *         while waiting for room ({@link InterruptedIOException}, interrupt status kept)
     * @throws IllegalStateException if a write grant is already open
     * @throws QueueClosedException if either side has closed
     */
    public int readFrom(ReadableByteChannel channel) throws IOException {
        WriteGrant grant;
        try {
            grant = grantMax(ring.capacity);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for room in the queue");
        }
        try {
            int n = channel.read(grant.buffer());
            grant.commit(Math.max(n, 0));
            return n;
        } finally {
            grant.close();
        }
    }

    /**
     * An {@link OutputStream} that writes into this queue: each {@code write} copies into grants and
     * commits them, waiting for room as needed; {@code flush} has nothing to do; {@code close} closes
     * this producer. A consumer that has closed makes writes fail with an {@link IOException}. A
     * {@code write} that returns has committed its bytes, with the memory consistency effects of
     * {@link WriteGrant#commit(int)}.
     *
     * @return a new stream over this producer
     */
    public OutputStream asOutputStream() {
        return new QueueOutputStream(this);
    }

    @Override
    public String toString() {
        return "Producer[" + ring + "]";
    }
}
