package dev.bbq;

import java.nio.ByteBuffer;
import java.util.Objects;

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
 * <p>A frame consumer is meant for one thread; it is not thread-safe. At most one frame is held at
 * a time.
 */
public final class FrameConsumer {
    private final Ring ring;

    FrameConsumer(Ring ring) {
        this.ring = ring;
    }

    /** The ring's size in bytes. */
    public int capacity() {
        return ring.capacity;
    }

    /**
     * Hands out the oldest frame, or {@code null} if there is none.
     *
     * @throws IllegalStateException if a frame is already held, or if the frame header found in the
     *         ring is corrupt (possible only when another process writes the ring); the queue is
     *         left unchanged
     */
    public Frame tryRead() {
        long header = read();
        return header == 0 ? null : new Frame(ring, ring.cOpenGrant, ring.cStart, (int) (header >>> 32), (int) header);
    }

    /** The next frame's header as FrameHeader.decode returns it (never 0: width >= 1), or 0 if none. */
    private long read() {
        ring.checkNoReadGrant();
        int available = ring.readable(ring.cRead, false);
        if (available == 0) {
            return 0;
        }
        long header = FrameHeader.decode(ring.data, ring.cStart, available);
        ring.openReadGrant();
        return header;
    }

    /**
     * Hands up to {@code maxFrames} frames, oldest first, to {@code handler}, then releases all of
     * them with one store, and returns how many it handed over (0 if there were none).
     *
     * <p>A frame whose handler call throws counts as delivered: it and the frames before it are
     * released, then the exception propagates. That way one bad frame cannot wedge the consumer, and
     * no frame is ever delivered twice.
     *
     * @throws IllegalArgumentException if {@code maxFrames < 1}
     * @throws IllegalStateException if a frame is held, or a corrupt frame header is found (frames
     *         before it are delivered and released, the corrupt bytes stay in the queue)
     */
    public int drain(FrameHandler handler, int maxFrames) {
        Objects.requireNonNull(handler, "handler");
        if (maxFrames < 1) {
            throw new IllegalArgumentException("drain of " + maxFrames + " frames: must be at least 1");
        }
        ring.checkNoReadGrant();
        int available = ring.readable(ring.cRead, false);
        if (available == 0) {
            return 0;
        }
        int pos = ring.cStart;
        int end = pos + available;
        int count = 0;
        ByteBuffer data = ring.data;
        ByteBuffer view = ring.cView;
        try {
            while (true) {
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
                if (pos == end) {
                    // The region is used up: look again (the producer may have committed more, or
                    // wrapped), without publishing anything yet.
                    available = ring.readable(pos, false);
                    if (available == 0) {
                        break;
                    }
                    pos = ring.cStart;
                    end = pos + available;
                }
            }
        } finally {
            if (count > 0) {
                ring.releaseTo(pos);
            }
        }
        return count;
    }

    @Override
    public String toString() {
        return "FrameConsumer[" + ring + "]";
    }
}
