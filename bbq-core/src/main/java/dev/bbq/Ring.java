package dev.bbq;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;

import static dev.bbq.ControlBlock.BYTES_COMMITTED;
import static dev.bbq.ControlBlock.BYTES_DROPPED;
import static dev.bbq.ControlBlock.BYTES_RELEASED;
import static dev.bbq.ControlBlock.CONSUMER_CLOSED;
import static dev.bbq.ControlBlock.CONSUMER_HIGH;
import static dev.bbq.ControlBlock.CONSUMER_WAIT;
import static dev.bbq.ControlBlock.FRAMES_COMMITTED;
import static dev.bbq.ControlBlock.FRAMES_DROPPED;
import static dev.bbq.ControlBlock.FRAMES_RELEASED;
import static dev.bbq.ControlBlock.GRANTS_REFUSED;
import static dev.bbq.ControlBlock.INT;
import static dev.bbq.ControlBlock.LAST;
import static dev.bbq.ControlBlock.LONG;
import static dev.bbq.ControlBlock.PRODUCER_CLOSED;
import static dev.bbq.ControlBlock.PRODUCER_HIGH;
import static dev.bbq.ControlBlock.PRODUCER_WAIT;
import static dev.bbq.ControlBlock.READ;
import static dev.bbq.ControlBlock.WRITE;

/**
 * The bipartite ring and its state machine: the one place where grants, commits, reads and
 * releases move the shared indices. Everything else in the library calls these methods.
 *
 * <h2>Overview of implementation</h2>
 *
 * <p>The ring holds {@code capacity} bytes. Three shared words describe it (see {@link ControlBlock}):
 * <ul>
 *   <li>{@code write}: one past the last committed byte. Written by the producer only.</li>
 *   <li>{@code last}, the watermark: while the ring is <em>inverted</em>, the end of the valid bytes
 *       in the upper region. Written by the producer only.</li>
 *   <li>{@code read}: the first byte not yet released. Written by the consumer only.</li>
 * </ul>
 * Each side keeps a private copy of the words it owns and never reads them back from shared memory,
 * and a cached copy of the other side's words that it refreshes only when its fast path fails.
 *
 * <p><b>States.</b> When {@code read <= write} the ring is <em>straight</em>: bytes
 * {@code [read, write)} are committed, {@code [write, capacity)} and {@code [0, read - 1)} are free.
 * A grant that does not fit in the tail but fits in front of {@code read} is placed at 0; its commit
 * stores {@code last = write} and then moves {@code write} below {@code read}: the ring is
 * <em>inverted</em>, committed bytes are {@code [read, last)} followed by {@code [0, write)}, and
 * only {@code [write, read - 1)} is free ({@code [last, capacity)} is skipped). When the consumer
 * reaches the watermark ({@code read == last > write}) it moves {@code read} back to 0 and the ring
 * is straight again. Grants never wrap; that is the point of the design.
 *
 * <p><b>Invariants.</b> (I1) {@code 0 <= read, write, last <= capacity}. (I2) While inverted,
 * {@code write < read <= last}: the producer never lets {@code write} reach {@code read}, so
 * {@code write == read} always means empty. (I3) While straight, {@code write <= last}: the
 * watermark is either a stale value at or above {@code write}, or {@code capacity}. (I4) Nothing is
 * published at grant time: a grant is private to its side until its commit or release, so dropping a
 * grant needs no undo.
 *
 * <p><b>Ordering rules.</b> The numbers are those of {@code docs/design.md}, which proves each one
 * under the Java memory model (acquire/release access modes) and says what goes wrong on ARM without
 * it. Every shared access below cites its rule.
 * <ol>
 *   <li>R1, single writer: {@code write} and {@code last} are stored only by the producer,
 *       {@code read} only by the consumer; nothing is ever compare-and-set.</li>
 *   <li>R2, commit publishes data: the producer stores {@code write} with release after writing the
 *       granted bytes; the consumer loads {@code write} with acquire before reading them.</li>
 *   <li>R3, watermark before write: a commit stores {@code last} (release) before {@code write}
 *       (release); the consumer loads {@code write} (acquire) before {@code last} (acquire).</li>
 *   <li>R4, release frees space: the consumer stores {@code read} with release after its last
 *       access to the released bytes; the producer loads {@code read} with acquire before writing
 *       into space that the load shows free.</li>
 *   <li>R5, following the watermark: the consumer moves {@code read} to 0 only when it sees
 *       {@code write < read == last}, and publishes it with release (as R4).</li>
 *   <li>R6, strict inversion: an inverted grant must end strictly before {@code read} ({@code n < read - write},
 *       {@code n < read} at 0), keeping I2.</li>
 *   <li>R7, conservative caches: a stale cached {@code read} (producer) or {@code write}/{@code last}
 *       pair (consumer) can only under-state free space or committed bytes, never over-state them.</li>
 *   <li>R8, the drained-ring handshake: a producer refused on an empty ring at position p publishes
 *       an empty wrap ({@code last = p}, then {@code write = 0}, as R3); the consumer's next read
 *       attempt follows the watermark (R5); from then on {@code read == write == 0} and a grant of
 *       the whole capacity fits.</li>
 *   <li>R9, no lost wake-up: with a signalling wait strategy, a side publishes its index with a
 *       volatile store and then reads the other side's waiter flag (volatile); a waiter stores its
 *       flag (volatile) and then re-reads the other side's index (volatile) before parking. The four
 *       accesses are totally ordered, so either the waiter sees the new index or the publisher sees
 *       the waiter. Closing works the same way with the closed flags.</li>
 *   <li>R10, closing: a side stores its closed flag with a volatile store after its last
 *       publication; a consumer that finds no data and then sees the producer's flag looks once more
 *       (the flag's acquire makes every earlier commit visible) before reporting end of stream.</li>
 * </ol>
 *
 * <p><b>Statistics.</b> Each side counts its own events in private fields and copies each new
 * value to its line of the control block with an opaque store; {@link #stats()} reads them with
 * opaque loads from any thread. Counters are single-writer, so no read-modify-write is needed.
 *
 * <p><b>Threads.</b> Producer methods (the {@code p*} fields, grant, commit) must be called by one
 * thread at a time, consumer methods (the {@code c*} fields, read, release) likewise; a side handed to
 * another thread needs a happens-before edge, as any non-thread-safe object does. The two sides' private
 * fields are separated by padding so that the producer's per-grant stores do not invalidate the
 * consumer's cache line (see {@link RingPad0}).
 */
final class Ring extends RingPad2 {
    /** No write or read grant is open. */
    static final long NO_GRANT = 0L;

    final int capacity;
    /** The data: exactly {@code capacity} bytes, index 0 is the ring's offset 0. */
    final ByteBuffer data;
    /** Shared words; see {@link ControlBlock}. */
    final ByteBuffer control;
    /** How blocked sides wait. */
    final WaitStrategy waitStrategy;
    /** Whether publications must check for parked waiters (R9). */
    final boolean signals;
    /** Where the producer parks; woken by the consumer's publications. */
    final ParkingWaiter producerWaiter;
    /** Where the consumer parks; woken by the producer's publications. */
    final ParkingWaiter consumerWaiter;

    Ring(ByteBuffer data, ByteBuffer control, WaitStrategy waitStrategy) {
        this.capacity = data.capacity();
        this.data = data;
        this.control = control;
        this.waitStrategy = waitStrategy;
        this.signals = waitStrategy.signals();
        this.producerWaiter = new ParkingWaiter(this, false);
        this.consumerWaiter = new ParkingWaiter(this, true);
        this.pView = data.duplicate();
        this.cView = data.duplicate();
        // A fresh ring is straight and empty, with its watermark at the end (I3).
        this.pLast = capacity;
        this.cLast = capacity;
        INT.setRelease(control, LAST, capacity);
        INT.setRelease(control, WRITE, 0);
        INT.setRelease(control, READ, 0);
    }

    // ---------------------------------------------------------------------------------------------
    // Producer side

    /**
     * Tries to reserve exactly {@code n} contiguous bytes, {@code 1 <= n <= capacity}; on success
     * {@link #pGrantStart} holds the offset. Publishes nothing (I4) except under R8.
     */
    boolean grantExact(int n) {
        int w = pWrite;
        int start = fitExact(n, w, pReadCache);
        if (start < 0) {
            int r = refreshRead(w);
            start = fitExact(n, w, r);
            if (start < 0) {
                if (r == w) {
                    publishEmptyWrap(w); // R8
                }
                return false;
            }
        }
        pGrantStart = start;
        return true;
    }

    /** Loads the consumer's index (the producer's slow path) and samples the fill level. */
    private int refreshRead(int w) {
        int r = (int) INT.getAcquire(control, READ); // R4: space seen free is free
        pReadCache = r;
        long inUse = w >= r ? w - r : pLast - r + w;
        if (inUse > pHighWater) {
            pHighWater = inUse;
            LONG.setOpaque(control, PRODUCER_HIGH, inUse);
        }
        return r;
    }

    /**
     * Where a grant of {@code n} bytes goes, or -1. Written to be overflow-free for any
     * {@code n <= capacity}: sums are never formed, only differences of in-range indices.
     */
    private int fitExact(int n, int w, int r) {
        if (w < r) {
            return n < r - w ? w : -1; // inverted: R6
        }
        if (n <= capacity - w) {
            return w;
        }
        return n < r ? 0 : -1; // wrap early, skipping [w, capacity): R6
    }

    /**
     * Tries to reserve the largest contiguous region of at most {@code max} bytes that can be had
     * now, wrapping to 0 when the front offers more than the tail. Returns its length, 0 if none.
     */
    int grantMax(int max) {
        int w = pWrite;
        int len = fitMax(max, w, pReadCache);
        if (len < max) {
            int r = refreshRead(w);
            len = fitMax(max, w, r);
            if (len == 0 && r == w) {
                publishEmptyWrap(w); // R8 (only a ring of capacity 1 gets here)
            }
        }
        return len;
    }

    private int fitMax(int max, int w, int r) {
        if (w < r) {
            pGrantStart = w;
            return Math.min(max, r - w - 1); // R6
        }
        int tail = capacity - w;
        int front = Math.max(r - 1, 0); // R6: a grant at 0 must end before read
        if (tail >= max || tail >= front) {
            pGrantStart = w;
            return Math.min(max, tail);
        }
        pGrantStart = 0;
        return Math.min(max, front);
    }

    /**
     * R8: on an empty ring ({@code read == write == p}) where the request fits neither the tail nor
     * the front, move the producer to 0 exactly as a wrapping commit of zero bytes would. The
     * consumer's next read attempt then sees {@code write < read == last} and follows the watermark
     * to 0, after which the whole ring is one free region.
     */
    private void publishEmptyWrap(int w) {
        if (pLast != w) {
            pLast = w;
            INT.setRelease(control, LAST, w); // R3: before write
        }
        pWrite = 0;
        publishWrite(0); // R3
    }

    /**
     * Publishes the first {@code used} bytes of the open grant as {@code frames} frames (0 for raw
     * bytes); the rest returns to free space.
     */
    void commit(int used, int frames) {
        if (used == 0) {
            return; // I4: nothing was published at grant time, so nothing needs undoing
        }
        int start = pGrantStart;
        int w = pWrite;
        int nw = start + used;
        if (start != w) {
            // This grant wrapped: the tail [w, capacity) is skipped and w becomes the watermark.
            // (w == capacity leaves last == capacity, which it already is by I3.)
            if (pLast != w) {
                pLast = w;
                INT.setRelease(control, LAST, w); // R3: the watermark before the write that needs it
            }
        } else if (nw > pLast) {
            // Straight and past a stale watermark: the whole upper region is ordinary again.
            pLast = capacity;
            INT.setRelease(control, LAST, capacity); // R3
        }
        pWrite = nw;
        LONG.setOpaque(control, BYTES_COMMITTED, pBytesCommitted += used);
        if (frames != 0) {
            LONG.setOpaque(control, FRAMES_COMMITTED, pFramesCommitted += frames);
        }
        publishWrite(nw); // R2: publishes the bytes (and R3: the watermark)
    }

    /** R2, and R9 when waiters may be parked. */
    private void publishWrite(int nw) {
        if (signals) {
            INT.setVolatile(control, WRITE, nw); // R9: ordered before the waiter-flag load
            consumerWaiter.wake();
        } else {
            INT.setRelease(control, WRITE, nw); // R2
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Consumer side

    /**
     * Finds the contiguous committed bytes that follow position {@code pos}, a position at or after
     * the published {@code read} in the consumer's current pass. Uses the cached
     * {@code write}/{@code last} pair unless it shows nothing or {@code refresh} is set. Follows the
     * watermark (R5) when {@code pos} stands on it; if {@code pos} is the published read, the move to
     * 0 is published at once (which is what lets a producer waiting under R8 go on).
     *
     * @return the number of readable bytes starting at {@link #cStart}
     */
    int readable(int pos, boolean refresh) {
        int w = cWrite;
        int l = cLast;
        if (refresh || (w < pos ? pos == l : pos == w)) {
            w = (int) INT.getAcquire(control, WRITE); // R2: bytes up to w are visible
            l = (int) INT.getAcquire(control, LAST); // R3: after write, so it matches w
            cWrite = w;
            cLast = l;
            int r = cRead;
            long inUse = w >= r ? w - r : l - r + w;
            if (inUse > cHighWater) {
                cHighWater = inUse;
                LONG.setOpaque(control, CONSUMER_HIGH, inUse);
            }
        }
        if (w < pos && pos == l) {
            // R5: the upper region is used up and the producer has wrapped.
            if (pos == cRead) {
                cRead = 0;
                publishRead(0); // R5
            }
            pos = 0;
        }
        cStart = pos;
        return (w < pos ? l : w) - pos;
    }

    /** The committed bytes at the front, {@code [0, write)}, when the ring is inverted; else 0. */
    int wrappedReadable() {
        return cWrite < cStart ? cWrite : 0;
    }

    /**
     * Releases everything before {@code newRead}, which may lie in the lower region (a split
     * release), counting {@code frames} frames.
     */
    void releaseTo(int newRead, int frames) {
        int r = cRead;
        long bytes = newRead >= r ? newRead - r : cLast - r + newRead;
        cRead = newRead;
        LONG.setOpaque(control, BYTES_RELEASED, cBytesReleased += bytes);
        if (frames != 0) {
            LONG.setOpaque(control, FRAMES_RELEASED, cFramesReleased += frames);
        }
        publishRead(newRead); // R4: our reads of the released bytes come first
    }

    /** R4, and R9 when waiters may be parked. */
    private void publishRead(int newRead) {
        if (signals) {
            INT.setVolatile(control, READ, newRead); // R9
            producerWaiter.wake();
        } else {
            INT.setRelease(control, READ, newRead); // R4
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Closing (R10) and waiting (R9)

    /** Closes the producer side: aborts an open grant, then publishes the closed flag. */
    void closeProducer() {
        pOpenGrant = NO_GRANT;
        if (!pClosed) {
            pClosed = true;
            INT.setVolatile(control, PRODUCER_CLOSED, 1); // R10: after every commit
            consumerWaiter.wake(); // R9
        }
    }

    /** Closes the consumer side: ends an open read grant, then publishes the closed flag. */
    void closeConsumer() {
        cOpenGrant = NO_GRANT;
        if (!cClosed) {
            cClosed = true;
            INT.setVolatile(control, CONSUMER_CLOSED, 1); // R10
            producerWaiter.wake(); // R9
        }
    }

    boolean producerClosed() {
        return (int) INT.getAcquire(control, PRODUCER_CLOSED) != 0; // R10
    }

    boolean consumerClosed() {
        return (int) INT.getAcquire(control, CONSUMER_CLOSED) != 0; // R10
    }

    /** Throws unless the producer may grant: neither side has closed. */
    void checkProducerOpen() {
        if (pClosed) {
            throw new QueueClosedException("the producer is closed");
        }
        if (consumerClosed()) {
            throw new QueueClosedException("the consumer has closed: nobody will read what is committed");
        }
    }

    /** Throws if the consumer closed itself. */
    void checkConsumerOpen() {
        if (cClosed) {
            throw new QueueClosedException("the consumer is closed");
        }
    }

    /**
     * For a parked consumer (R9): has the producer published anything since the consumer last
     * looked? Volatile loads, after the waiter flag's volatile store.
     */
    boolean producerMovedSinceConsumerLooked() {
        return (int) INT.getVolatile(control, WRITE) != cWrite || (int) INT.getVolatile(control, PRODUCER_CLOSED) != 0;
    }

    /** For a parked producer (R9): has the consumer published anything since the producer looked? */
    boolean consumerMovedSinceProducerLooked() {
        return (int) INT.getVolatile(control, READ) != pReadCache || (int) INT.getVolatile(control, CONSUMER_CLOSED) != 0;
    }

    void countRefusedGrant() {
        LONG.setOpaque(control, GRANTS_REFUSED, ++pGrantsRefused);
    }

    void countDroppedFrame(int bytes) {
        LONG.setOpaque(control, FRAMES_DROPPED, ++pFramesDropped);
        LONG.setOpaque(control, BYTES_DROPPED, pBytesDropped += bytes);
    }

    void countProducerWait(long nanos) {
        LONG.setOpaque(control, PRODUCER_WAIT, pWaitNanos += nanos);
    }

    void countConsumerWait(long nanos) {
        LONG.setOpaque(control, CONSUMER_WAIT, cWaitNanos += nanos);
    }

    /**
     * A snapshot of the counters; safe from any thread. The two sides count independently, so the
     * committed and released totals are read as a pair that belongs together: committed, released,
     * committed again (acquire loads, so the released total is read in between), retried while the
     * producer moves; then clamped to the ring so that a reader racing both sides still sees a fill
     * level between 0 and the capacity. At rest every figure is exact.
     */
    QueueStats stats() {
        long committed;
        long released;
        int tries = 0;
        do {
            committed = (long) LONG.getAcquire(control, BYTES_COMMITTED);
            released = (long) LONG.getAcquire(control, BYTES_RELEASED);
        } while (committed != (long) LONG.getAcquire(control, BYTES_COMMITTED) && ++tries < 64);
        long inUse = Math.max(0, Math.min(capacity, committed - released));
        released = committed - inUse;
        long framesReleased = (long) LONG.getAcquire(control, FRAMES_RELEASED);
        long framesCommitted = Math.max(framesReleased, (long) LONG.getAcquire(control, FRAMES_COMMITTED));
        long high = Math.max((long) LONG.getOpaque(control, PRODUCER_HIGH), (long) LONG.getOpaque(control, CONSUMER_HIGH));
        return new QueueStats(capacity, committed, framesCommitted, released, framesReleased, inUse,
                Math.max(high, inUse), (long) LONG.getOpaque(control, GRANTS_REFUSED),
                (long) LONG.getOpaque(control, FRAMES_DROPPED), (long) LONG.getOpaque(control, BYTES_DROPPED),
                (long) LONG.getOpaque(control, PRODUCER_WAIT), (long) LONG.getOpaque(control, CONSUMER_WAIT));
    }

    // ---------------------------------------------------------------------------------------------
    // Grants: one open grant per side, with ids that are never reused, so that a grant object kept
    // past its commit or release is recognised as stale even after newer grants were made.
    //
    // Grant objects are small and immutable, and every method on them is a few bytecodes that pass
    // primitives on to a static helper or to this class; their buffers are cut fresh on each
    // buffer() call and never stored in a field. That keeps everything inlinable and every object
    // local, so that C2's escape analysis scalar-replaces grants and their buffers in a caller's
    // loop (JDK 17's C2 does not scalar-replace a buffer held in another object's field, JDK 25's
    // does): the steady state allocates nothing, yet each grant keeps its own identity.

    void checkNoWriteGrant() {
        if (pOpenGrant != NO_GRANT) {
            throw new IllegalStateException("a write grant is already open: commit or close it first");
        }
    }

    void openWriteGrant() {
        pOpenGrant = ++pGrantsIssued;
    }

    void checkWriteGrant(long id) {
        if (pOpenGrant != id) {
            throw new IllegalStateException("this write grant is no longer open: it was committed or closed");
        }
    }

    void endWriteGrant() {
        pOpenGrant = NO_GRANT;
    }

    void closeWriteGrant(long id) {
        if (pOpenGrant == id) {
            pOpenGrant = NO_GRANT;
        }
    }

    void checkNoReadGrant() {
        if (cOpenGrant != NO_GRANT) {
            throw new IllegalStateException("a read grant is already open: release or close it first");
        }
    }

    void openReadGrant() {
        cOpenGrant = ++cGrantsIssued;
    }

    void checkReadGrant(long id) {
        if (cOpenGrant != id) {
            throw new IllegalStateException("this read grant is no longer open: it was released or closed");
        }
    }

    void endReadGrant() {
        cOpenGrant = NO_GRANT;
    }

    void closeReadGrant(long id) {
        if (cOpenGrant == id) {
            cOpenGrant = NO_GRANT;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Views handed to users

    /** A new buffer over {@code [start, start + length)}: position 0, limit = capacity = length. */
    ByteBuffer producerSlice(int start, int length) {
        return slice(data, pView, start, length);
    }

    /** As {@link #producerSlice}, for the consumer thread. */
    ByteBuffer consumerSlice(int start, int length) {
        return slice(data, cView, start, length);
    }

    private static ByteBuffer slice(ByteBuffer data, ByteBuffer sideView, int start, int length) {
        try {
            return (ByteBuffer) SLICE.invokeExact(data, sideView, start, length);
        } catch (Throwable e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Cuts slices with {@code ByteBuffer.slice(int, int)} (JDK 13+), which reads no buffer state and
     * so works on the shared {@code data} buffer from either thread; on JDK 11 and 12, which lack it,
     * repositions the calling side's private view instead. Either way the slice is a fresh object
     * that C2 can scalar-replace when the caller does not let it escape.
     */
    private static final MethodHandle SLICE;

    static {
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        MethodHandle slice;
        try {
            slice = MethodHandles.dropArguments(lookup.findVirtual(ByteBuffer.class, "slice",
                    MethodType.methodType(ByteBuffer.class, int.class, int.class)), 1, ByteBuffer.class);
        } catch (NoSuchMethodException e) {
            try {
                slice = lookup.findStatic(Ring.class, "sliceByRepositioning", MethodType.methodType(
                        ByteBuffer.class, ByteBuffer.class, ByteBuffer.class, int.class, int.class));
            } catch (ReflectiveOperationException e2) {
                throw new ExceptionInInitializerError(e2);
            }
        } catch (IllegalAccessException e) {
            throw new ExceptionInInitializerError(e);
        }
        SLICE = slice;
    }

    private static ByteBuffer sliceByRepositioning(ByteBuffer data, ByteBuffer sideView, int start, int length) {
        sideView.clear();
        sideView.position(start);
        sideView.limit(start + length);
        return sideView.slice();
    }

    /** The shared {@code write} word, as any thread may see it (for diagnostics and tests). */
    int sharedWrite() {
        return (int) INT.getAcquire(control, WRITE);
    }

    /** The shared watermark, as any thread may see it (for diagnostics and tests). */
    int sharedLast() {
        return (int) INT.getAcquire(control, LAST);
    }

    /** The shared {@code read} word, as any thread may see it (for diagnostics and tests). */
    int sharedRead() {
        return (int) INT.getAcquire(control, READ);
    }

    @Override
    public String toString() {
        return "Ring[capacity=" + capacity + ", write=" + sharedWrite() + ", last=" + sharedLast() + ", read="
                + sharedRead() + "]";
    }
}

/**
 * Padding, cold fields first. The producer's and the consumer's private fields are written on every
 * grant and read, so each group sits between 128 bytes of padding (JCTools' layout: superclass fields
 * come first, and HotSpot does not reorder fields across classes).
 */
abstract class RingPad0 {
    long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;
}

/** Producer-private state. Only the producer thread touches these fields. */
abstract class RingProducerFields extends RingPad0 {
    /** The producer's own copy of {@code write}. */
    int pWrite;
    /** The producer's own copy of {@code last}. */
    int pLast;
    /** Last {@code read} the producer loaded (R7). */
    int pReadCache;
    /** Offset of the grant being made or open. */
    int pGrantStart;
    /** Id of the open write grant, or {@link Ring#NO_GRANT}. */
    long pOpenGrant;
    /** Ids handed out so far; a grant's id is never reused, which makes stale grants detectable. */
    long pGrantsIssued;
    /** The producer's view of the data, repositioned to cut slices (never handed out). */
    ByteBuffer pView;
    /** Whether the producer has closed. */
    boolean pClosed;
    /** Running totals behind the producer's statistics words. */
    long pBytesCommitted;
    long pFramesCommitted;
    long pGrantsRefused;
    long pFramesDropped;
    long pBytesDropped;
    long pWaitNanos;
    long pHighWater;
}

abstract class RingPad1 extends RingProducerFields {
    long q00, q01, q02, q03, q04, q05, q06, q07, q08, q09, q10, q11, q12, q13, q14, q15;
}

/** Consumer-private state. Only the consumer thread touches these fields. */
abstract class RingConsumerFields extends RingPad1 {
    /** The consumer's own copy of {@code read}. */
    int cRead;
    /** Last {@code write} the consumer loaded (R7). */
    int cWrite;
    /** {@code last} as loaded right after {@link #cWrite} (R3). */
    int cLast;
    /** Start of the region the last {@link Ring#readable} call found. */
    int cStart;
    /** Id of the open read grant, or {@link Ring#NO_GRANT}. */
    long cOpenGrant;
    /** Ids handed out so far. */
    long cGrantsIssued;
    /** The consumer's view of the data, repositioned to cut slices and to show frames to handlers. */
    ByteBuffer cView;
    /** Whether the consumer has closed. */
    boolean cClosed;
    /** Running totals behind the consumer's statistics words. */
    long cBytesReleased;
    long cFramesReleased;
    long cWaitNanos;
    long cHighWater;
}

abstract class RingPad2 extends RingConsumerFields {
    long r00, r01, r02, r03, r04, r05, r06, r07, r08, r09, r10, r11, r12, r13, r14, r15;
}
