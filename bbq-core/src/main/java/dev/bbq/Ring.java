package dev.bbq;

import java.nio.ByteBuffer;

import static dev.bbq.ControlBlock.LAST;
import static dev.bbq.ControlBlock.READ;
import static dev.bbq.ControlBlock.WRITE;

/**
 * The bipartite ring and its state machine: the one place where grants, commits, reads and
 * releases move the shared indices. Everything else in the library calls its operations.
 * {@code docs/design.md} draws the ring and its states (section 1), walks through the operations
 * (section 3) and proves each rule below (section 4); this comment keeps what a reader of the code
 * needs at hand.
 *
 * <p><b>Who writes what.</b> Three shared words describe the ring (see {@link ControlBlock}):
 * {@code write}, one past the last committed byte, and {@code last}, the watermark (while the ring is
 * <em>inverted</em>, the end of the valid bytes in the upper region), are written by the producer
 * only; {@code read}, the first byte not yet released, by the consumer only. Each side keeps a
 * private copy of the words it owns and never reads them back from shared memory, and a cached copy
 * of the other side's words that it refreshes only when its fast path fails. Straight
 * ({@code read <= write}) the committed bytes are {@code [read, write)}; inverted
 * ({@code write < read <= last}) they are {@code [read, last)} then {@code [0, write)}. Grants never
 * wrap.
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
 * it. Every shared access cites its rule, wherever it lives ({@code OrderingRulesTest} checks).
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
 *       again while the ring is inverted ({@link QueueFileTakeover#takeOverProducer}), so a death
 *       between a commit's two stores never wedges the consumer, which releases skip records
 *       without delivering them.</li>
 * </ol>
 *
 * <p><b>Where the steps are.</b> One object, its code in a chain of superclasses so that every
 * operation stays a direct call on the ring: {@link RingProducerSide} holds the producer's steps
 * (opening write grants exact or max, wait-loop retries, commits of bytes or frames, the empty wrap,
 * closing the producer), {@link RingConsumerSide} the consumer's (opening reads, looking, following
 * the watermark, releasing, the end of the stream, closing the consumer), each the one place its
 * steps are written, in the order the proof gives (except a framed read's, which FrameConsumer writes
 * out from these operations so that C2 inlines them; design.md section 3 says why);
 * {@link RingCommon} what both read (bytes, control block, waiters) and each side's byte access;
 * {@code RingFields.java} the padded side-private fields. Beside them: a queue file's takeover in
 * {@link QueueFileTakeover}, grant ids in {@link GrantIds}, statistics in {@link Counters} (each side
 * counts its own events; they order nothing), byte access for old JDKs in {@link BufferAccess}. This
 * class builds the ring and answers diagnostics.
 *
 * <p><b>Threads.</b> Producer methods must be called by one thread at a time, consumer methods
 * likewise; a side handed to another thread needs a happens-before edge, as any non-thread-safe
 * object does. The two sides' private fields are padded apart (see {@link LinePad}).
 */
final class Ring extends RingConsumerSide {
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
        super(data, control, waitStrategy, inBandCommits, file);
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

    /** A snapshot of the counters; safe from any thread (see {@link Counters#stats(int)}). */
    QueueStats stats() {
        return counters.stats(capacity);
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
