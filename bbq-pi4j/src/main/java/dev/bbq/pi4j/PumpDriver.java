package dev.bbq.pi4j;

import dev.bbq.ReusableWriteGrant;
import dev.bbq.FrameProducer;
import dev.bbq.QueueClosedException;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

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
 * <p>Visibility: {@code stopRequested} is volatile; {@code failure} is written before
 * {@code stopped} counts down; each counter has the pump thread as its only writer (opaque stores).
 */
abstract class PumpDriver implements AutoCloseable {
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
    private final AtomicLongArray counters = new AtomicLongArray(8);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean stopRequested;
    private volatile IOException failure;
    private int consecutiveFailures;

    PumpDriver(String name, FrameProducer out, PumpTrigger trigger, int scratchSize, int maxConsecutiveFailures) {
        this.out = out;
        this.trigger = trigger;
        this.scratch = new byte[scratchSize];
        this.maxConsecutiveFailures = maxConsecutiveFailures;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    final void startThread() {
        thread.start();
    }

    /** Reads one due packet and accounts for it under exactly one outcome counter. */
    abstract void pumpOne() throws IOException;

    /** Reads {@code len} bytes of the device into {@code rx} at {@code off}; false if the device call failed. */
    abstract boolean read(byte[] rx, int off, int len);

    /** A description of the device, for messages. */
    abstract String device();

    private void run() {
        try {
            while (!stopRequested) {
                if (trigger.await(STOP_POLL_NANOS)) {
                    add(TRIGGERS, 1);
                    pumpOne();
                }
            }
        } catch (IOException e) {
            failure = e;
        } catch (QueueClosedException | InterruptedException e) {
            // nobody left to read, or interrupted from outside: a normal stop
        } catch (RuntimeException | Error e) {
            failure = new IOException(device() + ": pump failed: " + e, e);
            throw e;
        } finally {
            try {
                trigger.close();
            } finally {
                out.close();
                stopped.countDown();
            }
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

    final void add(int counter, long n) {
        counters.setOpaque(counter, counters.getPlain(counter) + n);
    }

    /**
     * The pump's counters, for monitoring the device link.
     *
     * @return a snapshot of the counters; safe from any thread
     */
    public final PumpStats stats() {
        AtomicLongArray c = counters;
        return new PumpStats(c.getOpaque(TRIGGERS), c.getOpaque(TRANSFERS), c.getOpaque(PACKETS), c.getOpaque(BYTES),
                c.getOpaque(DROPPED), c.getOpaque(FAILED), c.getOpaque(BAD_LENGTHS), c.getOpaque(EMPTY));
    }

    /**
     * Whether the pump thread still fetches packets; it stops on a stop request or a failure.
     *
     * @return whether the pump thread is still running
     */
    public final boolean isRunning() {
        return stopped.getCount() != 0;
    }

    /**
     * What stopped the pump, if it was not asked to stop.
     *
     * @return why the pump stopped on its own (repeated device failures, or an unexpected exception),
     *         or {@code null} if it is running or was stopped normally
     */
    public final IOException failure() {
        return failure;
    }

    /**
     * Waits for the pump thread to end.
     *
     * @param timeout how long to wait
     * @param unit its unit
     * @return whether it has ended
     * @throws InterruptedException if interrupted while waiting
     */
    public final boolean awaitStop(long timeout, TimeUnit unit) throws InterruptedException {
        return stopped.await(timeout, unit);
    }

    /**
     * Stops the pump and waits for it, up to two seconds: it finishes the packet in progress, closes
     * its trigger and its frame producer. A device call that hangs may take longer:
     * {@link #isRunning()} and {@link #awaitStop} tell. Does not close the Pi4J device or context.
     * Idempotent; an interrupt ends the wait and stays set.
     */
    @Override
    public final void close() {
        stopRequested = true;
        LockSupport.unpark(thread); // a trigger parked for up to its stop-poll interval returns at once
        try {
            stopped.await(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + device() + ", " + trigger
                + (isRunning() ? ", running, " : ", stopped, ") + stats() + "]";
    }
}
