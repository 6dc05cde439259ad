package dev.bbq;

import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

import static dev.bbq.ControlBlock.CONSUMER_CLOSED;
import static dev.bbq.ControlBlock.LAST;
import static dev.bbq.ControlBlock.PRODUCER_CLOSED;
import static dev.bbq.ControlBlock.READ;
import static dev.bbq.ControlBlock.WRITE;

/**
 * The consumer's steps of the state machine in {@link Ring}: opening reads, looking, following the
 * watermark (R5), releasing, the end of the stream and closing the consumer (R10). Only the consumer
 * thread calls them, and they are the only code that stores {@code read} or the consumer's closed
 * flag (R1) or the {@code c*} fields. It extends {@link RingProducerSide} only because Java has one
 * superclass: neither side calls the other's steps. Rules: see Ring.
 */
abstract class RingConsumerSide extends RingProducerSide {
    RingConsumerSide(ByteBuffer data, ControlBlock control, WaitStrategy waitStrategy, boolean inBandCommits,
            QueueFile file) {
        super(data, control, waitStrategy, inBandCommits, file);
    }

    /** As {@link #syncProducer()}, for the consumer half. */
    void syncConsumer() {
        cRead = control.getAcquire(READ); // R4, R12
        cWrite = control.getAcquire(WRITE); // R2
        cLast = control.getAcquire(LAST); // R3: after write
    }

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

    void countConsumerWait(long nanos) {
        counters.consumerWaited(nanos);
    }
}
