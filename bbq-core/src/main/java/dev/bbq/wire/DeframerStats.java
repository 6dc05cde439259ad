package dev.bbq.wire;

/**
 * A snapshot of a {@link Deframer}'s counters. Each rejected frame is counted under exactly one
 * error kind, so {@code framesDelivered + framesDropped + crcErrors + oversizeFrames + malformedFrames}
 * is the number of non-empty delimited byte runs the deframer has finished. Counters are written by
 * the deframer's thread alone and read with opaque loads, so a snapshot may be taken from any thread
 * at any time; taken while bytes flow, it is consistent only up to the bytes in flight.
 */
public final class DeframerStats {
    private final long bytesRead;
    private final long framesDelivered;
    private final long bytesDelivered;
    private final long framesDropped;
    private final long crcErrors;
    private final long oversizeFrames;
    private final long malformedFrames;
    private final long bytesDiscarded;

    DeframerStats(long bytesRead, long framesDelivered, long bytesDelivered, long framesDropped, long crcErrors,
                  long oversizeFrames, long malformedFrames, long bytesDiscarded) {
        this.bytesRead = bytesRead;
        this.framesDelivered = framesDelivered;
        this.bytesDelivered = bytesDelivered;
        this.framesDropped = framesDropped;
        this.crcErrors = crcErrors;
        this.oversizeFrames = oversizeFrames;
        this.malformedFrames = malformedFrames;
        this.bytesDiscarded = bytesDiscarded;
    }

    /**
     * Everything the deframer has scanned, valid or not.
     *
     * @return wire bytes taken in, delimiters included
     */
    public long bytesRead() {
        return bytesRead;
    }

    /**
     * The frames that passed every check and reached their destination.
     *
     * @return valid frames handed to the handler or written to the framed queue
     */
    public long framesDelivered() {
        return framesDelivered;
    }

    /**
     * The size of the delivered payloads.
     *
     * @return payload bytes of the delivered frames (check bytes excluded)
     */
    public long bytesDelivered() {
        return bytesDelivered;
    }

    /**
     * Valid frames lost to a full framed queue under the drop policy.
     *
     * @return valid frames dropped because the framed queue was full (drop policy only)
     */
    public long framesDropped() {
        return framesDropped;
    }

    /**
     * Frames damaged on the wire: the check caught them.
     *
     * @return frames whose check value did not match their payload
     */
    public long crcErrors() {
        return crcErrors;
    }

    /**
     * Frames longer than the deframer accepts, skipped up to their delimiter.
     *
     * @return frames that decoded to more than the maximum frame length plus the check
     */
    public long oversizeFrames() {
        return oversizeFrames;
    }

    /**
     * Frames that arrived broken: cut short, garbled or truncated.
     *
     * @return frames that were not valid COBS (a delimiter inside a block: a frame cut short or
     *         garbage), were shorter than the check, or were cut off by the end of the stream
     */
    public long malformedFrames() {
        return malformedFrames;
    }

    /**
     * All rejected frames, whatever the kind.
     *
     * @return the sum of all error counters: frames rejected
     */
    public long errors() {
        return crcErrors + oversizeFrames + malformedFrames;
    }

    /**
     * The wire bytes the rejected frames took.
     *
     * @return wire bytes of rejected frames, delimiters excluded
     */
    public long bytesDiscarded() {
        return bytesDiscarded;
    }

    @Override
    public String toString() {
        return "DeframerStats[read=" + bytesRead + " B, delivered=" + framesDelivered + " frames/" + bytesDelivered
                + " B, dropped=" + framesDropped + ", crcErrors=" + crcErrors + ", oversize=" + oversizeFrames
                + ", malformed=" + malformedFrames + ", discarded=" + bytesDiscarded + " B]";
    }
}
