package dev.bbq;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Several frames built in one region of a framed queue and published together: one index store,
 * one flag release and one wake-up check for the whole batch, instead of one of each per frame. A
 * producer that has several frames at once (a deframer that decoded a raw chunk, an SPI transfer
 * that delivered K records) grants a batch, appends the frames, and commits once:
 *
 * <pre>{@code
 * FrameBatch batch = new FrameBatch();                 // once, beside the driver loop
 * if (producer.tryGrantBatch(4096, batch)) {           // up to 4096 bytes of frames and headers
 *     for (Record r : records) {
 *         if (!batch.tryAppend(r.bytes, 0, r.length)) {
 *             break;                                   // no room left in this batch
 *         }
 *     }
 *     batch.commit();                                  // every appended frame at once
 * }
 * }</pre>
 *
 * <p>A batch object is reusable and allocates nothing: grant into it again after its commit or
 * close. Each appended frame gets the narrowest header for its length. Until the commit, nothing is
 * published (a batch closed without a commit publishes nothing, and the producer's next grant
 * reuses the space). A batch is a write grant: while it is open, the producer has no other grant.
 * It belongs to the producer's thread, as the producer does.
 *
 * <p>Memory consistency effects: actions in the producer's thread prior to {@link #commit()}
 * <i>happen-before</i> actions in the consumer's thread after it receives any frame of the batch;
 * a consumer that receives the batch's first frame finds every later frame of the batch committed
 * too (see {@code docs/design.md}, R11).
 */
public final class FrameBatch extends ReusableGrant implements AutoCloseable {
    /** An empty batch object, for {@link FrameProducer#tryGrantBatch(int, FrameBatch)}. */
    public FrameBatch() {
        super(true, "batch");
    }

    void open(Ring ring, int start, int length) {
        take(ring, start, 0, length);
        this.position = start;
        this.frames = 0;
    }

    /**
     * Whether this object holds an open batch (granted, not yet committed or closed).
     *
     * @return whether frames can be appended
     */
    public boolean isOpen() {
        return holdsOpenGrant();
    }

    /**
     * The frames appended so far.
     *
     * @return how many frames the commit would publish
     */
    public int frames() {
        return frames;
    }

    /**
     * The room left: a frame of {@code n} bytes fits if {@code n} plus its header (1 byte below 128
     * bytes, 2 below 16 384, ...) is at most this.
     *
     * @return bytes of the batch not yet used
     * @throws IllegalStateException if the batch is not open
     */
    public int remaining() {
        openRing();
        return start + length - position;
    }

    /**
     * Appends a copy of {@code src[off, off + len)} as the batch's next frame, if it fits.
     *
     * @param src the frame's bytes
     * @param off where they start
     * @param len how many there are, 0 or more
     * @return {@code true} if the frame was appended, {@code false} if the batch has no room for it
     *         (the batch is unchanged)
     * @throws IndexOutOfBoundsException if the range is outside {@code src}
     * @throws IllegalStateException if the batch is not open
     */
    public boolean tryAppend(byte[] src, int off, int len) {
        Objects.checkFromIndexSize(off, len, src.length);
        Ring r = openRing();
        int width = FrameHeader.width(len);
        if (len > start + length - position - width) {
            return false;
        }
        placed(r, r.putFrame(position, width, src, off, len), width + len);
        return true;
    }

    /**
     * Appends the remaining bytes of {@code src} as the batch's next frame, if they fit; the
     * buffer's position then moves to its limit.
     *
     * @param src the frame's bytes, between position and limit
     * @return {@code true} if the frame was appended, {@code false} if the batch has no room for it
     *         (the batch and the buffer are unchanged)
     * @throws IllegalStateException if the batch is not open
     */
    public boolean tryAppend(ByteBuffer src) {
        Ring r = openRing();
        int len = src.remaining();
        int width = FrameHeader.width(len);
        if (len > start + length - position - width) {
            return false;
        }
        placed(r, r.putFrame(position, width, src), width + len);
        return true;
    }

    private void placed(Ring r, byte flag, int size) {
        if (frames == 0) {
            first = flag; // the batch's flag: stored by the commit, after its release fence (R11)
        } else {
            r.putBatchFlag(position, flag);
        }
        position += size;
        frames++;
    }

    /**
     * Publishes every appended frame at once and ends the batch; the unused rest of its room returns
     * to free space. A batch with no frame publishes nothing.
     *
     * <p>Memory consistency effects: as the class says, for every frame of the batch.
     *
     * @throws IllegalStateException if the batch is not open
     */
    public void commit() {
        Ring r = openRing();
        if (frames > 0) {
            r.commitFrames(start, position, frames, first);
        }
        ended(r);
    }

    @Override
    public String toString() {
        return "FrameBatch[" + frames + " frames" + (isOpen() ? ", " + (start + length - position) + " bytes left]" : ", ended]");
    }
}
