package dev.bbq.serial;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The driver-thread life cycle shared by {@link SerialPump} and {@link SerialSink}: one thread runs
 * {@link #loop()} until a stop is requested, the port fails or the queue's other side closes; then
 * the queue half is closed, so the other side sees the end of the stream after everything that
 * was committed.
 *
 * <p>Threads and visibility: {@code stopRequested} is volatile (written by any thread, read by the
 * driver each turn); {@code failure} is written by the driver before it counts down {@code stopped},
 * so {@link #failure()} read after {@link #awaitStop} sees it; counters have a single writer, the
 * driver, and are published with opaque stores.
 */
abstract class SerialDriver implements AutoCloseable {
    static final int TRANSFERS = 0;
    static final int BYTES = 1;
    static final int OVERRUNS = 2;
    static final int DROPPED = 3;
    static final int ERRORS = 4;

    final SerialLink link;
    final SerialSettings settings;
    final byte[] staging;
    private final AtomicLongArray counters = new AtomicLongArray(5);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean stopRequested;
    private volatile IOException failure;

    SerialDriver(SerialLink link, SerialSettings settings, String role) {
        this.link = link;
        this.settings = settings;
        this.staging = new byte[settings.stagingSize()];
        this.thread = new Thread(this::run, "bbq-serial-" + role + "-" + link.name());
        this.thread.setDaemon(true);
    }

    final void startThread() {
        thread.start();
    }

    /** One turn of the driver: returns whether to go on; throws {@link IOException} when the port fails. */
    abstract boolean loop() throws IOException, InterruptedException;

    /** Closes the queue half the driver owns. */
    abstract void closeQueue();

    private void run() {
        try {
            while (!stopRequested && loop()) {
                // each turn is one port call
            }
        } catch (IOException e) {
            add(ERRORS, 1);
            failure = e;
        } catch (dev.bbq.QueueClosedException e) {
            // The other side of the queue closed: nobody is left to serve, a normal stop.
        } catch (InterruptedException e) {
            // Interrupted from outside: stop as if asked to.
        } catch (RuntimeException | Error e) {
            failure = new IOException("serial driver for " + link.name() + " failed: " + e, e);
            throw e;
        } finally {
            closeQueue();
            stopped.countDown();
        }
    }

    final boolean stopRequested() {
        return stopRequested;
    }

    final void add(int counter, long n) {
        counters.setOpaque(counter, counters.getPlain(counter) + n);
    }

    /**
     * The driver's counters, for monitoring the link.
     *
     * @return a snapshot of the counters; safe from any thread
     */
    public final SerialStats stats() {
        AtomicLongArray c = counters;
        return new SerialStats(c.getOpaque(TRANSFERS), c.getOpaque(BYTES), c.getOpaque(OVERRUNS),
                c.getOpaque(DROPPED), c.getOpaque(ERRORS));
    }

    /**
     * Whether the driver thread still moves bytes; it stops on a stop request or a port failure.
     *
     * @return whether the driver thread is still running
     */
    public final boolean isRunning() {
        return stopped.getCount() != 0;
    }

    /**
     * The port failure that stopped the driver, naming the port and jSerialComm's error code, or
     * {@code null} if it is running or stopped for another reason (a stop request, the queue's other
     * side closing).
     *
     * @return the failure, or {@code null}
     */
    public final IOException failure() {
        return failure;
    }

    /**
     * Waits for the driver thread to end (after a stop request, a port failure or the other side of
     * the queue closing).
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
     * Asks the driver thread to stop and waits for it, up to the read timeout plus two seconds: it
     * finishes the port call in progress, commits or releases what it moved, closes its queue half
     * and ends. A sink blocked in a write to a stalled line (jSerialComm has no write timeout on
     * Linux) may take longer: {@link #isRunning()} and {@link #awaitStop} tell. Does not close the
     * port. Idempotent; an interrupt ends the wait and stays set.
     */
    @Override
    public final void close() {
        stopRequested = true;
        try {
            stopped.await(settings.readTimeoutMillis() + 2000L, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + link.name() + (isRunning() ? ", running, " : ", stopped, ")
                + stats() + "]";
    }
}
