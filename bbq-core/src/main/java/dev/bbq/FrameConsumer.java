package dev.bbq;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The reading half of a framed {@link BBQueue}: hands out frames in commit order, one at a time
 * ({@link #tryRead()}) or in batches ({@link #drain(FrameHandler, int)}).
 *
 * <pre>{@code
 * // One at a time:
 * try (Frame frame = consumer.tryRead()) {
 *     if (frame != null) {
 *         handle(frame.buffer());
 *         frame.release();
 *     }
 * }
 * // In batches, releasing the whole batch with one store:
 * int n = consumer.drain(buf -> handle(buf), 64);
 * }</pre>
 *
 * <p>Blocking forms follow {@link Consumer}'s conventions: {@code null} (or 0 frames) when the time
 * runs out or at the end of the stream, which {@link #isClosed()} tells apart. A frame consumer is
 * meant for one thread; it is not thread-safe. At most one frame is held at a time.
 *
 * <p>Memory consistency effects: actions in the producer's thread prior to committing a frame
 * <i>happen-before</i> actions in the consumer's thread after it receives that frame (from a read,
 * or as a {@link FrameHandler} call of a drain), and actions prior to releasing a frame
 * <i>happen-before</i> the producer's writes into its space (see the package documentation).
 */
public final class FrameConsumer extends ConsumerHalf implements AutoCloseable {

    FrameConsumer(Ring ring) {
        super(ring);
    }

    /**
     * Hands out the oldest frame, or {@code null} if there is none.
     *
     * <p>Memory consistency effects: actions in the producer's thread prior to committing the frame
     * <i>happen-before</i> actions in this thread after this call returns it.
     *
     * @return the oldest frame, held until released or closed, or {@code null}
     * @throws IllegalStateException if a frame is already held, or if the frame header found in the
     *         ring is corrupt (possible only when another process writes the ring); the queue is
     *         left unchanged
     * @throws QueueClosedException if this consumer has closed
     */
    public Frame tryRead() {
        long header = next();
        return header == 0 ? null : new Frame(ring, ring.reads.id(), ring.readStart(), (int) (header >>> 32), (int) header);
    }

    /**
     * As {@link #tryRead()}, waiting up to {@code timeout} for a frame.
     *
     * @param timeout how long to wait; 0 or less does not wait
     * @param unit the unit of {@code timeout}
     * @return the oldest frame, or {@code null} if the time ran out or the stream has ended
     * @throws InterruptedException if the thread is interrupted before or while waiting
     * @throws IllegalStateException if a frame is already held, or a frame header is corrupt
     * @throws QueueClosedException if this consumer has closed
     */
    public Frame read(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = Waiting.begin(timeout, unit);
        long header = next();
        if (header == 0 && Waiting.data(ring, nanos, true)) {
            header = next();
        }
        return header == 0 ? null : new Frame(ring, ring.reads.id(), ring.readStart(), (int) (header >>> 32), (int) header);
    }

    /**
     * As {@link #tryRead()}, waiting as long as it takes.
     *
     * @return the oldest frame, or {@code null} only at the end of the stream
     * @throws InterruptedException if the thread is interrupted before or while waiting
     * @throws IllegalStateException if a frame is already held, or a frame header is corrupt
     * @throws QueueClosedException if this consumer has closed
     */
    public Frame read() throws InterruptedException {
        return read(Waiting.FOREVER, TimeUnit.NANOSECONDS);
    }

    /**
     * As {@link #tryRead()}, into a grant object the caller keeps and reuses, so that no call
     * allocates (see {@link ReusableReadGrant}); it holds one frame, released whole.
     *
     * @param frame receives the oldest frame; it must hold no open grant
     * @return whether {@code frame} now holds a frame
     * @throws IllegalStateException if a frame is already held, {@code frame} holds one, or the
     *         frame header found in the ring is corrupt (the queue is left unchanged)
     * @throws QueueClosedException if this consumer has closed
     */
    public boolean tryRead(ReusableReadGrant frame) {
        ReusableReadGrant.checkFree(frame);
        return hand(next(), frame);
    }

    /**
     * As {@link #tryRead(ReusableReadGrant)}, waiting up to {@code timeout} for a frame
     * ({@code Long.MAX_VALUE} waits as long as it takes).
     *
     * @param frame receives the oldest frame; it must hold no open grant
     * @param timeout how long to wait; 0 or less does not wait
     * @param unit the unit of {@code timeout}
     * @return whether {@code frame} now holds a frame; {@code false} if the time ran out or the
     *         stream has ended ({@link #isClosed()} tells them apart)
     * @throws InterruptedException if the thread is interrupted before or while waiting
     * @throws IllegalStateException if a frame is already held, {@code frame} holds one, or a frame
     *         header is corrupt
     * @throws QueueClosedException if this consumer has closed
     */
    public boolean read(ReusableReadGrant frame, long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = Waiting.begin(timeout, unit);
        ReusableReadGrant.checkFree(frame);
        long header = next();
        if (header == 0 && Waiting.data(ring, nanos, true)) {
            header = next();
        }
        return hand(header, frame);
    }

    // Opening a framed read: Ring.tryRead's steps for a frame, written here and not as one Ring
    // operation because with them behind one Ring call, C2 compiled
    // tryRead on its own first in about half the runs of the try-with-resources allocation loop, and
    // then would not inline it ("already compiled into a big method"), so its Frame stayed in the heap.
    private long next() {
        ring.reads.checkNone();
        int available = ring.readableFrames();
        if (available == 0) {
            return 0;
        }
        long header = FrameHeader.decode(ring.data, ring.readStart(), available);
        ring.reads.open();
        return header;
    }

    private boolean hand(long header, ReusableReadGrant frame) {
        if (header == 0) {
            return false;
        }
        frame.open(ring, ring.readStart() + (int) (header >>> 32), (int) header, true);
        return true;
    }

    /** The next frame's header as FrameHeader.decode returns it (never 0: width >= 1), or 0 if none. */
    /**
     * Hands up to {@code maxFrames} frames, oldest first, to {@code handler}, releasing them as it
     * goes, and returns how many it handed over (0 if there were none).
     *
     * <p>Frames are released in batches, with one store each: at the end of the call, and before that
     * whenever the frames handed over since the last release fill a quarter of the queue. A drain
     * that keeps up with a fast producer can go on for many frames, and a producer must not wait for
     * the end of the call to reuse room the handler finished with long ago.
     *
     * <p>A frame whose handler call throws counts as delivered: it and the frames before it are
     * released, then the exception propagates. That way one bad frame cannot wedge the consumer, and
     * no frame is ever delivered twice.
     *
     * <p>Memory consistency effects: actions in the producer's thread prior to committing a frame
     * <i>happen-before</i> the handler's call for it; the handler calls for the frames a batch frees, and
     * everything before them in this thread, <i>happen-before</i> the producer's writes into that space.
     *
     * @param handler receives each frame
     * @param maxFrames the most frames to hand over, at least 1
     * @return how many frames were handed over
     * @throws IllegalArgumentException if {@code maxFrames < 1}
     * @throws IllegalStateException if a frame is held, or a corrupt frame header is found (frames
     *         before it are delivered and released, the corrupt bytes stay in the queue)
     * @throws QueueClosedException if this consumer has closed
     */
    public int drain(FrameHandler handler, int maxFrames) {
        checkDrain(handler, maxFrames);
        return drainNow(handler, maxFrames);
    }

    /**
     * As {@link #drain(FrameHandler, int)}, waiting up to {@code timeout} for the first frame.
     *
     * @param handler receives each frame
     * @param maxFrames the most frames to hand over, at least 1
     * @param timeout how long to wait for a first frame; 0 or less does not wait
     * @param unit the unit of {@code timeout}
     * @return how many frames were handed over; 0 if the time ran out or the stream has ended
     * @throws InterruptedException if the thread is interrupted before or while waiting
     * @throws IllegalArgumentException if {@code maxFrames < 1}
     * @throws IllegalStateException if a frame is held, or a corrupt frame header is found
     * @throws QueueClosedException if this consumer has closed
     */
    public int drain(FrameHandler handler, int maxFrames, long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = Waiting.begin(timeout, unit);
        checkDrain(handler, maxFrames);
        int n = drainNow(handler, maxFrames);
        if (n == 0 && Waiting.data(ring, nanos, true)) {
            n = drainNow(handler, maxFrames);
        }
        return n;
    }

    private void checkDrain(FrameHandler handler, int maxFrames) {
        Objects.requireNonNull(handler, "handler");
        if (maxFrames < 1) {
            throw new IllegalArgumentException("drain of " + maxFrames + " frames: must be at least 1");
        }
        ring.reads.checkNone();
    }

    private int drainNow(FrameHandler handler, int maxFrames) {
        int available = ring.readableFrames();
        if (available == 0) {
            return 0;
        }
        int pos = ring.readStart();
        int end = pos + available;
        int count = 0;
        int released = 0;
        int held = 0; // bytes handed over since the last release
        int releaseEvery = ring.releaseEvery;
        ByteBuffer data = ring.data;
        ByteBuffer view = ring.consumerView();
        try {
            while (true) {
                int start = pos;
                long header = FrameHeader.decode(data, pos, end - pos);
                int payload = pos + (int) (header >>> 32);
                int next = payload + (int) header;
                view.clear();
                view.position(payload);
                view.limit(next);
                pos = next;
                count++;
                handler.onFrame(view);
                if (count == maxFrames) {
                    break;
                }
                if ((held += next - start) >= releaseEvery) {
                    // R4: the handler has returned, so every read of these frames comes first.
                    ring.releaseTo(pos, count - released);
                    released = count;
                    held = 0;
                }
                if (pos == end) {
                    // The region is used up: look again (the producer may have committed more, or
                    // wrapped), without publishing anything yet.
                    available = ring.readableFrames(pos);
                    if (available == 0) {
                        break;
                    }
                    pos = ring.readStart();
                    end = pos + available;
                } else if (!ring.frameReady(pos)) {
                    // R11: the next frame's commit is still between its two stores; or R12: a skip
                    // record, which the next call releases once these frames are released
                    break;
                }
            }
        } finally {
            if (count > released) {
                ring.releaseTo(pos, count - released);
            }
        }
        return count;
    }

    /**
     * Whether the stream is over for this consumer: it closed itself, or the producer has closed and
     * every committed frame has been read and released. Call it from the consumer's thread.
     *
     * @return {@code true} at the end of the stream
     */
    public boolean isClosed() {
        return ring.consumerDone(true);
    }

    @Override
    public String toString() {
        return "FrameConsumer[" + ring + "]";
    }
}
