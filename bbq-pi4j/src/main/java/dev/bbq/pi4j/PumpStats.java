package dev.bbq.pi4j;

/**
 * A snapshot of an {@link SpiPump}'s or {@link I2cPump}'s counters. Every due trigger ends in exactly
 * one outcome, so {@code triggers == packets + dropped + failed + badLengths + empty} holds at rest
 * (and, while the pump runs, up to the one trigger in progress). Counters have one writer, the pump
 * thread, and are read with opaque loads: a snapshot can be taken from any thread.
 */
public final class PumpStats {
    private final long triggers;
    private final long transfers;
    private final long packets;
    private final long bytes;
    private final long dropped;
    private final long failed;
    private final long badLengths;
    private final long empty;

    PumpStats(long triggers, long transfers, long packets, long bytes, long dropped, long failed, long badLengths,
              long empty) {
        this.triggers = triggers;
        this.transfers = transfers;
        this.packets = packets;
        this.bytes = bytes;
        this.dropped = dropped;
        this.failed = failed;
        this.badLengths = badLengths;
        this.empty = empty;
    }

    /**
     * The demand: how many packets the pump was asked to fetch.
     *
     * @return times the trigger said a packet was due
     */
    public long triggers() {
        return triggers;
    }

    /**
     * The bus traffic it took to fetch them.
     *
     * @return device calls made (SPI transfers including length headers and chunks; I2C block reads)
     */
    public long transfers() {
        return transfers;
    }

    /**
     * The packets that reached the consumer's queue.
     *
     * @return packets committed to the framed queue
     */
    public long packets() {
        return packets;
    }

    /**
     * The payload that reached the consumer's queue.
     *
     * @return bytes in those packets
     */
    public long bytes() {
        return bytes;
    }

    /**
     * Packets lost because the consumer fell behind.
     *
     * @return packets read from the device and dropped because the framed queue had no room
     */
    public long dropped() {
        return dropped;
    }

    /**
     * Packets lost to the bus or the device.
     *
     * @return packets lost to a failed device call (negative return or exception)
     */
    public long failed() {
        return failed;
    }

    /**
     * Packets refused because the device announced an impossible length.
     *
     * @return length headers above the maximum packet size (length-prefixed SPI only)
     */
    public long badLengths() {
        return badLengths;
    }

    /**
     * Triggers the device answered with nothing to send.
     *
     * @return length headers of 0: the device had nothing (length-prefixed SPI only)
     */
    public long empty() {
        return empty;
    }

    @Override
    public String toString() {
        return "PumpStats[triggers=" + triggers + ", transfers=" + transfers + ", packets=" + packets + ", bytes="
                + bytes + ", dropped=" + dropped + ", failed=" + failed + ", badLengths=" + badLengths + ", empty="
                + empty + "]";
    }
}
