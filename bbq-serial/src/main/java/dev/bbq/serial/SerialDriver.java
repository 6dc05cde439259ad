package dev.bbq.serial;

import dev.bbq.DriverThread;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * What {@link SerialPump} and {@link SerialSink} add to the driver-thread life cycle
 * ({@link DriverThread}: start, stop, failure, counters): the port, its settings, the staging array
 * and the serial counters. A port failure is counted ({@link SerialStats#errors()}) where it is
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

    SerialDriver(SerialLink link, SerialSettings settings, String role) {
        super("bbq-serial-" + role + "-" + link.name(), 5, settings.readTimeoutMillis() + 2000L,
                TimeUnit.MILLISECONDS);
        this.link = link;
        this.settings = settings;
        this.staging = new byte[settings.stagingSize()];
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
