package dev.bbq.serial;

/**
 * A snapshot of a {@link SerialPump}'s or {@link SerialSink}'s counters. Each counter has one writer
 * (the driver thread) and is read with opaque loads, so a snapshot can be taken from any thread.
 *
 * <p>For a pump, {@code bytesTransferred - bytesDropped} bytes were committed to the queue; for a
 * sink, {@code bytesTransferred} bytes were written to the port and released.
 */
public final class SerialStats {
    private final long transfers;
    private final long bytesTransferred;
    private final long overruns;
    private final long bytesDropped;
    private final long errors;

    SerialStats(long transfers, long bytesTransferred, long overruns, long bytesDropped, long errors) {
        this.transfers = transfers;
        this.bytesTransferred = bytesTransferred;
        this.overruns = overruns;
        this.bytesDropped = bytesDropped;
        this.errors = errors;
    }

    /**
     * How often the port moved data; with {@link #bytesTransferred()}, the mean transfer size.
     *
     * @return port calls that moved at least one byte
     */
    public long transfers() {
        return transfers;
    }

    /**
     * The traffic through the port.
     *
     * @return bytes read from the port (pump) or written to it (sink)
     */
    public long bytesTransferred() {
        return bytesTransferred;
    }

    /**
     * How often the consumer of the queue fell so far behind that the pump had to drop.
     *
     * @return times the pump found the queue full for longer than the overrun wait (0 for a sink)
     */
    public long overruns() {
        return overruns;
    }

    /**
     * The serial bytes lost because the queue stayed full.
     *
     * @return bytes read from the port and dropped in those overruns
     */
    public long bytesDropped() {
        return bytesDropped;
    }

    /**
     * How often the port failed.
     *
     * @return port failures: the last one stopped the driver thread
     */
    public long errors() {
        return errors;
    }

    @Override
    public String toString() {
        return "SerialStats[transfers=" + transfers + ", bytes=" + bytesTransferred + ", overruns=" + overruns
                + ", dropped=" + bytesDropped + ", errors=" + errors + "]";
    }
}
