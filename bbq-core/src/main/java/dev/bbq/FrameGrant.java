package dev.bbq;

/**
 * Room for one frame, reserved by {@link FrameProducer#tryGrant(int)}: fill it through
 * {@link #buffer() buffer()}, then {@link #commit(int)} the frame's length.
 *
 * <p>{@link #close() close()} without a commit aborts the frame: nothing is published. Once committed or
 * closed the grant is dead, as a {@link WriteGrant} is.
 */
public final class FrameGrant extends OneShotWriteGrant {

    FrameGrant(Ring ring, long id, int start, int maxLength) {
        super(ring, id, start + FrameHeader.width(maxLength), maxLength);
    }

    /**
     * The most bytes this frame can hold, as requested; the header's width was chosen for it.
     *
     * @return the frame's room in bytes
     */
    public int maxLength() {
        return room;
    }

    /**
     * Publishes the first {@code length} bytes as one frame (0 publishes an empty frame) and ends the
     * grant; unused room returns to the free space.
     *
     * <p>Memory consistency effects: actions in the producer's thread prior to the commit, including
     * its writes into the frame, <i>happen-before</i> actions in the consumer's thread after it receives the
     * frame.
     *
     * @param length the frame's length in bytes, 0 to {@link #maxLength()}
     * @throws IllegalArgumentException if {@code length} is negative or above {@link #maxLength()};
     *         the grant stays open
     * @throws IllegalStateException if the grant was already committed or closed
     */
    public void commit(int length) {
        commit(ring, id, first, room, length);
    }

    private static void commit(Ring ring, long id, int first, int maxLength, int length) {
        int width = FrameHeader.width(maxLength);
        ring.commitFrame(first - width, width, checkCommit(ring, id, maxLength, length, "frame commit"));
        ring.writes.end();
    }

    @Override
    public String toString() {
        return describe("FrameGrant", "maxLength");
    }
}
