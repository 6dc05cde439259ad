package dev.bbq;

import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

import static dev.bbq.ControlBlock.COMMIT_START;
import static dev.bbq.ControlBlock.LAST;
import static dev.bbq.ControlBlock.PRODUCER_CLOSED;
import static dev.bbq.ControlBlock.READ;
import static dev.bbq.ControlBlock.WRITE;

/**
 * The producer's steps of the state machine in {@link Ring}: opening write grants, committing bytes
 * and frames, the empty wrap (R8), closing the producer (R10). Only the producer thread calls them,
 * and they are the only code that stores {@code write}, {@code last}, {@code COMMIT_START}, the
 * producer's closed flag, frame flags and wrap marks (R1) or the {@code p*} fields, apart from
 * {@link QueueFileTakeover}, which a producer process runs on the ring before its first grant. A
 * superclass of {@code Ring} rather than a class of its own, so that each step stays one direct call
 * on the ring with no object in between (the halves' grant calls inline as they did). Rules: see
 * Ring.
 */
abstract class RingProducerSide extends RingCommon {
    RingProducerSide(ByteBuffer data, ControlBlock control, WaitStrategy waitStrategy, boolean inBandCommits,
            QueueFile file) {
        super(data, control, waitStrategy, inBandCommits, file);
    }

    /**
     * A process taking the producer half of a shared file starts from the words as they are now
     * (an earlier producer process may have committed more, then died).
     */
    void syncProducer() {
        pWrite = control.getAcquire(WRITE); // R2, R12: a successor starts from the published words
        pLast = control.getAcquire(LAST); // R3
        pReadCache = control.getAcquire(READ); // R4, R7
    }

    // Opening a write grant, the one place its steps are written, in this order: no grant may be
    // open (which also refuses a closed producer), the request must be one that can ever succeed,
    // the consumer must not have closed; then the fit, and either the refusal (counted) or the open
    // grant. Each returns the grant's start (or, for the max forms, its length, the start being
    // grantStart()), or -1 (0) when refused. A frame written in one call (open == false) reserves
    // without opening a grant: it is published before the call returns.

    /** A raw grant of exactly {@code n} bytes. */
    int tryGrantExact(int n) {
        writes.checkNone();
        if (n < 1 || n > capacity) {
            throw badRequest("grant of " + n + " bytes: must be between 1 and the capacity, ", capacity);
        }
        return fitOrRefuse(n, true);
    }

    /** Room for a frame of up to {@code length} payload bytes, header included. */
    int tryGrantFrame(int length, boolean open) {
        writes.checkNone();
        if (length < 0 || length > maxFrameLength) {
            throw badFrame(length);
        }
        return fitOrRefuse(FrameHeader.width(length) + length, open);
    }

    // The messages are built out of line: these operations inline into every grant call, and a
    // string concatenation there is enough code to cost C2 the scalar replacement of a caller's grant.
    private static IllegalArgumentException badRequest(String message, int capacity) {
        return new IllegalArgumentException(capacity < 0 ? message : message + capacity);
    }

    private IllegalArgumentException badFrame(int length) {
        return new IllegalArgumentException("frame of " + length + " bytes: must be between 0 and " + maxFrameLength
                + ", the largest frame a " + capacity + "-byte queue can hold");
    }

    private int fitOrRefuse(int n, boolean open) {
        checkProducerOpen();
        if (!grantExact(n)) {
            refused();
            return -1;
        }
        if (open) {
            writes.open();
        }
        return pGrantStart;
    }

    /** A raw grant of up to {@code max} bytes ({@code batch}: a frame batch, at most the capacity). */
    int tryGrantMax(int max, boolean batch) {
        writes.checkNone();
        if (max < 1 || (batch && max > capacity)) {
            throw batch ? badRequest("batch of " + max + " bytes: must be between 1 and the capacity, ", capacity)
                    : badRequest("grant of at most " + max + " bytes: must be at least 1", -1);
        }
        checkProducerOpen();
        int n = grantMax(max);
        if (n > 0) {
            writes.open();
        } else {
            refused();
        }
        return n;
    }

    /** A wait loop's retry of {@link #tryGrantExact}/{@link #tryGrantFrame} ({@code n} with the header). */
    int retryGrantExact(int n, boolean open) {
        checkProducerOpen();
        checkFile();
        if (!grantExact(n)) {
            return -1;
        }
        if (open) {
            writes.open();
        }
        return pGrantStart;
    }

    /** A wait loop's retry of {@link #tryGrantMax}. */
    int retryGrantMax(int max) {
        checkProducerOpen();
        checkFile();
        int n = grantMax(max);
        if (n > 0) {
            writes.open();
        }
        return n;
    }

    /** Where the grant just made starts. */
    int grantStart() {
        return pGrantStart;
    }

    /** The producer's own copy of {@code write} (for the stress tests). */
    int producerWrite() {
        return pWrite;
    }

    /** Whether grants are over: the producer closed, or the consumer did. */
    boolean producerDone() {
        return pClosed || consumerClosed();
    }

    /**
     * Tries to reserve exactly {@code n} contiguous bytes, {@code 1 <= n <= capacity}; on success
     * {@link #pGrantStart} holds the offset. Publishes nothing (I4) except under R8.
     */
    boolean grantExact(int n) {
        int w = pWrite;
        int start = fitExact(n, w, pReadCache);
        if (start < 0) {
            int r = refreshRead(w);
            Chaos.pause();
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
        int r = control.getAcquire(READ); // R4: space seen free is free
        pReadCache = r;
        counters.producerSaw(w >= r ? w - r : pLast - r + w);
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
        data.put(0, (byte) 0); // R11: the ring is empty, so byte 0 is free; it must read as "nothing yet"
        if (pLast != w) {
            pLast = w;
            control.setRelease(LAST, w); // R3: before write
        }
        Chaos.pause();
        pWrite = 0;
        control.setRelease(WRITE, 0); // R3
        Chaos.pause();
        markWrap(w);
        signalConsumer(); // R9
    }

    /** R11: a framed consumer waiting in-band at {@code oldWrite} learns that it must look at the index. */
    void markWrap(int oldWrite) {
        if (oldWrite < capacity) {
            VarHandle.releaseFence(); // R11: after the watermark and the index it points to
            data.put(oldWrite, FrameHeader.INDEX_MARK); // R11: the mark, after the index
        }
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
                control.setRelease(LAST, w); // R3: the watermark before the write that needs it
            }
        } else if (nw > pLast) {
            // Straight and past a stale watermark: the whole upper region is ordinary again.
            pLast = capacity;
            control.setRelease(LAST, capacity); // R3
        }
        Chaos.pause(); // between the watermark and the index (R3)
        pWrite = nw;
        counters.committed(used, frames);
        control.setRelease(WRITE, nw); // R2: publishes the bytes (and R3: the watermark)
        if (start != w) {
            markWrap(w); // R11
        }
    }

    /**
     * Framed mode: publishes a frame of {@code length} bytes whose payload is already written at
     * {@code start + width}: its header's other bytes, then {@link #commitFrames} for a batch of one.
     */
    void commitFrame(int start, int width, int length) {
        byte first = FrameHeader.encodeAllButFirst(data, start, width, length);
        commitFrames(start, start + width + length, 1, first);
    }

    /**
     * Framed mode: publishes the {@code frames} frames already written in {@code [start, end)}, each
     * with its whole header except the first frame's first byte, {@code first}, which is its flag:
     * one index store, one flag release and one wake-up check for all of them. R11: the byte after
     * the batch is zeroed (the next frame's header goes there, and until it is committed it must
     * read "nothing yet"); the index is published; then, after a release fence, the first flag. The
     * flags of the frames after the first were stored with their headers, before that fence, so a
     * consumer that sees the first frame (in-band or through the index) sees every frame of the batch.
     */
    void commitFrames(int start, int end, int frames, byte first) {
        if (file != null) {
            // R12: before anything of this commit is published, so that a successor finds the batch
            // if this process dies between the index and the flag.
            control.setOpaque(COMMIT_START, start); // R12
        }
        if (start != pWrite) {
            data.put(start, (byte) 0); // R11: after a wrap the flag byte may hold an older lap's bytes
        }
        if (end < capacity) {
            data.put(end, (byte) 0); // R11: the next flag byte; free space by the grant's rules
        }
        commit(end - start, frames); // R2: the index first, so it is never behind a visible flag
        Chaos.pause(); // between the index and the flag (R11)
        VarHandle.releaseFence(); // R11
        data.put(start, first); // R11: the flag, after the index
        signalConsumer(); // R9: after the flag, the consumer's real "data" signal
    }

    /**
     * Writes a whole frame of a batch at {@code at} (header of {@code width} bytes and payload) into
     * the producer's open grant, and returns its first header byte without storing it: the caller
     * stores it with {@link #putBatchFlag} for every frame but the batch's first, whose flag
     * {@link #commitFrames} publishes.
     */
    byte putFrame(int at, int width, byte[] src, int off, int len) {
        putBytes(at + width, src, off, len);
        return FrameHeader.encodeAllButFirst(data, at, width, len);
    }

    /** As {@link #putFrame}, from a buffer's remaining bytes. */
    byte putFrame(int at, int width, ByteBuffer src) {
        int len = src.remaining();
        ByteBuffer view = pView;
        view.clear();
        view.position(at + width);
        view.put(src);
        return FrameHeader.encodeAllButFirst(data, at, width, len);
    }

    /** The flag of a batch's later frame: inside the open grant, published by the batch's fence. */
    void putBatchFlag(int at, byte first) {
        data.put(at, first); // R11: before commitFrames' release fence
    }

    /** Publishes raw bytes: {@link #commit} and then the wake-up check (R9). */
    void commitBytes(int used) {
        commit(used, 0);
        signalConsumer();
    }

    /** R9: after the publication, a full fence, then the waiter flag. Nothing when nobody can wait. */
    private void signalConsumer() {
        if (signals) {
            Chaos.pause(); // between the publication and the waiter-flag load (R9)
            VarHandle.fullFence(); // R9: the publication before the waiter-flag load
            consumerWaiter.wake();
        }
    }

    /** Closes the producer side: aborts an open grant, then publishes the closed flag. */
    void closeProducer() {
        writes.closeSide();
        if (!pClosed) {
            pClosed = true;
            control.setRelease(PRODUCER_CLOSED, 1); // R10: after every commit
            Chaos.pause(); // between the two closed flags (R10)
            consumerWaiter.peerClosed = true; // R10, for this process's consumer
            VarHandle.fullFence(); // R9
            consumerWaiter.wake();
            if (file != null) {
                file.release(true); // after the flag: a successor reopens the stream (R12)
            }
        }
    }

    /**
     * Whether the consumer has closed; called by the producer on every grant. Never for a queue
     * file, whose consumer detaches instead (R12).
     */
    boolean consumerClosed() {
        return producerWaiter.peerClosed; // R10 (volatile)
    }

    /** Throws if the consumer has closed (the producer's own close is caught by {@link GrantIds#checkNone}). */
    void checkProducerOpen() {
        if (consumerClosed()) {
            throw new QueueClosedException("the consumer has closed: nobody will read what is committed");
        }
    }

    /** For a parked producer (R9): has the consumer published anything since the producer looked? */
    boolean consumerMovedSinceProducerLooked() {
        return control.getVolatile(READ) != pReadCache || producerWaiter.peerClosed; // R9
    }

    /**
     * A grant call found no room: counts it, and for a shared file checks, on one refusal in 64,
     * that the file still has its length (see RingConsumerSide's nothingToRead for why not on every
     * one). A queue file's producer never gives up because no consumer is attached: it refuses until
     * one attaches and reads (R12).
     */
    void refused() {
        counters.refused();
        if (file != null && (pSlowPaths++ & SAMPLE_SLOW_PATHS) == 0) {
            file.checkSize();
        }
    }

    /**
     * A refusal another thread had while this one held a shared producer (S2): counted only. The file
     * check of {@link #refused()} belongs to a producer's own slow path; a fold may run in
     * {@code BBQueue.stats()}, which must not throw for a truncated file.
     */
    void countRefused() {
        counters.refused();
    }

    void countDroppedFrame(int bytes) {
        counters.dropped(bytes);
    }

    void countProducerWait(long nanos) {
        counters.producerWaited(nanos);
    }
}
