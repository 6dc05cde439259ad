package dev.bbq;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.TimeUnit;

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
 * <p>Every {@code try} form has a blocking form beside it: with a timeout it returns {@code null}
 * when the time runs out, without one it waits as long as it takes. Both also return {@code null} at
 * the end of the stream: the producer has closed and every committed byte has been read;
 * {@link #isClosed()} tells the two apart.
 *
 * <p>A consumer is meant for one thread. It is not thread-safe; handing it, or an open grant, to
 * another thread needs a happens-before edge. At most one read grant is open at a time.
 *
 * <p>Memory consistency effects: actions in the producer's thread prior to committing bytes
 * <i>happen-before</i> actions in the consumer's thread after a read (any of the forms below) hands
 * it those bytes, and actions prior to a release <i>happen-before</i> the producer's writes into the
 * released space (see the package documentation).
 */
public final class Consumer extends ConsumerHalf implements AutoCloseable {

    Consumer(Ring ring) {
        super(ring);
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
     * <p>Memory consistency effects: actions in the producer's thread prior to committing the granted
     * bytes <i>happen-before</i> actions in this thread after this call returns them.
     *
     * @return an open read grant, or {@code null}
     * @throws IllegalStateException if a read grant is already open
     * @throws QueueClosedException if this consumer has closed
     */
    public ReadGrant tryRead() {
        int length = ring.tryRead(false);
        return length == 0 ? null : new ReadGrant(ring, ring.reads.id(), ring.readStart(), length);
    }

    /**
     * As {@link #tryRead()}, waiting up to {@code timeout} for data.
     *
     * @param timeout how long to wait; 0 or less does not wait
     * @param unit the unit of {@code timeout}
     * @return an open read grant, or {@code null} if the time ran out or the stream has ended
     * @throws InterruptedException if the thread is interrupted before or while waiting
     * @throws IllegalStateException if a read grant is already open
     * @throws QueueClosedException if this consumer has closed
     */
    public ReadGrant read(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = Waiting.begin(timeout, unit);
        int length = ring.tryRead(false);
        if (length == 0 && Waiting.data(ring, nanos, false)) {
            length = ring.tryRead(false);
        }
        return length == 0 ? null : new ReadGrant(ring, ring.reads.id(), ring.readStart(), length);
    }

    /**
     * As {@link #tryRead()}, waiting as long as it takes.
     *
     * @return an open read grant, or {@code null} only at the end of the stream
     * @throws InterruptedException if the thread is interrupted before or while waiting
     * @throws IllegalStateException if a read grant is already open
     * @throws QueueClosedException if this consumer has closed
     */
    public ReadGrant read() throws InterruptedException {
        return read(Waiting.FOREVER, TimeUnit.NANOSECONDS);
    }

    /**
     * As {@link #tryRead()}, into a grant object the caller keeps and reuses, so that no call
     * allocates (see {@link ReusableReadGrant}).
     *
     * @param grant receives the grant; it must hold no open grant
     * @return whether {@code grant} now holds committed bytes
     * @throws IllegalStateException if a read grant is already open, or {@code grant} holds one
     * @throws QueueClosedException if this consumer has closed
     */
    public boolean tryRead(ReusableReadGrant grant) {
        ReusableReadGrant.checkFree(grant);
        int length = ring.tryRead(false);
        if (length == 0) {
            return false;
        }
        grant.open(ring, ring.readStart(), length, false);
        return true;
    }

    /**
     * As {@link #tryRead(ReusableReadGrant)}, waiting up to {@code timeout} for data
     * ({@code Long.MAX_VALUE} waits as long as it takes).
     *
     * @param grant receives the grant; it must hold no open grant
     * @param timeout how long to wait; 0 or less does not wait
     * @param unit the unit of {@code timeout}
     * @return whether {@code grant} now holds committed bytes; {@code false} if the time ran out or
     *         the stream has ended ({@link #isClosed()} tells them apart)
     * @throws InterruptedException if the thread is interrupted before or while waiting
     * @throws IllegalStateException if a read grant is already open, or {@code grant} holds one
     * @throws QueueClosedException if this consumer has closed
     */
    public boolean read(ReusableReadGrant grant, long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = Waiting.begin(timeout, unit);
        ReusableReadGrant.checkFree(grant);
        int length = ring.tryRead(false);
        if (length == 0 && Waiting.data(ring, nanos, false)) {
            length = ring.tryRead(false);
        }
        if (length == 0) {
            return false;
        }
        grant.open(ring, ring.readStart(), length, false);
        return true;
    }

    /**
     * Grants all bytes committed so far as at most two regions, the one before the end of the ring
     * and the one that continues at its start, or returns {@code null} if none are committed.
     *
     * <p>Memory consistency effects: as for {@link #tryRead()}, for both regions.
     *
     * @return an open split read grant, or {@code null}
     * @throws IllegalStateException if a read grant is already open
     * @throws QueueClosedException if this consumer has closed
     */
    public SplitReadGrant trySplitRead() {
        int first = ring.tryRead(true);
        return first == 0 ? null
                : new SplitReadGrant(ring, ring.reads.id(), ring.readStart(), first, ring.wrappedReadable());
    }

    /**
     * As {@link #trySplitRead()}, waiting up to {@code timeout} for data.
     *
     * @param timeout how long to wait; 0 or less does not wait
     * @param unit the unit of {@code timeout}
     * @return an open split read grant, or {@code null} if the time ran out or the stream has ended
     * @throws InterruptedException if the thread is interrupted before or while waiting
     * @throws IllegalStateException if a read grant is already open
     * @throws QueueClosedException if this consumer has closed
     */
    public SplitReadGrant splitRead(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = Waiting.begin(timeout, unit);
        int first = ring.tryRead(true);
        if (first == 0 && Waiting.data(ring, nanos, false)) {
            first = ring.tryRead(true);
        }
        return first == 0 ? null
                : new SplitReadGrant(ring, ring.reads.id(), ring.readStart(), first, ring.wrappedReadable());
    }

    /**
     * As {@link #trySplitRead()}, waiting as long as it takes.
     *
     * @return an open split read grant, or {@code null} only at the end of the stream
     * @throws InterruptedException if the thread is interrupted before or while waiting
     * @throws IllegalStateException if a read grant is already open
     * @throws QueueClosedException if this consumer has closed
     */
    public SplitReadGrant splitRead() throws InterruptedException {
        return splitRead(Waiting.FOREVER, TimeUnit.NANOSECONDS);
    }

    /**
     * The number of bytes committed and not yet released, as far as this consumer can see now
     * (it looks at the producer's index). Does not count bytes of an open read grant as released.
     *
     * @return bytes that can be read without waiting
     * @throws QueueClosedException if this consumer has closed
     */
    public int available() {
        return ring.available();
    }

    /**
     * Writes committed bytes to {@code channel} straight from the ring: waits for data if there is
     * none, makes one {@code channel.write} call from the contiguous committed bytes and releases
     * what it wrote. Its memory consistency effects are those of {@link #read()} and
     * {@link ReadGrant#release(int)}.
     *
     * @param channel the destination
     * @return the bytes written and released, or -1 at the end of the stream
     * @throws IOException if the channel fails (nothing is released), or the thread is interrupted
     *         while waiting for data ({@link InterruptedIOException}, interrupt status kept)
     * @throws IllegalStateException if a read grant is already open
     * @throws QueueClosedException if this consumer has closed
     */
    public int writeTo(WritableByteChannel channel) throws IOException {
        ReadGrant grant;
        try {
            grant = read();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for data in the queue");
        }
        if (grant == null) {
            return -1;
        }
        try {
            int n = channel.write(grant.buffer());
            grant.release(n);
            return n;
        } finally {
            grant.close();
        }
    }

    /**
     * An {@link InputStream} over this queue, with the full {@code InputStream} contract: reads wait
     * for data, return -1 only at the end of the stream (the producer closed and everything was
     * read), {@code available()} counts the committed bytes, and {@code close} closes this consumer.
     * A {@code read} has the memory consistency effects of {@link #trySplitRead()} and
     * {@link SplitReadGrant#release(int)}.
     *
     * @return a new stream over this consumer
     */
    public InputStream asInputStream() {
        return new QueueInputStream(this, ring);
    }

    /**
     * Whether the stream is over for this consumer: it closed itself, or the producer has closed and
     * every committed byte has been read and released. Call it from the consumer's thread.
     *
     * @return {@code true} at the end of the stream
     */
    public boolean isClosed() {
        return ring.consumerDone(false);
    }

    @Override
    public String toString() {
        return "Consumer[" + ring + "]";
    }
}
