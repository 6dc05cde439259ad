package dev.bbq;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The writing half of a framed {@link BBQueue}: each commit publishes one frame, and the consumer
 * receives frames exactly as they were committed, never split and never merged.
 *
 * <p>Each frame carries a 1 to 5 byte length header in front of its bytes (see the user guide,
 * "Frame format"); a frame of up to 127 bytes costs one byte. The largest frame a queue accepts is
 * {@link #maxFrameLength()}. Frames never wrap around the end of the ring.
 *
 * <pre>{@code
 * try (FrameGrant frame = producer.tryGrant(64)) {
 *     if (frame != null) {
 *         ByteBuffer b = frame.buffer();
 *         b.putLong(timestamp).putShort(sensorId).putFloat(value);
 *         frame.commit(b.position());
 *     }
 * }
 * // or, copying an existing message:
 * boolean sent = producer.tryWrite(message, 0, message.length);
 * // or, for telemetry that must never block the driver thread:
 * producer.writeOrDrop(message, 0, message.length);   // counted in BBQueue.stats() when dropped
 * }</pre>
 *
 * <p>Blocking forms follow {@link Producer}'s conventions. A frame producer is meant for one thread;
 * it is not thread-safe. At most one frame grant is open at a time.
 *
 * <p>Memory consistency effects: actions in the producer's thread prior to committing a frame
 * (through a grant, {@code tryWrite}, {@code write} or a {@code writeOrDrop} that writes)
 * <i>happen-before</i> actions in the consumer's thread after it receives that frame (see the
 * package documentation).
 */
public final class FrameProducer extends ProducerHalf implements AutoCloseable {

    FrameProducer(Ring ring) {
        super(ring);
    }

    /**
     * The largest frame this queue can ever accept: a frame is one exact grant and never wraps, so
     * it and its header must fit in the ring.
     *
     * @return the largest {@code n} with {@code n + header(n) <= capacity()}
     */
    public int maxFrameLength() {
        return ring.maxFrameLength;
    }

    /**
     * Reserves room for one frame of up to {@code maxLength} bytes, or returns {@code null} if that
     * much contiguous space is not free now.
     *
     * @param maxLength the most bytes the frame will hold, {@code 0 <= maxLength <= maxFrameLength()}
     * @return an open frame grant, or {@code null}
     * @throws IllegalArgumentException if {@code maxLength} is negative or above {@link #maxFrameLength()}
     * @throws IllegalStateException if a frame grant is already open
     * @throws QueueClosedException if either side has closed
     */
    public FrameGrant tryGrant(int maxLength) {
        int start = ring.tryGrantFrame(maxLength, true);
        return start < 0 ? null : new FrameGrant(ring, ring.writes.id(), start, maxLength);
    }

    /**
     * As {@link #tryGrant(int)}, waiting up to {@code timeout} for the room.
     *
     * @param maxLength the most bytes the frame will hold, {@code 0 <= maxLength <= maxFrameLength()}
     * @param timeout how long to wait; 0 or less does not wait
     * @param unit the unit of {@code timeout}
     * @return an open frame grant, or {@code null} if the time ran out
     * @throws InterruptedException if the thread is interrupted before or while waiting
     * @throws IllegalArgumentException if {@code maxLength} is negative or above {@link #maxFrameLength()}
     * @throws IllegalStateException if a frame grant is already open
     * @throws QueueClosedException if either side has closed, also while waiting
     */
    public FrameGrant grant(int maxLength, long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = Waiting.begin(timeout, unit);
        int start = ring.tryGrantFrame(maxLength, true);
        if (start < 0) {
            start = Waiting.grantExact(ring, FrameHeader.width(maxLength) + maxLength, nanos);
        }
        return start < 0 ? null : new FrameGrant(ring, ring.writes.id(), start, maxLength);
    }

    /**
     * As {@link #tryGrant(int)}, waiting as long as it takes.
     *
     * @param maxLength the most bytes the frame will hold, {@code 0 <= maxLength <= maxFrameLength()}
     * @return an open frame grant
     * @throws InterruptedException if the thread is interrupted before or while waiting
     * @throws IllegalArgumentException if {@code maxLength} is negative or above {@link #maxFrameLength()}
     * @throws IllegalStateException if a frame grant is already open
     * @throws QueueClosedException if either side has closed, also while waiting
     */
    public FrameGrant grant(int maxLength) throws InterruptedException {
        return grant(maxLength, Waiting.FOREVER, TimeUnit.NANOSECONDS);
    }

    /**
     * As {@link #tryGrant(int)}, into a grant object the caller keeps and reuses, so that no call
     * allocates (see {@link ReusableWriteGrant}); its {@code commit(length)} publishes one frame.
     *
     * @param maxLength the most bytes the frame will hold, {@code 0 <= maxLength <= maxFrameLength()}
     * @param grant receives the grant; it must hold no open grant
     * @return whether {@code grant} now holds room for the frame
     * @throws IllegalArgumentException if {@code maxLength} is negative or above {@link #maxFrameLength()}
     * @throws IllegalStateException if a frame grant is already open, or {@code grant} holds one
     * @throws QueueClosedException if either side has closed
     */
    public boolean tryGrant(int maxLength, ReusableWriteGrant grant) {
        ReusableWriteGrant.checkFree(grant);
        return grant.open(ring, ring.tryGrantFrame(maxLength, true), FrameHeader.width(maxLength), maxLength);
    }

    /**
     * As {@link #tryGrant(int, ReusableWriteGrant)}, waiting up to {@code timeout} for the room
     * ({@code Long.MAX_VALUE} waits as long as it takes).
     *
     * @param maxLength the most bytes the frame will hold, {@code 0 <= maxLength <= maxFrameLength()}
     * @param grant receives the grant; it must hold no open grant
     * @param timeout how long to wait; 0 or less does not wait
     * @param unit the unit of {@code timeout}
     * @return whether {@code grant} now holds room for the frame; {@code false} if the time ran out
     * @throws InterruptedException if the thread is interrupted before or while waiting
     * @throws IllegalArgumentException if {@code maxLength} is negative or above {@link #maxFrameLength()}
     * @throws IllegalStateException if a frame grant is already open, or {@code grant} holds one
     * @throws QueueClosedException if either side has closed, also while waiting
     */
    public boolean grant(int maxLength, ReusableWriteGrant grant, long timeout, TimeUnit unit)
            throws InterruptedException {
        long nanos = Waiting.begin(timeout, unit);
        ReusableWriteGrant.checkFree(grant);
        int width = FrameHeader.width(maxLength);
        int start = ring.tryGrantFrame(maxLength, true);
        if (start < 0) {
            start = Waiting.grantExact(ring, width + maxLength, nanos);
        }
        return grant.open(ring, start, width, maxLength);
    }

    /**
     * Grants a batch: the largest contiguous room of up to {@code maxBytes} bytes that can be had
     * now, into which several frames are appended and then published together with one commit
     * ({@link FrameBatch}). Allocates nothing.
     *
     * @param maxBytes the most room wanted, frames and their headers together, 1 to {@link #capacity()}
     * @param batch a batch object that is not open
     * @return {@code true} if {@code batch} is now open with at least one byte of room;
     *         {@code false} if the ring is full (counted as a refused grant)
     * @throws IllegalArgumentException if {@code maxBytes} is out of range
     * @throws IllegalStateException if a write grant is open, or {@code batch} is open
     * @throws QueueClosedException if this producer or the consumer has closed
     */
    public boolean tryGrantBatch(int maxBytes, FrameBatch batch) {
        FrameBatch.checkFree(batch);
        int length = ring.tryGrantMax(maxBytes, true);
        if (length == 0) {
            return false;
        }
        batch.open(ring, ring.grantStart(), length);
        return true;
    }

    /**
     * As {@link #tryGrantBatch(int, FrameBatch)}, waiting up to {@code timeout} for room.
     *
     * @param maxBytes the most room wanted, 1 to {@link #capacity()}
     * @param batch a batch object that is not open
     * @param timeout how long to wait; 0 or less does not wait
     * @param unit the unit of {@code timeout}
     * @return {@code true} if {@code batch} is now open; {@code false} if the time ran out
     * @throws InterruptedException if the thread is interrupted before or while waiting
     * @throws IllegalArgumentException if {@code maxBytes} is out of range
     * @throws IllegalStateException if a write grant is open, or {@code batch} is open
     * @throws QueueClosedException if this producer or the consumer has closed
     */
    public boolean grantBatch(int maxBytes, FrameBatch batch, long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = Waiting.begin(timeout, unit);
        if (tryGrantBatch(maxBytes, batch)) {
            return true;
        }
        int length = Waiting.grantMax(ring, maxBytes, nanos);
        if (length == 0) {
            return false;
        }
        batch.open(ring, ring.grantStart(), length);
        return true;
    }

    /**
     * Copies {@code len} bytes of {@code src} from {@code off} into the queue as one frame, or
     * returns {@code false} (copying nothing) if there is no room now. Allocates nothing.
     *
     * <p>Memory consistency effects: when the frame is written, actions in this thread prior to the
     * call <i>happen-before</i> actions in the consumer's thread after it receives the frame.
     *
     * @param src the frame's bytes
     * @param off where they start in {@code src}
     * @param len how many there are
     * @return whether the frame was written
     * @throws IndexOutOfBoundsException if {@code off} and {@code len} do not describe a range of {@code src}
     * @throws IllegalArgumentException if {@code len} is above {@link #maxFrameLength()}
     * @throws IllegalStateException if a frame grant is open
     * @throws QueueClosedException if either side has closed
     */
    public boolean tryWrite(byte[] src, int off, int len) {
        Objects.checkFromIndexSize(off, len, src.length);
        int start = ring.tryGrantFrame(len, false);
        if (start < 0) {
            return false;
        }
        copyIn(start, src, off, len);
        return true;
    }

    /**
     * As {@link #tryWrite(byte[], int, int)}, waiting up to {@code timeout} for the room.
     *
     * @param src the frame's bytes
     * @param off where they start in {@code src}
     * @param len how many there are
     * @param timeout how long to wait; 0 or less does not wait
     * @param unit the unit of {@code timeout}
     * @return whether the frame was written; {@code false} if the time ran out
     * @throws InterruptedException if the thread is interrupted before or while waiting
     * @throws IndexOutOfBoundsException if {@code off} and {@code len} do not describe a range of {@code src}
     * @throws IllegalArgumentException if {@code len} is above {@link #maxFrameLength()}
     * @throws IllegalStateException if a frame grant is open
     * @throws QueueClosedException if either side has closed, also while waiting
     */
    public boolean write(byte[] src, int off, int len, long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = Waiting.begin(timeout, unit);
        if (tryWrite(src, off, len)) {
            return true;
        }
        int start = Waiting.grantExact(ring, FrameHeader.width(len) + len, nanos, false);
        if (start < 0) {
            return false;
        }
        copyIn(start, src, off, len);
        return true;
    }

    /**
     * Copies the remaining bytes of {@code src} into the queue as one frame and advances its position
     * to its limit, or returns {@code false} (leaving {@code src} untouched) if there is no room now.
     * Allocates nothing. Memory consistency effects as for {@link #tryWrite(byte[], int, int)}.
     *
     * @param src the frame's bytes, between position and limit
     * @return whether the frame was written
     * @throws IllegalArgumentException if {@code src.remaining()} is above {@link #maxFrameLength()}
     * @throws IllegalStateException if a frame grant is open
     * @throws QueueClosedException if either side has closed
     */
    public boolean tryWrite(ByteBuffer src) {
        int len = src.remaining();
        int start = ring.tryGrantFrame(len, false);
        if (start < 0) {
            return false;
        }
        int width = FrameHeader.width(len);
        ring.commitFrames(start, start + width + len, 1, ring.putFrame(start, width, src));
        return true;
    }

    /**
     * The overload policy for telemetry: writes the frame if there is room now, and otherwise drops
     * it and counts the drop ({@link QueueStats#framesDropped()}, {@link QueueStats#bytesDropped()}),
     * so a full queue never blocks the driver thread and the loss still shows.
     *
     * <p>Memory consistency effects: when the frame is written, as for
     * {@link #tryWrite(byte[], int, int)}; a dropped frame publishes nothing to the consumer.
     *
     * @param src the frame's bytes
     * @param off where they start in {@code src}
     * @param len how many there are
     * @return {@code true} if written, {@code false} if dropped
     * @throws IndexOutOfBoundsException if {@code off} and {@code len} do not describe a range of {@code src}
     * @throws IllegalArgumentException if {@code len} is above {@link #maxFrameLength()}
     * @throws IllegalStateException if a frame grant is open
     * @throws QueueClosedException if either side has closed
     */
    public boolean writeOrDrop(byte[] src, int off, int len) {
        if (tryWrite(src, off, len)) {
            return true;
        }
        ring.countDroppedFrame(len);
        return false;
    }

    /**
     * As {@link #writeOrDrop(byte[], int, int)} for the remaining bytes of {@code src}, which are
     * consumed (position set to limit) whether the frame was written or dropped.
     *
     * @param src the frame's bytes, between position and limit
     * @return {@code true} if written, {@code false} if dropped
     * @throws IllegalArgumentException if {@code src.remaining()} is above {@link #maxFrameLength()}
     * @throws IllegalStateException if a frame grant is open
     * @throws QueueClosedException if either side has closed
     */
    public boolean writeOrDrop(ByteBuffer src) {
        if (tryWrite(src)) {
            return true;
        }
        int len = src.remaining();
        src.position(src.limit());
        ring.countDroppedFrame(len);
        return false;
    }

    private void copyIn(int start, byte[] src, int off, int len) {
        int width = FrameHeader.width(len);
        ring.putBytes(start + width, src, off, len);
        ring.commitFrame(start, width, len);
    }

    @Override
    public String toString() {
        return "FrameProducer[" + ring + "]";
    }
}
