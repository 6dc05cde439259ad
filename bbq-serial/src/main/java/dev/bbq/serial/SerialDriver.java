package dev.bbq.serial;

import dev.bbq.DriverThread;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * What {@link SerialPump} and {@link SerialSink} add to the driver-thread life cycle
 * ({@link DriverThread}: start, stop, failure, counters): the port, its settings, the staging array,
 * the serial counters and the closing of the driver's queue half when it stops. A port failure is counted ({@link SerialStats#errors()}) where it is
 * thrown; closing a driver waits up to the read timeout plus two seconds, the longest a turn takes
 * on a port that answers.
 */
abstract class SerialDriver extends DriverThread {
    static final int TRANSFERS = 0;
    static final int BYTES = 1;
    static final int OVERRUNS = 2;
    static final int DROPPED = 3;
    static final int ERRORS = 4;

    final SerialLink link;
    final SerialSettings settings;
    final byte[] staging;
    /** Closes the driver's queue half: the pump's producer, the sink's consumer. */
    private final Runnable closeHalf;

    SerialDriver(SerialLink link, SerialSettings settings, String role, Runnable closeHalf) {
        super("bbq-serial-" + role + "-" + link.name(), 5, settings.readTimeoutMillis() + 2000L,
                TimeUnit.MILLISECONDS);
        this.link = link;
        this.settings = settings;
        this.staging = new byte[settings.stagingSize()];
        this.closeHalf = closeHalf;
    }

    /** Starts the thread of a driver a subclass's factory built; returns the driver, running. */
    static <D extends SerialDriver> D started(D driver) {
        driver.start();
        return driver;
    }

    /**
     * Closes the queue half however the driver stopped, so that the other side sees the end of the
     * stream (the pump's consumer) or a closed queue (the sink's producer) instead of waiting forever.
     */
    @Override
    protected final void end() {
        closeHalf.run();
    }

    /** Counts a port failure and says which port failed doing what, with jSerialComm's error code. */
    final IOException portFailed(String doing) {
        add(ERRORS, 1);
        return new IOException("serial port " + link.name() + " failed while " + doing + " (" + link.lastError()
                + "): was it unplugged or closed?");
    }

    /**
     * The driver's counters, for monitoring the link.
     *
     * @return a snapshot of the counters; safe from any thread
     */
    public final SerialStats stats() {
        return new SerialStats(counter(TRANSFERS), counter(BYTES), counter(OVERRUNS), counter(DROPPED),
                counter(ERRORS));
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + link.name() + (isRunning() ? ", running, " : ", stopped, ")
                + stats() + "]";
    }
}
