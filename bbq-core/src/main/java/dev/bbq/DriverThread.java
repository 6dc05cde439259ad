package dev.bbq;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * The life cycle of a driver thread: one thread that moves data between a device and the queue half
 * it owns, one {@link #turn()} at a time, until it is asked to stop ({@link #close()}), a turn
 * fails, or the queue's other side closes. Whatever ends it, {@link #end()} then closes the queue
 * half, so the other side reads everything committed before and then sees the end of the stream.
 * bbq-serial's {@code SerialPump} and {@code SerialSink} and bbq-pi4j's {@code SpiPump} and
 * {@code I2cPump} are driver threads; extend this class for a device of your own:
 *
 * <pre>{@code
 * final class ChannelPump extends DriverThread {
 *     private final ReadableByteChannel in;
 *     private final Producer producer;
 *
 *     private ChannelPump(ReadableByteChannel in, Producer producer) {
 *         super("channel-pump", 0, 2, TimeUnit.SECONDS);
 *         this.in = in;
 *         this.producer = producer;
 *     }
 *
 *     static ChannelPump start(ReadableByteChannel in, Producer producer) {
 *         ChannelPump pump = new ChannelPump(in, producer);
 *         pump.start();
 *         return pump;
 *     }
 *
 *     protected boolean turn() throws IOException {
 *         return producer.readFrom(in) >= 0;   // go on until the channel's end
 *     }
 *
 *     protected void end() {
 *         producer.close();
 *     }
 * }
 * }</pre>
 *
 * <p>How it ends, as {@link #failure()} tells it afterwards:
 * <ul>
 *   <li>a stop request ({@link #close()}), a turn returning {@code false}, the other side closing
 *       (a {@link QueueClosedException} from a turn) or an interrupt of the driver thread (an
 *       {@link InterruptedException} from a turn, an {@link IOException} thrown with the interrupt
 *       status set, such as {@link java.io.InterruptedIOException} from
 *       {@link Producer#readFrom}, or the status found set between turns) is a normal end: no
 *       failure;</li>
 *   <li>any other {@link IOException} from a turn is the failure, as thrown; any other exception is the
 *       cause of an {@code IOException} naming the thread. Either is kept once, from the first
 *       failure on (a later failure of {@link #end()} is added to it as suppressed), and is not also
 *       passed to the thread's uncaught-exception handler. An {@link Error} is kept the same way and
 *       then rethrown: it is not the driver's to swallow.</li>
 * </ul>
 *
 * <p>Counters ({@link #add(int, long)}, {@link #counter(int)}) have one writer, the driver thread,
 * and are read with opaque loads: a subclass's statistics can be taken from any thread at any
 * rate without slowing the driver, and are final once {@link #isRunning()} is {@code false}.
 *
 * <p>Implementation notes. Threads: {@code state} moves once from new to started (in
 * {@link #start()}) or from new to ended (a {@link #close()} before the start), by compare-and-set,
 * so a start and a close racing each other agree on which came first. {@code stopRequested} is
 * volatile, written by any thread and read by the driver between turns. The driver writes
 * {@code failure} and its last counter values before it counts {@code ended} down, so a thread that
 * has seen the count reach zero ({@link #isRunning()}, {@link #awaitStop}, {@link #close()}) sees
 * them. A stop request unparks the driver thread, so a turn parked until its next trigger (a timer,
 * a data-ready line) returns early and the stop is seen at once; a blocking queue call goes on
 * waiting to its timeout, which is why a turn should wait with one. A stop request does not interrupt
 * the thread, because an interrupt closes an {@link java.nio.channels.InterruptibleChannel} a turn
 * may be reading.
 */
public abstract class DriverThread implements AutoCloseable {
    private static final int NEW = 0;
    private static final int STARTED = 1;
    private static final int ENDED_BEFORE_START = 2;

    private final Thread thread;
    private final long stopWaitNanos;
    private final AtomicLongArray counters;
    private final AtomicInteger state = new AtomicInteger(NEW);
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile boolean stopRequested;
    private volatile IOException failure;

    /**
     * Prepares the driver thread (a daemon thread); {@link #start()} starts it.
     *
     * @param threadName the thread's name, also used in failure messages
     * @param counters how many counters the subclass keeps ({@link #add(int, long)}), 0 or more
     * @param stopWait how long {@link #close()} waits for the thread to end: the longest turn, plus a margin
     * @param unit the unit of {@code stopWait}
     */
    protected DriverThread(String threadName, int counters, long stopWait, TimeUnit unit) {
        if (counters < 0) {
            throw new IllegalArgumentException("counters " + counters + ": must be 0 or more");
        }
        this.thread = new Thread(this::run, threadName);
        this.thread.setDaemon(true);
        this.stopWaitNanos = unit.toNanos(stopWait);
        this.counters = new AtomicLongArray(counters);
    }

    /**
     * One turn of the driver, on the driver thread: typically one device call and the grant that
     * goes with it. Return soon enough to see a stop request: a device call and a blocking queue
     * call should have a timeout.
     *
     * @return whether to go on; {@code false} ends the driver normally (an end of input)
     * @throws IOException if the device failed: the driver ends with this {@link #failure()}
     * @throws InterruptedException if the driver thread was interrupted: the driver ends normally
     */
    protected abstract boolean turn() throws IOException, InterruptedException;

    /**
     * Runs once as the driver ends, whatever ended it: closes the queue half the driver owns, so the
     * other side sees the end of the stream, and releases what the turns used (not the device, which
     * the caller opened). It runs on the driver thread, or on the thread that called
     * {@link #close()} if the driver was never started.
     */
    protected abstract void end();

    /**
     * Starts the driver thread. Call it once the subclass is fully constructed (from a factory
     * method, not from a constructor), once.
     *
     * @throws IllegalStateException if it was started before, or closed before it was started
     */
    protected final void start() {
        if (!state.compareAndSet(NEW, STARTED)) {
            throw new IllegalStateException(thread.getName() + (state.get() == STARTED
                    ? ": already started" : ": closed before it was started"));
        }
        thread.start();
    }

    /**
     * Whether a stop was requested, for a turn that loops inside itself and should give up early.
     *
     * @return whether {@link #close()} was called
     */
    protected final boolean stopRequested() {
        return stopRequested;
    }

    /**
     * Adds to a counter. Only the driver thread may call it (the counters have a single writer).
     *
     * @param counter the counter's index, below the count given to the constructor
     * @param n what to add
     */
    protected final void add(int counter, long n) {
        counters.setOpaque(counter, counters.getPlain(counter) + n);
    }

    /**
     * Reads a counter, from any thread: the latest value, or a recent one while the driver runs;
     * the final one once it has ended.
     *
     * @param counter the counter's index
     * @return its value
     */
    protected final long counter(int counter) {
        return counters.getOpaque(counter);
    }

    private void run() {
        Throwable thrown = null;
        try {
            while (!stopRequested && !Thread.currentThread().isInterrupted() && turn()) {
                // each turn is one device call; the stop flag and the interrupt status are seen in between
            }
        } catch (QueueClosedException | InterruptedException e) {
            // the other side closed (nobody is left to serve) or an interrupt from outside: a normal end
        } catch (IOException e) {
            if (!Thread.currentThread().isInterrupted()) {
                failure = e;
            } // else the interrupt's doing (InterruptedIOException from a queue wait, ClosedByInterruptException)
        } catch (RuntimeException | Error e) {
            failure = new IOException(thread.getName() + " failed: " + e, e);
            thrown = e;
        } finally {
            runEnd();
            ended.countDown();
        }
        if (thrown instanceof Error) {
            throw (Error) thrown;
        }
    }

    private void runEnd() {
        try {
            end();
        } catch (RuntimeException e) {
            IOException first = failure;
            if (first == null) {
                failure = new IOException(thread.getName() + " failed as it ended: " + e, e);
            } else {
                first.addSuppressed(e);
            }
        }
    }

    /**
     * Whether the driver thread was started and has not ended yet.
     *
     * @return whether the driver thread is running
     */
    public final boolean isRunning() {
        return state.get() == STARTED && ended.getCount() != 0;
    }

    /**
     * What made the driver end on its own: a device failure, or an unexpected exception as the cause.
     *
     * @return the failure, or {@code null} if the driver is running or ended normally (a stop
     *         request, the end of its input, the queue's other side closing, an interrupt)
     */
    public final IOException failure() {
        return failure;
    }

    /**
     * Waits for the driver thread to end (after a stop request, a failure, the end of its input or
     * the queue's other side closing) and to terminate.
     *
     * @param timeout how long to wait
     * @param unit its unit
     * @return whether it has ended
     * @throws InterruptedException if interrupted while waiting
     */
    public final boolean awaitStop(long timeout, TimeUnit unit) throws InterruptedException {
        return awaitEnd(unit.toNanos(timeout));
    }

    private boolean awaitEnd(long nanos) throws InterruptedException {
        long deadline = System.nanoTime() + nanos;
        if (!ended.await(nanos, TimeUnit.NANOSECONDS)) {
            return false;
        }
        if (Thread.currentThread() != thread) {
            // only the thread's exit is left: end() ran and the counters are final
            TimeUnit.NANOSECONDS.timedJoin(thread, Math.max(deadline - System.nanoTime(), 1));
        }
        return !thread.isAlive() || Thread.currentThread() == thread;
    }

    /**
     * Asks the driver thread to stop and waits for it to end, up to the stop wait given to the
     * constructor: it finishes the turn in progress, runs {@link #end()} and terminates. A device
     * call that hangs may take longer: {@link #isRunning()} and {@link #awaitStop} tell. Closed before
     * it was started, the driver never starts and {@link #end()} runs at once, on this thread.
     * Called on the driver thread (from a turn), it only asks. Idempotent; an interrupt ends the wait
     * and stays set.
     */
    @Override
    public final void close() {
        stopRequested = true;
        if (state.compareAndSet(NEW, ENDED_BEFORE_START)) {
            try {
                runEnd();
            } finally {
                ended.countDown();
            }
            return;
        }
        if (Thread.currentThread() == thread) {
            return;
        }
        LockSupport.unpark(thread); // a turn parked until its next trigger returns at once
        try {
            awaitEnd(stopWaitNanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + thread.getName() + ", "
                + (isRunning() ? "running" : state.get() == NEW ? "new" : "stopped") + "]";
    }
}
