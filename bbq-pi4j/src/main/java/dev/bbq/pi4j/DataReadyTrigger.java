package dev.bbq.pi4j;

import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.DigitalStateChangeListener;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The data-ready triggers of {@link PumpTrigger}: a GPIO listener that counts edges to the active
 * level and unparks the pump, and an {@link #await} that decides by the line's level
 * ({@link PumpTrigger#dataReady}) or by the counted edges ({@link PumpTrigger#dataReadyPulse}).
 * The listener runs on Pi4J's thread, {@code await} on the pump's; they share only the edge count
 * (atomic) and the waiter (volatile).
 */
final class DataReadyTrigger implements PumpTrigger {
    /** The longest park between two reads of the line: edges can be missed. */
    private static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final DigitalInput input;
    private final DigitalState active;
    private final boolean pulses;
    private final AtomicInteger edges = new AtomicInteger();
    private volatile Thread waiter;
    private final DigitalStateChangeListener listener;

    DataReadyTrigger(DigitalInput input, DigitalState active, boolean pulses) {
        this.input = input;
        this.active = active;
        this.pulses = pulses;
        this.listener = event -> {
            if (event.state() == active) {
                edges.incrementAndGet();
                Thread t = waiter;
                if (t != null) {
                    LockSupport.unpark(t);
                }
            }
        };
        input.addListener(listener);
    }

    @Override
    public boolean await(long timeoutNanos) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutNanos;
        waiter = Thread.currentThread();
        while (true) {
            if (due()) {
                return true;
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return false;
            }
            LockSupport.parkNanos(this, Math.min(remaining, RECHECK_NANOS));
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }

    private boolean due() {
        if (pulses) {
            // One transfer per counted edge; never below zero, since only this thread decrements.
            if (edges.get() > 0) {
                edges.decrementAndGet();
                return true;
            }
            return false;
        }
        // The level decides; edges seen so far were wake-ups only. (Taking the count reads the
        // listener's write, which orders what its thread did before the edge before the transfer.)
        edges.getAndSet(0);
        return input.state() == active;
    }

    @Override
    public void close() {
        input.removeListener(listener);
    }

    @Override
    public String toString() {
        return (pulses ? "data-ready pulses on " : "data ready on ") + input.id() + " when " + active;
    }
}
