package dev.bbq;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Several consecutive frames read from a framed queue and kept there until they are released
 * together: the consumer's counterpart of {@link FrameBatch}, for a consumer that may let frames go
 * only once something outside confirmed them all, for example a broker's acknowledgement of one
 * message that carries the frames:
 *
 * <pre>{@code
 * FrameWindow window = new FrameWindow();                      // once, beside the consumer loop
 * int n = window.read(consumer, buf -> encoder.add(buf), 64, 16 * 1024);   // up to 64 frames, 16 KiB
 * if (n > 0) {
 *     send(encoder.message());                                 // the frames are still in the queue
 *     window.release();                                        // now all n go, with one store
 * }
 * }</pre>
 *
 * <p>A read hands the oldest frames to the handler as {@link FrameConsumer#drain(FrameHandler, int)}
 * does, and in the same order, but releases none of them: the window holds them, and the consumer
 * has no other read until {@link #release()} frees them all or {@link #close()} leaves them in the
 * queue, where the next read hands them over again. A window is a read grant that spans frames; the
 * handler's buffer is valid only during its call, as for a drain.
 *
 * <p>A window object is reusable and allocates nothing. It belongs to the consumer's thread, as the
 * consumer does.
 *
 * <p>Memory consistency effects: actions in the producer's thread prior to committing a frame
 * <i>happen-before</i> the handler's call for it; the handler calls, and everything else in this thread
 * before {@link #release()}, <i>happen-before</i> the producer's writes into the space it frees.
 */
public final class FrameWindow implements AutoCloseable {
    private static final long ENDED = Long.MIN_VALUE;

    private Ring ring;
    private long id = ENDED;
    private int end;
    private int frames;
    private long bytes;

    /** An empty window, for {@link #read(FrameConsumer, FrameHandler, int, int)}. */
    public FrameWindow() {
    }

    /**
     * Hands the oldest frames to {@code handler} and holds them: at most {@code maxFrames} frames,
     * and no more than {@code maxBytes} bytes of frames together, except that the first frame is
     * always handed over whatever its length (so that a long frame cannot stop the queue). Stops
     * early where the committed frames end. Returns 0, holding nothing, when there is no frame.
     *
     * <p>A frame whose handler call throws counts as handed over: the window holds it and those
     * before it, and the exception propagates. A corrupt frame header (possible only when another
     * process writes the ring) ends the read before it; it is reported, with the queue unchanged,
     * by the read that finds it first.
     *
     * @param consumer the queue's frame consumer
     * @param handler receives each frame
     * @param maxFrames the most frames, at least 1
     * @param maxBytes the most bytes of frames (payloads, headers not counted), at least 1
     * @return how many frames the window now holds
     * @throws IllegalArgumentException if {@code maxFrames} or {@code maxBytes} is below 1
     * @throws IllegalStateException if this window or another read grant of the consumer is open,
     *         or the first frame's header is corrupt
     * @throws QueueClosedException if the consumer has closed
     */
    public int read(FrameConsumer consumer, FrameHandler handler, int maxFrames, int maxBytes) {
        Ring r = check(consumer, handler, maxFrames, maxBytes);
        return readNow(r, handler, maxFrames, maxBytes);
    }

    /**
     * As {@link #read(FrameConsumer, FrameHandler, int, int)}, waiting up to {@code timeout} for the
     * first frame.
     *
     * @param consumer the queue's frame consumer
     * @param handler receives each frame
     * @param maxFrames the most frames, at least 1
     * @param maxBytes the most bytes of frames, at least 1
     * @param timeout how long to wait for a first frame; 0 or less does not wait
     * @param unit the unit of {@code timeout}
     * @return how many frames the window now holds; 0 if the time ran out or the stream has ended
     *         ({@link FrameConsumer#isClosed()} tells them apart)
     * @throws InterruptedException if the thread is interrupted before or while waiting
     * @throws IllegalArgumentException if {@code maxFrames} or {@code maxBytes} is below 1
     * @throws IllegalStateException if this window or another read grant of the consumer is open,
     *         or the first frame's header is corrupt
     * @throws QueueClosedException if the consumer has closed
     */
    public int read(FrameConsumer consumer, FrameHandler handler, int maxFrames, int maxBytes, long timeout,
                    TimeUnit unit) throws InterruptedException {
        long nanos = Waiting.begin(timeout, unit);
        Ring r = check(consumer, handler, maxFrames, maxBytes);
        int n = readNow(r, handler, maxFrames, maxBytes);
        if (n == 0 && Waiting.data(r, nanos, true)) {
            n = readNow(r, handler, maxFrames, maxBytes);
        }
        return n;
    }

    private Ring check(FrameConsumer consumer, FrameHandler handler, int maxFrames, int maxBytes) {
        Objects.requireNonNull(handler, "handler");
        if (maxFrames < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("a window of " + maxFrames + " frames and " + maxBytes
                    + " bytes: both must be at least 1");
        }
        if (isOpen()) {
            throw new IllegalStateException("this window still holds frames: release or close it first");
        }
        Ring r = consumer.ring;
        r.reads.checkNone();
        return r;
    }

    private int readNow(Ring r, FrameHandler handler, int maxFrames, int maxBytes) {
        int available = r.readableFrames(); // an empty look also checks a queue file's size
        if (available == 0) {
            return 0;
        }
        int pos = r.readStart();
        FrameHeader.decode(r.data, pos, available); // a corrupt first header throws here, nothing open
        r.reads.open();
        ring = r;
        id = r.reads.id();
        frames = 0;
        bytes = 0;
        int limit = pos + available;
        ByteBuffer data = r.data;
        ByteBuffer view = r.consumerView();
        try {
            while (true) {
                long header;
                try {
                    header = FrameHeader.decode(data, pos, limit - pos);
                } catch (IllegalStateException corrupt) {
                    break; // reported by the read that starts here
                }
                int length = (int) header;
                if (frames > 0 && bytes + length > maxBytes) {
                    break;
                }
                int payload = pos + (int) (header >>> 32);
                int next = payload + length;
                view.clear();
                view.position(payload);
                view.limit(next);
                pos = next;
                frames++;
                bytes += length;
                handler.onFrame(view);
                if (frames == maxFrames || bytes >= maxBytes) {
                    break;
                }
                if (pos == limit) {
                    // The region is used up: look again past it (the producer may have committed
                    // more, or wrapped), publishing nothing: these frames stay held (as in a drain).
                    available = r.readableFrames(pos);
                    if (available == 0) {
                        break;
                    }
                    pos = r.readStart();
                    limit = pos + available;
                } else if (!r.frameReady(pos)) {
                    break; // R11: the next frame's commit is still in flight; or R12, a skip record
                }
            }
        } finally {
            end = pos; // a handler that throws leaves its frame held with those before it
        }
        return frames;
    }

    /**
     * Whether the window holds frames: it read some, and they were neither released nor closed (nor
     * dropped by the consumer's close).
     *
     * @return {@code true} while the frames are held
     */
    public boolean isOpen() {
        return id != ENDED && ring.reads.isOpen(id);
    }

    /**
     * How many frames the window holds, or held until its release or close.
     *
     * @return the frames of the last read
     */
    public int frames() {
        return frames;
    }

    /**
     * How many payload bytes the held frames have together.
     *
     * @return the bytes of the last read's frames, headers not counted
     */
    public long bytes() {
        return bytes;
    }

    /**
     * Frees every held frame with one release store and ends the window.
     *
     * <p>Memory consistency effects: actions in the consumer's thread prior to the release, the
     * handler calls included, <i>happen-before</i> the producer's writes into that space.
     *
     * @throws IllegalStateException if the window holds nothing: never read, already released or
     *         closed, or dropped by the consumer's close
     */
    public void release() {
        if (id == ENDED) {
            throw new IllegalStateException("this window holds no frames");
        }
        ring.reads.check(id);
        ring.releaseTo(end, frames); // R4: every read of these frames came before
        ring.reads.end();
        id = ENDED;
    }

    /**
     * Ends the window and leaves its frames in the queue: the consumer's next read hands them over
     * again. Does nothing if the window holds nothing.
     */
    @Override
    public void close() {
        if (id != ENDED) {
            ring.reads.close(id);
            id = ENDED;
        }
    }

    @Override
    public String toString() {
        return "FrameWindow[" + (isOpen() ? frames + " frames, " + bytes + " bytes held]" : "empty]");
    }
}
