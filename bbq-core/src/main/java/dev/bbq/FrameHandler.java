package dev.bbq;

import java.nio.ByteBuffer;

/**
 * Receives frames from {@link FrameConsumer#drain(FrameHandler, int)}.
 */
@FunctionalInterface
public interface FrameHandler {
    /**
     * Handles one frame.
     *
     * <p>The frame's bytes are those between the buffer's position and its limit. The buffer is a
     * view of the ring that is reused for every frame (so draining allocates nothing): use relative
     * gets, or absolute ones from {@code frame.position()}, and do not keep the buffer or its bytes
     * after returning. It may be modified, for decoding in place.
     *
     * @param frame the frame, between position and limit
     */
    void onFrame(ByteBuffer frame);
}
