package dev.bbq.pi4j;

import dev.bbq.DriverThread;
import dev.bbq.FrameProducer;
import dev.bbq.ReusableWriteGrant;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * The driver thread shared by {@link SpiPump} and {@link I2cPump}: waits for its
 * {@link PumpTrigger}, reads one packet from the device straight into a frame grant, commits it,
 * and repeats until stopped.
 *
 * <p>Packets go straight into the grant when the queue is on the heap: the device call gets the
 * ring's backing array with the grant's absolute offset (Pi4J's LinuxFS providers copy only that
 * region, unlike jSerialComm). A direct queue is read through a scratch array and copied in. When
 * the framed queue has no room, the packet is still read (so the device stays in step) into the
 * scratch array and dropped, and counted: the pump never blocks its device on the consumer.
 *
 * <p>Ending: a stop request ({@link #close()}), the queue's consumer closing, or
 * {@code maxConsecutiveFailures} failed device calls in a row ({@link #failure()} says which). The
 * pump then closes its trigger and its frame producer, so the consumer reads every committed
 * packet and then sees the end of the stream.
 *
 * <p>The life cycle (start, stop, failure, counters) is {@link DriverThread}'s; this class adds the
 * trigger, the packet path into the frame grant and the pump's counters.
 */
abstract class PumpDriver extends DriverThread {
    static final int TRIGGERS = 0;
    static final int TRANSFERS = 1;
    static final int PACKETS = 2;
    static final int BYTES = 3;
    static final int DROPPED = 4;
    static final int FAILED = 5;
    static final int BAD_LENGTHS = 6;
    static final int EMPTY = 7;
    private static final long STOP_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    final FrameProducer out;
    final byte[] scratch;
    /** Reused for every packet, so that the driver thread allocates nothing on any JDK. */
    private final ReusableWriteGrant grant = new ReusableWriteGrant();
    private final PumpTrigger trigger;
    private final int maxConsecutiveFailures;
    private int consecutiveFailures;

    PumpDriver(String name, PumpOptions options, int scratchSize) {
        super(name, 8, 2, TimeUnit.SECONDS);
        this.out = options.out;
        this.trigger = options.trigger;
        this.scratch = new byte[scratchSize];
        this.maxConsecutiveFailures = options.maxConsecutiveFailures;
    }

    /** Reads one due packet and accounts for it under exactly one outcome counter. */
    abstract void pumpOne() throws IOException;

    /** Reads {@code len} bytes of the device into {@code rx} at {@code off}; false if the device call failed. */
    abstract boolean read(byte[] rx, int off, int len);

    /** A description of the device, for messages. */
    abstract String device();

    @Override
    protected final boolean turn() throws IOException, InterruptedException {
        if (trigger.await(STOP_POLL_NANOS)) {
            add(TRIGGERS, 1);
            pumpOne();
        }
        return true;
    }

    @Override
    protected final void end() {
        try {
            trigger.close();
        } finally {
            out.close();
        }
    }

    /** Reads a packet of {@code len} bytes into a frame grant and commits it, or drops it if there is no room. */
    final void readPacket(int len) throws IOException {
        if (!out.tryGrant(len, grant)) {
            if (read(scratch, 0, len)) {
                add(DROPPED, 1);
                consecutiveFailures = 0;
            } else {
                failed("reading a packet of " + len + " bytes");
            }
            return;
        }
        try {
            boolean ok;
            if (grant.hasArray()) {
                ok = read(grant.array(), grant.arrayOffset(), len);
            } else {
                ok = read(scratch, 0, len);
                if (ok) {
                    grant.put(0, scratch, 0, len); // no buffer view
                }
            }
            if (ok) {
                grant.commit(len);
                add(PACKETS, 1);
                add(BYTES, len);
                consecutiveFailures = 0;
            } else {
                failed("reading a packet of " + len + " bytes");
            }
        } finally {
            grant.close();
        }
    }

    /** Counts a failed device call; too many in a row stop the pump. */
    final void failed(String what) throws IOException {
        add(FAILED, 1);
        if (++consecutiveFailures >= maxConsecutiveFailures) {
            throw new IOException(device() + ": " + consecutiveFailures + " device calls failed in a row, the last "
                    + what + ": is the device connected and the bus enabled?");
        }
    }

    /**
     * The pump's counters, for monitoring the device link.
     *
     * @return a snapshot of the counters; safe from any thread
     */
    public final PumpStats stats() {
        return new PumpStats(counter(TRIGGERS), counter(TRANSFERS), counter(PACKETS), counter(BYTES),
                counter(DROPPED), counter(FAILED), counter(BAD_LENGTHS), counter(EMPTY));
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + device() + ", " + trigger
                + (isRunning() ? ", running, " : ", stopped, ") + stats() + "]";
    }
}
