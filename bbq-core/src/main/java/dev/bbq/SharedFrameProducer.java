package dev.bbq;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The writing half of a framed {@link BBQueue} for several threads at once: GPIO listener threads,
 * a sampling scheduler and a serial pump all writing records into one queue read by one consumer.
 * Each call writes one whole frame; each thread's frames arrive whole and in that thread's order,
 * and frames of different threads interleave in the order their writes took the producer.
 *
 * <pre>{@code
 * SharedFrameProducer producer = queue.sharedFrameProducer();   // any thread, any number of threads
 * producer.writeOrDrop(record, 0, record.length);                // never waits for room
 * try (SharedFrameGrant frame = producer.tryGrant(64)) {          // building a frame in place
 *     if (frame != null) {
 *         frame.putLong(0, timestamp);
 *         frame.commit(8);
 *     }
 * }
 * }</pre>
 *
 * <p><b>Taking turns.</b> The queue still has one producer; the threads take turns at it through a
 * lock, so the single-producer path underneath is exactly a {@link FrameProducer}'s. A turn is short
 * for a copy ({@code tryWrite}, {@code write}, {@code writeOrDrop}) and long while a thread holds a
 * {@link SharedFrameGrant} or waits for room:
 * <ul>
 * <li>The try-forms ({@code tryWrite}, {@code writeOrDrop}, {@code tryGrant}) never wait for room and
 *     never wait for another thread's grant or wait: while another thread holds a grant or waits
 *     for room, they fail at once ({@code writeOrDrop} drops and counts the frame), as if the ring
 *     were full. They do wait for another thread's copy of one frame to end (spinning, then
 *     yielding), which takes no longer than the copy.</li>
 * <li>The blocking forms ({@code write}, {@code grant} with a timeout) wait, within their timeout,
 *     first for their turn and then for room. Only the thread whose turn it is waits for room, woken
 *     by the consumer as a {@link FrameProducer} is; the others wait for the turn, polling with
 *     growing pauses of at most 1 ms. Turns are not fair: a thread that has just written may go
 *     again before one that waits.</li>
 * <li>A thread that holds a grant (a {@link SharedFrameGrant}, or a {@link SharedReusableGrant} it
 *     granted into) holds the producer until it commits or closes that grant: other
 *     threads' try-forms fail meanwhile and their blocking forms wait. Fill grants quickly, and never
 *     wait for another producer thread while holding one. The grant belongs to the thread that took
 *     it: only that thread may use, commit or close it, and that thread may not write or take
 *     another grant until it has (both throw {@link IllegalStateException}).</li>
 * </ul>
 *
 * <p><b>Closing.</b> {@link #close()} ends the stream for every producer thread at once: call it when
 * all of them are done (for example after joining them). It waits for a thread that holds a grant or
 * waits for room to finish, and later calls from any thread throw {@link QueueClosedException}. The
 * consumer sees the end of the stream after the last frame committed before the close, whichever
 * thread committed it.
 *
 * <p><b>Counters.</b> Refused writes and drops are counted in {@link BBQueue#stats()} as a
 * {@link FrameProducer}'s are, also those refused because another thread held the producer. Those
 * reach the queue's counters when the holder's turn ends, or when {@code stats()} is called while no
 * thread holds the producer; a queue file's counters, which another process may read, show them
 * once the next turn has ended.
 * Calls allocate nothing except the one-shot grant objects ({@link SharedFrameGrant}); the grant
 * forms that take a {@link SharedReusableGrant}, which each thread creates once and keeps, allocate
 * nothing either.
 *
 * <p><b>Queue files.</b> A queue made by {@link BBQueue#createMapped} or {@link BBQueue#openMapped}
 * works the same way for the threads of the process that took the producer. Several producer
 * processes on one queue file are not supported: the file's producer half belongs to one process.
 *
 * <p>Memory consistency effects: actions in a thread prior to its committing a frame (through a
 * grant, {@code tryWrite}, {@code write} or a {@code writeOrDrop} that writes) <i>happen-before</i>
 * actions in the consumer's thread after it receives that frame, and before actions of any producer
 * thread that takes the producer after that commit.
 */
public final class SharedFrameProducer implements AutoCloseable {
    private final FrameProducer producer;
    private final Ring ring;
    private final SharedProducerLock lock = new SharedProducerLock();
    private volatile boolean closed;

    // S2: refusals and drops of threads that could not take the producer, not yet in the ring's counters.
    @SuppressWarnings("unused") // accessed through VarHandles
    private volatile long pendingRefused;
    @SuppressWarnings("unused")
    private volatile long pendingDroppedFrames;
    @SuppressWarnings("unused")
    private volatile long pendingDroppedBytes;

    SharedFrameProducer(FrameProducer producer) {
        this.producer = producer;
        this.ring = producer.ring;
    }

    /**
     * The ring's size, headers included; see {@link #maxFrameLength()} for the largest frame.
     *
     * @return the ring's size in bytes
     */
    public int capacity() {
        return ring.capacity;
    }

    /**
     * The largest frame this queue can ever accept (see {@link FrameProducer#maxFrameLength()}).
     *
     * @return the largest frame in bytes
     */
    public int maxFrameLength() {
        return ring.maxFrameLength;
    }

    /**
     * Copies {@code len} bytes of {@code src} from {@code off} into the queue as one frame, or
     * returns {@code false} (copying nothing) if there is no room now or another thread holds the
     * producer with a grant or a wait for room. Waits only for another thread's copy to end.
     * Allocates nothing.
     *
     * @param src the frame's bytes
     * @param off where they start in {@code src}
     * @param len how many there are
     * @return whether the frame was written
     * @throws IndexOutOfBoundsException if {@code off} and {@code len} do not describe a range of {@code src}
     * @throws IllegalArgumentException if {@code len} is above {@link #maxFrameLength()}
     * @throws IllegalStateException if this thread holds an open {@link SharedFrameGrant}
     * @throws QueueClosedException if either side has closed
     */
    public boolean tryWrite(byte[] src, int off, int len) {
        Objects.checkFromIndexSize(off, len, src.length);
        checkLength(len);
        if (!takeOrCountRefusal()) {
            return false;
        }
        try {
            return producer.tryWrite(src, off, len);
        } finally {
            unlock();
        }
    }

    /**
     * As {@link #tryWrite(byte[], int, int)} for the remaining bytes of {@code src}; on success its
     * position moves to its limit, otherwise it is untouched.
     *
     * @param src the frame's bytes, between position and limit
     * @return whether the frame was written
     * @throws IllegalArgumentException if {@code src.remaining()} is above {@link #maxFrameLength()}
     * @throws IllegalStateException if this thread holds an open {@link SharedFrameGrant}
     * @throws QueueClosedException if either side has closed
     */
    public boolean tryWrite(ByteBuffer src) {
        checkLength(src.remaining());
        if (!takeOrCountRefusal()) {
            return false;
        }
        try {
            return producer.tryWrite(src);
        } finally {
            unlock();
        }
    }

    /**
     * As {@link #tryWrite(byte[], int, int)}, waiting up to {@code timeout} in all, first for this
     * thread's turn at the producer and then for room.
     *
     * @param src the frame's bytes
     * @param off where they start in {@code src}
     * @param len how many there are
     * @param timeout how long to wait; 0 or less does not wait for room (but for another thread's copy)
     * @param unit the unit of {@code timeout}
     * @return whether the frame was written; {@code false} if the time ran out
     * @throws InterruptedException if the thread is interrupted before or while waiting
     * @throws IndexOutOfBoundsException if {@code off} and {@code len} do not describe a range of {@code src}
     * @throws IllegalArgumentException if {@code len} is above {@link #maxFrameLength()}
     * @throws IllegalStateException if this thread holds an open {@link SharedFrameGrant}
     * @throws QueueClosedException if either side has closed, also while waiting
     */
    public boolean write(byte[] src, int off, int len, long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = begin(timeout, unit);
        Objects.checkFromIndexSize(off, len, src.length);
        checkLength(len);
        if (nanos == 0) {
            return tryWrite(src, off, len);
        }
        long start = System.nanoTime();
        if (!takeForWait(nanos)) {
            return false;
        }
        try {
            if (producer.tryWrite(src, off, len)) {
                return true;
            }
            lock.hold(); // waiting for room: the others' try-forms fail instead of spinning
            return producer.write(src, off, len, remaining(nanos, start), TimeUnit.NANOSECONDS);
        } finally {
            unlock();
        }
    }

    /**
     * The overload policy for telemetry, as {@link FrameProducer#writeOrDrop(byte[], int, int)}:
     * writes the frame if {@link #tryWrite(byte[], int, int)} can, and otherwise drops it and counts
     * the drop ({@link QueueStats#framesDropped()}, {@link QueueStats#bytesDropped()}) for the queue,
     * whichever thread dropped it. Never waits for room or for another thread's grant.
     *
     * @param src the frame's bytes
     * @param off where they start in {@code src}
     * @param len how many there are
     * @return {@code true} if written, {@code false} if dropped
     * @throws IndexOutOfBoundsException if {@code off} and {@code len} do not describe a range of {@code src}
     * @throws IllegalArgumentException if {@code len} is above {@link #maxFrameLength()}
     * @throws IllegalStateException if this thread holds an open {@link SharedFrameGrant}
     * @throws QueueClosedException if either side has closed
     */
    public boolean writeOrDrop(byte[] src, int off, int len) {
        Objects.checkFromIndexSize(off, len, src.length);
        checkLength(len);
        if (!takeForCopy()) {
            refusedWithoutTurn(len);
            return false;
        }
        try {
            return producer.writeOrDrop(src, off, len);
        } finally {
            unlock();
        }
    }

    /**
     * As {@link #writeOrDrop(byte[], int, int)} for the remaining bytes of {@code src}, which are
     * consumed (position set to limit) whether the frame was written or dropped.
     *
     * @param src the frame's bytes, between position and limit
     * @return {@code true} if written, {@code false} if dropped
     * @throws IllegalArgumentException if {@code src.remaining()} is above {@link #maxFrameLength()}
     * @throws IllegalStateException if this thread holds an open {@link SharedFrameGrant}
     * @throws QueueClosedException if either side has closed
     */
    public boolean writeOrDrop(ByteBuffer src) {
        int len = src.remaining();
        checkLength(len);
        if (!takeForCopy()) {
            src.position(src.limit());
            refusedWithoutTurn(len);
            return false;
        }
        try {
            return producer.writeOrDrop(src);
        } finally {
            unlock();
        }
    }

    /**
     * Reserves room for one frame of up to {@code maxLength} bytes, to be built in place, or returns
     * {@code null} if there is no room now or another thread holds the producer with a grant or a
     * wait for room. The grant holds the producer for this thread until it is committed or closed
     * (see the class comment).
     *
     * @param maxLength the most bytes the frame will hold, {@code 0 <= maxLength <= maxFrameLength()}
     * @return an open grant, or {@code null}
     * @throws IllegalArgumentException if {@code maxLength} is negative or above {@link #maxFrameLength()}
     * @throws IllegalStateException if this thread already holds an open grant
     * @throws QueueClosedException if either side has closed
     */
    public SharedFrameGrant tryGrant(int maxLength) {
        checkLength(maxLength);
        if (!takeOrCountRefusal()) {
            return null;
        }
        FrameGrant grant = null;
        try {
            grant = producer.tryGrant(maxLength);
        } finally {
            if (grant == null) {
                unlock();
            }
        }
        return opened(grant);
    }

    /**
     * As {@link #tryGrant(int)}, waiting up to {@code timeout} in all, first for this thread's turn
     * and then for room.
     *
     * @param maxLength the most bytes the frame will hold, {@code 0 <= maxLength <= maxFrameLength()}
     * @param timeout how long to wait; 0 or less does not wait for room
     * @param unit the unit of {@code timeout}
     * @return an open grant, or {@code null} if the time ran out
     * @throws InterruptedException if the thread is interrupted before or while waiting
     * @throws IllegalArgumentException if {@code maxLength} is negative or above {@link #maxFrameLength()}
     * @throws IllegalStateException if this thread already holds an open grant
     * @throws QueueClosedException if either side has closed, also while waiting
     */
    public SharedFrameGrant grant(int maxLength, long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = begin(timeout, unit);
        checkLength(maxLength);
        if (nanos == 0) {
            return tryGrant(maxLength);
        }
        long start = System.nanoTime();
        if (!takeForWait(nanos)) {
            return null;
        }
        return granted(maxLength, nanos, start);
    }

    /**
     * As {@link #tryGrant(int)}, into a grant object this thread keeps and reuses, so that no call
     * allocates (see {@link SharedReusableGrant}: it belongs to the thread that created it). When it
     * returns {@code true}, {@code grant} holds room for one frame, and the producer for this thread,
     * until it is committed or closed.
     *
     * @param maxLength the most bytes the frame will hold, {@code 0 <= maxLength <= maxFrameLength()}
     * @param grant this thread's grant object; it must hold no open grant
     * @return whether {@code grant} now holds room for the frame; {@code false} if there is no room now
     *         or another thread holds the producer with a grant or a wait for room
     * @throws IllegalArgumentException if {@code maxLength} is negative or above {@link #maxFrameLength()}
     * @throws IllegalStateException if {@code grant} was created by another thread or is open, or this
     *         thread already holds an open grant
     * @throws QueueClosedException if either side has closed
     */
    public boolean tryGrant(int maxLength, SharedReusableGrant grant) {
        ReusableWriteGrant room = grant.free();
        checkLength(maxLength);
        if (!takeOrCountRefusal()) {
            return false;
        }
        boolean granted = false;
        try {
            granted = producer.tryGrant(maxLength, room);
        } finally {
            if (!granted) {
                unlock();
            }
        }
        return granted && opened(grant);
    }

    /**
     * As {@link #tryGrant(int, SharedReusableGrant)}, waiting up to {@code timeout} in all, first for
     * this thread's turn and then for room. Allocates nothing.
     *
     * @param maxLength the most bytes the frame will hold, {@code 0 <= maxLength <= maxFrameLength()}
     * @param grant this thread's grant object; it must hold no open grant
     * @param timeout how long to wait; 0 or less does not wait for room
     * @param unit the unit of {@code timeout}
     * @return whether {@code grant} now holds room for the frame; {@code false} if the time ran out
     * @throws InterruptedException if the thread is interrupted before or while waiting
     * @throws IllegalArgumentException if {@code maxLength} is negative or above {@link #maxFrameLength()}
     * @throws IllegalStateException if {@code grant} was created by another thread or is open, or this
     *         thread already holds an open grant
     * @throws QueueClosedException if either side has closed, also while waiting
     */
    public boolean grant(int maxLength, SharedReusableGrant grant, long timeout, TimeUnit unit)
            throws InterruptedException {
        long nanos = begin(timeout, unit);
        ReusableWriteGrant room = grant.free();
        checkLength(maxLength);
        if (nanos == 0) {
            return tryGrant(maxLength, grant);
        }
        long start = System.nanoTime();
        if (!takeForWait(nanos)) {
            return false;
        }
        boolean granted = false;
        try {
            granted = producer.tryGrant(maxLength, room);
            if (!granted) {
                lock.hold(); // waiting for room: the others' try-forms fail instead of spinning
                granted = producer.grant(maxLength, room, remaining(nanos, start), TimeUnit.NANOSECONDS);
            }
        } finally {
            if (!granted) {
                unlock();
            }
        }
        return granted && opened(grant);
    }

    /** The grant is open and the turn stays with it until it ends. */
    private boolean opened(SharedReusableGrant grant) {
        lock.hold();
        grant.opened(this);
        return true;
    }

    /** With the turn taken: grants, waiting for room, or gives the turn back. */
    private SharedFrameGrant granted(int maxLength, long nanos, long start) throws InterruptedException {
        FrameGrant grant = null;
        try {
            grant = producer.tryGrant(maxLength);
            if (grant == null) {
                lock.hold(); // waiting for room: the others' try-forms fail instead of spinning
                grant = producer.grant(maxLength, remaining(nanos, start), TimeUnit.NANOSECONDS);
            }
        } finally {
            if (grant == null) {
                unlock();
            }
        }
        return opened(grant);
    }

    /** The turn stays with a grant until it ends; none if there is no grant (the turn was given back). */
    private SharedFrameGrant opened(FrameGrant grant) {
        if (grant == null) {
            return null;
        }
        lock.hold();
        return new SharedFrameGrant(this, grant);
    }

    /** Called by a grant that ended: the turn goes back. */
    void grantEnded() {
        unlock();
    }

    /** Whether the calling thread holds the producer (an open grant). */
    boolean heldByCurrentThread() {
        return lock.heldByCurrentThread();
    }

    /**
     * Closes the producer for every thread: every committed frame stays readable, and the consumer
     * sees the end of the stream after the last one. Waits for a thread that holds a grant or waits
     * for room to finish; if the calling thread holds a grant itself, that grant is abandoned (not
     * committed). Closing twice does nothing.
     *
     * <p>Memory consistency effects: actions of every producer thread prior to its last commit
     * <i>happen-before</i> actions in the consumer's thread after it sees the end of the stream.
     */
    @Override
    public void close() {
        if (!lock.heldByCurrentThread()) {
            boolean interrupted = false;
            while (true) {
                try {
                    if (lock.acquire(Long.MAX_VALUE)) {
                        break;
                    }
                } catch (InterruptedException e) {
                    interrupted = true; // close() cannot throw it; keep the status for the caller
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            closed = true;
            producer.close();
        } finally {
            unlock();
        }
    }

    /**
     * Whether frames are over: this producer was closed, or the consumer has closed.
     *
     * @return whether no more frames can be written
     */
    public boolean isClosed() {
        return closed || ring.consumerClosed();
    }

    @Override
    public String toString() {
        return "SharedFrameProducer[" + ring + "]";
    }

    // ---------------------------------------------------------------------------------------------

    private void checkLength(int length) {
        if (lock.heldByCurrentThread()) {
            throw new IllegalStateException("this thread holds an open shared frame grant: commit or close it first");
        }
        if (length < 0 || length > ring.maxFrameLength) {
            throw new IllegalArgumentException("frame of " + length + " bytes: must be between 0 and "
                    + ring.maxFrameLength + ", the largest frame a " + ring.capacity + "-byte queue can hold");
        }
        if (closed) {
            throw new QueueClosedException("the producer is closed");
        }
    }

    private boolean takeForCopy() {
        return lock.tryAcquireForCopy();
    }

    /** A try-form's turn: taken, or refused and counted (S2) because another thread holds the producer. */
    private boolean takeOrCountRefusal() {
        if (takeForCopy()) {
            return true;
        }
        refusedWithoutTurn(-1);
        return false;
    }

    private boolean takeForWait(long nanos) throws InterruptedException {
        return lock.acquire(nanos);
    }

    /**
     * A try-form found another thread holding the producer for long: S2, count it for the queue
     * ({@code dropped >= 0}: a drop of that many bytes) without touching the ring.
     */
    private void refusedWithoutTurn(int dropped) {
        if (closed) {
            throw new QueueClosedException("the producer is closed");
        }
        ring.checkProducerOpen();
        if (dropped >= 0) {
            PENDING_DROPPED_BYTES.getAndAdd(this, (long) dropped); // S2: bytes before the frame
            PENDING_DROPPED_FRAMES.getAndAdd(this, 1L); // S2
        }
        PENDING_REFUSED.getAndAdd(this, 1L); // S2
        if (lock.tryAcquireOnce()) { // S2: if the holder has just left, fold it in ourselves
            unlock();
        }
    }

    /**
     * Gives the turn back after folding pending counts in (S2: every holder folds before it
     * releases, so a count waits at most until the next turn ends); the caller holds the lock.
     */
    private void unlock() {
        foldPending();
        lock.release(); // S1
    }

    /**
     * Folds pending refusals and drops into the queue's counters if no thread holds the producer now
     * (one CAS, no waiting); a holder folds them itself before it lets go (S2). For
     * {@link BBQueue#stats()}, so that a snapshot taken while the producers are idle is exact.
     */
    void foldIfFree() {
        if (hasPending() && lock.tryAcquireOnce()) { // S2
            unlock();
        }
    }

    private boolean hasPending() {
        return (long) PENDING_REFUSED.getVolatile(this) != 0 // S2
                || (long) PENDING_DROPPED_FRAMES.getVolatile(this) != 0; // S2
    }

    private void foldPending() {
        if (!hasPending()) {
            return; // the common case: two loads, no read-modify-write on every turn
        }
        long refused = (long) PENDING_REFUSED.getAndSet(this, 0L); // S2
        for (long i = 0; i < refused; i++) {
            ring.countRefused();
        }
        long frames = (long) PENDING_DROPPED_FRAMES.getAndSet(this, 0L); // S2: frames first ...
        if (frames > 0) {
            long bytes = (long) PENDING_DROPPED_BYTES.getAndSet(this, 0L); // S2: ... so their bytes are here
            for (long i = 0; i < frames; i++) {
                ring.countDroppedFrame(i == 0 ? (int) Math.min(bytes, Integer.MAX_VALUE) : 0);
            }
        }
    }

    private static long begin(long timeout, TimeUnit unit) throws InterruptedException {
        Objects.requireNonNull(unit, "unit");
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        return timeout <= 0 ? 0 : unit.toNanos(timeout);
    }

    private static long remaining(long nanos, long start) {
        return nanos == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(1, nanos - (System.nanoTime() - start));
    }

    private static final VarHandle PENDING_REFUSED;
    private static final VarHandle PENDING_DROPPED_FRAMES;
    private static final VarHandle PENDING_DROPPED_BYTES;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            PENDING_REFUSED = lookup.findVarHandle(SharedFrameProducer.class, "pendingRefused", long.class);
            PENDING_DROPPED_FRAMES = lookup.findVarHandle(SharedFrameProducer.class, "pendingDroppedFrames", long.class);
            PENDING_DROPPED_BYTES = lookup.findVarHandle(SharedFrameProducer.class, "pendingDroppedBytes", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
