package dev.bbq;

import java.nio.ByteBuffer;

/**
 * The walk over consecutive committed frames that {@link FrameConsumer#drain(FrameHandler, int)} and
 * {@link FrameWindow} share, written once: decode a header, hand the payload to the handler through
 * the consumer's view, step past it, and where the readable region ends look again past it without
 * publishing anything. A drain releases as it goes (every quarter of the queue, and at the end); a
 * window releases nothing and is told where the walk stopped.
 */
final class FrameWalk {
    private FrameWalk() {
    }

    /**
     * Hands frames from ring offset {@code pos}, where {@code available} readable bytes of frames
     * start, to {@code handler}: at most {@code maxFrames}, and, after the first, no more than
     * {@code maxBytes} payload bytes together.
     *
     * @param window null for a drain, which releases the frames it handed over (also when the
     *        handler or a corrupt header throws); otherwise the window that holds them, told where the
     *        walk ended (also when the handler throws), and a corrupt header after the first ends the
     *        walk before it instead of throwing
     * @return how many frames were handed over
     */
    static int walk(Ring r, int pos, int available, FrameHandler handler, int maxFrames, long maxBytes,
                    FrameWindow window) {
        int end = pos + available;
        int count = 0;
        int released = 0;
        long bytes = 0;
        int held = 0; // bytes handed over since the last release (a drain's)
        int releaseEvery = r.releaseEvery;
        ByteBuffer data = r.data;
        ByteBuffer view = r.consumerView();
        try {
            while (true) {
                int start = pos;
                long header;
                try {
                    header = FrameHeader.decode(data, pos, end - pos);
                } catch (IllegalStateException corrupt) {
                    if (window == null) {
                        throw corrupt; // the frames before it are released below
                    }
                    break; // a window's read reports it when it starts here
                }
                int length = (int) header;
                if (count > 0 && bytes + length > maxBytes) {
                    break;
                }
                int payload = pos + (int) (header >>> 32);
                int next = payload + length;
                view.clear();
                view.position(payload);
                view.limit(next);
                pos = next;
                count++;
                bytes += length;
                handler.onFrame(view);
                if (count == maxFrames || bytes >= maxBytes) {
                    break;
                }
                if (window == null && (held += next - start) >= releaseEvery) {
                    // R4: the handler has returned, so every read of these frames comes first.
                    r.releaseTo(pos, count - released);
                    released = count;
                    held = 0;
                }
                if (pos == end) {
                    // The region is used up: look again (the producer may have committed more, or
                    // wrapped), without publishing anything yet.
                    available = r.readableFrames(pos);
                    if (available == 0) {
                        break;
                    }
                    pos = r.readStart();
                    end = pos + available;
                } else if (!r.frameReady(pos)) {
                    // R11: the next frame's commit is still between its two stores; or R12: a skip
                    // record, which the next read releases once these frames are released
                    break;
                }
            }
        } finally {
            if (window != null) {
                window.holding(pos, count, bytes); // a handler that throws leaves its frame held
            } else if (count > released) {
                r.releaseTo(pos, count - released); // R4, as above
            }
        }
        return count;
    }
}
