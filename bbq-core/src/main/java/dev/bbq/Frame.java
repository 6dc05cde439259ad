package dev.bbq;

/**
 * One frame handed to the consumer in place by {@link FrameConsumer#tryRead()}.
 *
 * <p>{@link #release()} frees the whole frame; {@link #close() close()} without a release keeps it, so the
 * next read returns the same frame. Once released or closed the frame is dead, as a
 * {@link ReadGrant} is.
 */
public final class Frame extends InPlaceReadGrant {

    Frame(Ring ring, long id, int start, int width, int length) {
        super(ring, id, start + width, length);
    }

    /**
     * Frees the frame and ends this grant.
     *
     * <p>Memory consistency effects: actions in the consumer's thread prior to the release, including
     * its reads of the frame, <i>happen-before</i> the producer's writes into that space through a later
     * grant.
     *
     * @throws IllegalStateException if the frame was already released or closed
     */
    public void release() {
        release(ring, id, first + length);
    }

    private static void release(Ring ring, long id, int end) {
        ring.reads.check(id);
        ring.releaseTo(end, 1);
        ring.reads.end();
    }

    @Override
    public String toString() {
        return describe("Frame", "length=" + length);
    }
}
