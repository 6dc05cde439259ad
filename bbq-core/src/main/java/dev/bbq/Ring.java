package dev.bbq;

import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

import static dev.bbq.ControlBlock.COMMIT_START;
import static dev.bbq.ControlBlock.CONSUMER_CLOSED;
import static dev.bbq.ControlBlock.LAST;
import static dev.bbq.ControlBlock.PRODUCER_CLOSED;
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
 *   <li>R9, no lost wake-up: with a signalling wait strategy a publisher (commit, release, empty
 *       wrap, close) stores its word, issues a full fence, then reads the other side's waiter flag;
 *       a waiter stores its flag (volatile), issues a full fence, then looks at the other side's
 *       word once more before parking. Dekker's pattern: one of the two sees the other.</li>
 *   <li>R10, closing: a side stores its closed flag after its last publication and signals as in
 *       R9; a consumer that finds no data and then sees the producer's flag looks once more (the
 *       flag's acquire makes every earlier commit visible) before reporting the end of the stream.</li>
 *   <li>R11, in-band frame commits: a frame's first header byte is its commit flag, stored after a
 *       release fence and after {@code write}; the byte after each frame is cleared first, and a
 *       wrap leaves {@link FrameHeader#INDEX_MARK} at the old write position. A framed consumer that
 *       keeps up peeks at the producer's write position (plain load, acquire fence) instead of
 *       loading {@code write}, and treats a zero flag inside the indexed region as "in flight".</li>
 *   <li>R12, successors (queue files): a framed commit stores {@code COMMIT_START} before its
 *       index; a producer process taking a half over turns a frame the index shows but whose flag
 *       is 0 into skip records (first byte last, after a release fence) and writes the wrap mark
 *       again while the ring is inverted ({@link #takeOverProducer}), so a death between a commit's
 *       two stores never wedges the consumer, which releases skip records without delivering them.</li>
 * </ol>
 *
 * <p><b>Statistics.</b> Each side counts its own events in {@link Counters}, in padded fields of its
 * own and, for a queue file, in a line of its own in the file's first page; they are not
 * control-block words and order nothing.
 *
 * <p><b>Operations.</b> The halves, grants and wait loops call operations in the queue's words and
 * never touch the fields below: opening a write grant ({@link #tryGrantExact}, {@link #tryGrantFrame},
 * {@link #tryGrantMax}, and the wait loops' {@link #retryGrantExact}, {@link #retryGrantMax}), each
 * written once with its steps in order (none open, validate, the peer, the fit, refuse or open);
 * committing bytes or frames ({@link #commitBytes}, {@link #commitFrame}, {@link #commitFrames});
 * opening a read ({@link #tryRead}; a framed read is written out in FrameConsumer, see there), looking ({@link #look}), releasing
 * ({@link #releaseTo}); closing ({@link #closeProducer}, {@link #closeConsumer}) and the end of the
 * stream ({@link #consumerDone}). What is not the state machine lives beside it: grant ids in
 * {@link GrantIds}, statistics in {@link Counters}, byte access for old JDKs in {@link BufferAccess},
 * the padded field holders in {@code RingFields.java}.
 *
 * <p><b>Threads.</b> Producer methods (the {@code p*} fields, grant, commit) must be called by one
 * thread at a time, consumer methods (the {@code c*} fields, read, release) likewise; a side handed to
 * another thread needs a happens-before edge, as any non-thread-safe object does. The two sides' private
 * fields are separated by padding so that the producer's per-grant stores do not invalidate the
 * consumer's cache line (see {@link LinePad}).
 */
final class Ring extends RingPad2 {
    /** Of the polls that find nothing and the grants refused, one in this + 1 checks a queue file's size. */
    private static final int SAMPLE_SLOW_PATHS = 63;

    /** The producer's write grants: at most one open, ids never reused. */
    final GrantIds writes = GrantIds.forWrites();
    /** The consumer's read grants. */
    final GrantIds reads = GrantIds.forReads();

    final int capacity;
    /** The largest frame this ring can carry: the largest n with n + header(n) &lt;= capacity. */
    final int maxFrameLength;
    /**
     * How many bytes a framed drain hands over before it releases them without waiting for the end
     * of the call: a quarter of the ring. Releasing per batch keeps the consumer's stores off the
     * producer's path; holding more than this starves a producer that keeps pace (measured in
     * docs/performance.md, "Releasing inside a drain").
     */
    final int releaseEvery;
    /** The data: exactly {@code capacity} bytes, index 0 is the ring's offset 0. */
    final ByteBuffer data;
    /** The payload copies' other view of {@code data}, from {@link RingAccess#segment}; null in the ByteBuffer form. */
    final Object segment;
    /** Shared words; see {@link ControlBlock}. */
    final ControlBlock control;
    /** How blocked sides wait. */
    final WaitStrategy waitStrategy;
    /** Whether publications must check for parked waiters (R9). */
    final boolean signals;
    /** Where the producer parks; woken by the consumer's publications. */
    final ParkingWaiter producerWaiter;
    /** Where the consumer parks; woken by the producer's publications. */
    final ParkingWaiter consumerWaiter;
    /**
     * Whether a framed consumer follows in-band commits (R11) when it keeps up. True for every queue
     * this library builds, in one JVM or shared through a file; false only when a test asks for
     * every header to be checked against the index ({@code BBQueue.Builder.checkEveryFrameHeader}).
     */
    final boolean inBandCommits;
    /** The file this ring lives in when another process shares it; null inside one JVM. */
    final QueueFile file;
    /** Where each side counts what it did (and, for a queue file, the file's first page). */
    final Counters counters;

    /** A fresh ring inside one JVM. */
    Ring(ByteBuffer data, ControlBlock control, WaitStrategy waitStrategy, boolean inBandCommits) {
        this(data, control, waitStrategy, inBandCommits, null, true);
    }

    /**
     * A ring over {@code data} and {@code control}. A {@code fresh} ring initialises the shared words;
     * otherwise (attaching to a queue file another process created) it reads them and writes nothing.
     */
    Ring(ByteBuffer data, ControlBlock control, WaitStrategy waitStrategy, boolean inBandCommits, QueueFile file,
         boolean fresh) {
        this.capacity = data.capacity();
        this.maxFrameLength = FrameHeader.maxFrameLength(capacity);
        this.releaseEvery = Math.max(capacity / 4, 1);
        this.data = data;
        this.segment = RingAccess.segment(data);
        this.control = control;
        this.waitStrategy = waitStrategy;
        this.signals = waitStrategy.signals();
        // Allocation order, so that each side's view (rewritten per slice on JDK 11 and 12, per
        // frame handed to a handler on every JDK) is followed by a padded waiter and not by whatever
        // the caller allocates next, such as the other side's producer or consumer object.
        this.pView = data.duplicate();
        this.producerWaiter = new ParkingWaiter(this, false);
        this.cView = data.duplicate();
        this.consumerWaiter = new ParkingWaiter(this, true);
        this.inBandCommits = inBandCommits;
        this.file = file;
        this.counters = new Counters(file != null ? file.map : null);
        if (fresh) {
            // A fresh ring is straight and empty, with its watermark at the end (I3), and the first
            // frame's flag byte reads as "nothing yet" (R11) even over a caller's dirty buffer.
            this.pLast = capacity;
            this.cLast = capacity;
            data.put(0, (byte) 0); // R11: the first flag byte reads "nothing yet"
            control.setRelease(LAST, capacity); // R3, I3: the watermark at the end, before write
            control.setRelease(WRITE, 0); // R2
            control.setRelease(READ, 0); // R4
        } else {
            syncProducer();
            syncConsumer();
        }
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

    /**
     * R12: a process taking the producer half of a queue file over starts from the words as they
     * are, and first repairs what a producer that died inside a commit may have left behind, so that
     * the consumer never waits forever:
     * <ul>
     *   <li>a frame whose index was published but whose flag never was ({@code COMMIT_START} names
     *       its start, and it lies in the committed bytes with a zero flag) becomes skip records,
     *       which the consumer releases without delivering them;</li>
     *   <li>a wrap whose index was published but whose mark never was: while the ring is inverted
     *       the mark is written again at the watermark (where a consumer waiting in-band stands).</li>
     * </ul>
     * Nothing else can be half done: every other step publishes with a single store. Then the
     * stream is open again, whatever an earlier producer's close said.
     */
    void takeOverProducer(boolean framed) {
        syncProducer();
        counters.takeOverProducer();
        int w = pWrite;
        int r = pReadCache;
        int l = pLast;
        if (framed) {
            int cs = control.getAcquire(COMMIT_START); // R12
            boolean committed = w >= r ? r <= cs && cs < w : cs < w;
            if (committed && data.get(cs) == 0) {
                // The frame is [cs, w): the last commit is the one the index ends with.
                FrameHeader.writeSkip(data, cs, w - cs); // R12: the record, then its first byte
                file.countFrameCut();
            }
            if (w < r && l < capacity) {
                markWrap(l); // R11, R12
            }
        }
        if (control.getAcquire(PRODUCER_CLOSED) != 0) { // R10, R12
            control.setRelease(PRODUCER_CLOSED, 0); // R1: the producer half's holder owns the flag
        }
    }

    /** As {@link #syncProducer()}, for the consumer half. */
    void syncConsumer() {
        cRead = control.getAcquire(READ); // R4, R12
        cWrite = control.getAcquire(WRITE); // R2
        cLast = control.getAcquire(LAST); // R3: after write
    }

    // ---------------------------------------------------------------------------------------------
    // Producer side

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
    private void markWrap(int oldWrite) {
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

    // ---------------------------------------------------------------------------------------------
    // Consumer side

    /**
     * Opening a read grant: none may be open (which also refuses a closed consumer), then the
     * committed bytes at the read position ({@code all}: looking at the index, not only the cache);
     * returns their length, starting at {@link #readStart()}, with a read grant open, or 0.
     */
    int tryRead(boolean all) {
        reads.checkNone();
        int length = readable(cRead, all);
        if (length > 0) {
            reads.open();
        } else {
            nothingToRead();
        }
        return length;
    }

    /**
     * One look for data without opening a grant: committed bytes ({@code frames}: whole visible
     * frames, R11) at the read position; {@code refresh} loads the index first.
     */
    int look(boolean frames, boolean refresh) {
        if (refresh) {
            readable(cRead, true);
        }
        return frames ? readableFrames(cRead) : readable(cRead, false);
    }

    /** Where the bytes the last look found start. */
    int readStart() {
        return cStart;
    }

    /** The frames at the read position for a drain: their length from {@link #readStart()}, or 0. */
    int readableFrames() {
        int available = readableFrames(cRead);
        if (available == 0) {
            nothingToRead();
        }
        return available;
    }

    /** Committed bytes now, both regions; throws if the consumer closed. */
    int available() {
        checkConsumerOpen();
        return readable(cRead, true) + wrappedReadable();
    }

    /**
     * Whether the stream has ended for the consumer: it closed itself, or the producer closed and
     * everything committed has been read (R10: the flag first, then one more look; {@code frames}:
     * a frame whose flag never came, its producer having died between its two stores, R11, was
     * never committed and does not hold the stream open).
     */
    boolean consumerDone(boolean frames) {
        if (cClosed) {
            return true;
        }
        if (!producerClosed() || !reads.none()) {
            return false;
        }
        int left = readable(cRead, true);
        return (frames ? readableFrames(cRead) : left) == 0;
    }

    /** Whether the consumer has closed itself. */
    boolean consumerClosedItself() {
        return cClosed;
    }

    /** The consumer's view of the data, repositioned to show frames to a drain's handler. */
    ByteBuffer consumerView() {
        return cView;
    }

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
            w = control.getAcquire(WRITE); // R2: bytes up to w are visible
            Chaos.pause(); // between the index and the watermark (R3)
            l = control.getAcquire(LAST); // R3: after write, so it matches w
            cWrite = w;
            cLast = l;
            int r = cRead;
            counters.consumerSaw(w >= r ? w - r : l - r + w);
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

    /**
     * Framed mode: as {@link #readable(int, boolean)} without a refresh, but when the cached view
     * ends at {@code pos} it first looks in-band (R11): a non-zero byte at the producer's last
     * published end is the first header byte of a newer frame. Only when that byte is zero does it
     * load the producer's index. While the consumer keeps up, it thus finds each new frame in the
     * cache line the frame itself arrived in, and never pulls the producer's index line away from
     * the producer.
     */
    int readableFrames(int pos) {
        while (true) {
            int available = findFrames(pos);
            if (available == 0 || file == null || !FrameHeader.isSkip(data.get(cStart))) {
                return available; // only a queue file has successors, and so skip records
            }
            // R12: a commit cut by its producer's death, turned into skip records by the producer
            // process that took over. Released here, never delivered; a drain that still holds
            // frames before it stops first and releases them.
            if (cStart != cRead) {
                return 0;
            }
            int skip = FrameHeader.skipLength(data, cStart, available);
            pos = cStart + skip;
            releaseTo(pos, 0);
        }
    }

    private int findFrames(int pos) {
        int w = cWrite;
        int l = cLast;
        int available;
        byte peek;
        if (w < pos ? pos != l : pos != w) {
            cStart = pos;
            available = (w < pos ? l : w) - pos;
        } else if (inBandCommits && w == pos && pos < capacity && (peek = peek(pos)) != FrameHeader.INDEX_MARK) {
            cStart = pos;
            cInFlight = false;
            if (peek == 0) {
                return 0; // R11: nothing has happened at the producer's write position
            }
            if (file != null && FrameHeader.isSkip(peek)) {
                cWrite = pos + FrameHeader.skipLength(data, pos, capacity - pos); // R12, as a frame
                return cWrite - pos;
            }
            long header = FrameHeader.decode(data, pos, capacity - pos);
            int end = pos + (int) (header >>> 32) + (int) header;
            cWrite = end; // the index is published before the flag, so it is at least this far
            return end - pos;
        } else {
            available = readable(pos, true);
        }
        // R11: the index is published before the flag, so the first frame may still be on its way.
        cInFlight = available > 0 && !frameVisible(cStart);
        return cInFlight ? 0 : available;
    }

    /**
     * Peeks at the producer's write position (R11): one plain load, then an acquire fence, so the
     * header and payload loads that follow come after it. Returns 0 (nothing yet), the index mark,
     * or the first byte of a committed frame's header.
     */
    private byte peek(int pos) {
        byte b = data.get(pos);
        VarHandle.acquireFence(); // R11
        return b;
    }

    /**
     * Whether the frame that starts at {@code pos}, inside bytes the index shows committed, has its
     * flag byte (R11): zero means its commit is still between its two stores.
     */
    boolean frameVisible(int pos) {
        return data.get(pos) != 0;
    }

    /** As {@link #frameVisible}, and a frame to hand over rather than a skip record (R12). */
    boolean frameReady(int pos) {
        byte first = data.get(pos);
        return first != 0 && (file == null || !FrameHeader.isSkip(first));
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
        Chaos.pause(); // between the reads of the released bytes and the release (R4)
        cRead = newRead;
        counters.released(bytes, frames);
        publishRead(newRead); // R4: our reads of the released bytes come first
    }

    /** R4, and R9 when waiters may be parked. */
    private void publishRead(int newRead) {
        control.setRelease(READ, newRead); // R4
        if (signals) {
            Chaos.pause(); // between the publication and the waiter-flag load (R9)
            VarHandle.fullFence(); // R9: the publication before the waiter-flag load
            producerWaiter.wake();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Closing (R10) and waiting (R9)

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

    /** Closes the consumer side: ends an open read grant, then publishes the closed flag. */
    void closeConsumer() {
        reads.closeSide();
        if (!cClosed) {
            cClosed = true;
            if (file != null) {
                // A queue file's consumer detaches: the producer goes on (and waits, refuses or drops
                // when the ring is full) until another consumer process takes the half (R12).
                file.release(false);
                return;
            }
            control.setRelease(CONSUMER_CLOSED, 1); // R10
            Chaos.pause(); // between the two closed flags (R10)
            producerWaiter.peerClosed = true; // R10, for this process's producer
            VarHandle.fullFence(); // R9
            producerWaiter.wake();
        }
    }

    /**
     * Whether the producer has closed: from this process (R10), or, for a shared file, from the
     * other process. A producer process that died has not closed: for a queue file that means "no
     * producer attached", and a new one may attach (R12). Called on the consumer's slow paths only.
     */
    boolean producerClosed() {
        return consumerWaiter.peerClosed // R10 (volatile)
                || (file != null && control.getAcquire(PRODUCER_CLOSED) != 0); // R10
    }

    /** Whether a queue file's producer half was closed (not merely left by a process that died), R10. */
    boolean producerClosedInFile() {
        return control.getAcquire(PRODUCER_CLOSED) != 0; // R10
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
        return control.getVolatile(WRITE) != cWrite || consumerWaiter.peerClosed // R9: volatile, after the waiter flag
                || (cInFlight && frameVisible(cStart));
    }

    /** For a parked producer (R9): has the consumer published anything since the producer looked? */
    boolean consumerMovedSinceProducerLooked() {
        return control.getVolatile(READ) != pReadCache || producerWaiter.peerClosed; // R9
    }

    /**
     * A grant call found no room: counts it, and for a shared file checks, on one refusal in 64,
     * that the file still has its length (see {@link #nothingToRead()} for why not on every one). A queue file's producer never gives up because no consumer is attached: it
     * refuses until one attaches and reads (R12).
     */
    void refused() {
        counters.refused();
        if (file != null && (pSlowPaths++ & SAMPLE_SLOW_PATHS) == 0) {
            file.checkSize();
        }
    }

    /**
     * A poll found nothing: as {@link #refused()}, for a queue file, one empty poll in 64 checks the
     * file's size. The check reads the clock (to check at most every 10 ms), and the clock costs more
     * than the poll: about 50 ns against 5 on the VM of docs/performance.md, where every empty poll
     * of a mapped consumer took 60 to 80 ns instead of 5. The wait loops check on every round.
     */
    private void nothingToRead() {
        if (file != null && (cSlowPaths++ & SAMPLE_SLOW_PATHS) == 0) {
            file.checkSize();
        }
    }

    /** A slow path (nothing to read, no room, a wait): for a queue file, checks the file's size. */
    void checkFile() {
        if (file != null) {
            file.checkSize();
        }
    }

    void countDroppedFrame(int bytes) {
        counters.dropped(bytes);
    }

    void countProducerWait(long nanos) {
        counters.producerWaited(nanos);
    }

    void countConsumerWait(long nanos) {
        counters.consumerWaited(nanos);
    }

    /** A consumer process taking a queue file's half over starts from the words as they are now. */
    void takeOverConsumer() {
        syncConsumer();
        counters.takeOverConsumer();
    }

    /** A snapshot of the counters; safe from any thread (see {@link Counters#stats(int)}). */
    QueueStats stats() {
        return counters.stats(capacity);
    }

    // ---------------------------------------------------------------------------------------------
    // Views handed to users

    /** A new buffer over {@code [start, start + length)}: position 0, limit = capacity = length. */
    ByteBuffer producerSlice(int start, int length) {
        return BufferAccess.slice(data, pView, start, length);
    }

    /** As {@link #producerSlice}, for the consumer thread. */
    ByteBuffer consumerSlice(int start, int length) {
        return BufferAccess.slice(data, cView, start, length);
    }

    /** The ring's backing array, for heap rings; throws for direct ones. */
    byte[] array() {
        if (!data.hasArray()) {
            throw new UnsupportedOperationException("this queue's ring is direct memory: it has no array (use buffer())");
        }
        return data.array();
    }

    /** Where ring offset {@code start} is in {@link #array()}. */
    int arrayOffset(int start) {
        return data.arrayOffset() + start;
    }

    /** Copies ring bytes {@code [index, index + len)} to {@code dst[off, ...)}; the consumer's thread only. */
    void getBytes(int index, byte[] dst, int off, int len) {
        RingAccess.get(data, cView, segment, index, dst, off, len);
    }

    /** Copies {@code src[off, off + len)} to ring offset {@code index}; the producer's thread only. */
    void putBytes(int index, byte[] src, int off, int len) {
        RingAccess.put(data, pView, segment, index, src, off, len);
    }

    /** The shared {@code write} word, as any thread may see it (for diagnostics and tests). */
    int sharedWrite() {
        return control.getAcquire(WRITE); // R2 (diagnostics)
    }

    /** The shared watermark, as any thread may see it (for diagnostics and tests). */
    int sharedLast() {
        return control.getAcquire(LAST); // R3 (diagnostics)
    }

    /** The shared {@code read} word, as any thread may see it (for diagnostics and tests). */
    int sharedRead() {
        return control.getAcquire(READ); // R4 (diagnostics)
    }

    @Override
    public String toString() {
        return "Ring[capacity=" + capacity + ", write=" + sharedWrite() + ", last=" + sharedLast() + ", read="
                + sharedRead() + "]";
    }
}
