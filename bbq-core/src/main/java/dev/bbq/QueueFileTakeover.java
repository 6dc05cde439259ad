package dev.bbq;

import static dev.bbq.ControlBlock.COMMIT_START;
import static dev.bbq.ControlBlock.PRODUCER_CLOSED;

/**
 * A process taking a half of a queue file over (R12): the successor starts from the shared words as
 * an earlier process left them and repairs what a producer that died inside a commit left behind.
 * Called once per attach, never on a hot path.
 */
final class QueueFileTakeover {
    private QueueFileTakeover() {
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
    static void takeOverProducer(Ring ring, boolean framed) {
        ring.syncProducer();
        ring.counters.takeOverProducer();
        int w = ring.pWrite;
        int r = ring.pReadCache;
        int l = ring.pLast;
        if (framed) {
            int cs = ring.control.getAcquire(COMMIT_START); // R12
            boolean committed = w >= r ? r <= cs && cs < w : cs < w;
            if (committed && ring.data.get(cs) == 0) {
                // The frame is [cs, w): the last commit is the one the index ends with.
                FrameHeader.writeSkip(ring.data, cs, w - cs); // R12: the record, then its first byte
                ring.file.countFrameCut();
            }
            if (w < r && l < ring.capacity) {
                ring.markWrap(l); // R11, R12
            }
        }
        if (ring.control.getAcquire(PRODUCER_CLOSED) != 0) { // R10, R12
            ring.control.setRelease(PRODUCER_CLOSED, 0); // R1: the producer half's holder owns the flag
        }
    }

    /** A consumer process taking a queue file's half over starts from the words as they are now. */
    static void takeOverConsumer(Ring ring) {
        ring.syncConsumer();
        ring.counters.takeOverConsumer();
    }
}
