package dev.bbq.pi4j;

import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.DigitalStateChangeListener;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Tells a pump when the device has a packet: at a fixed rate ({@link #polling(long, TimeUnit)}) or
 * when a data-ready line is active ({@link #dataReady(DigitalInput, DigitalState)}). Used by one
 * pump thread.
 */
public interface PumpTrigger extends AutoCloseable {
    /**
     * Waits until a transfer is due, or at most {@code timeoutNanos} (so the pump can look at its stop flag).
     *
     * @param timeoutNanos the longest wait
     * @return whether a transfer is due now
     * @throws InterruptedException if the thread is interrupted
     */
    boolean await(long timeoutNanos) throws InterruptedException;

    /** Releases what the trigger holds (a GPIO listener); the default does nothing. */
    @Override
    default void close() {
    }

    /**
     * A transfer every {@code period}, at a fixed rate: a pump that falls behind makes one transfer at
     * once and then keeps the rate from there, instead of a burst to catch up.
     *
     * @param period the interval between transfers, at least 1 µs
     * @param unit its unit
     * @return the trigger
     */
    static PumpTrigger polling(long period, TimeUnit unit) {
        long nanos = unit.toNanos(period);
        if (nanos < 1000) {
            throw new IllegalArgumentException("polling period " + nanos + " ns: must be at least 1 µs");
        }
        return new PumpTrigger() {
            private long next = System.nanoTime();

            @Override
            public boolean await(long timeoutNanos) throws InterruptedException {
                long now = System.nanoTime();
                long wait = next - now;
                if (wait > 0) {
                    LockSupport.parkNanos(this, Math.min(wait, timeoutNanos));
                    if (Thread.interrupted()) {
                        throw new InterruptedException();
                    }
                    now = System.nanoTime();
                    if (next - now > 0) {
                        return false;
                    }
                }
                next = next + nanos - now < 0 ? now + nanos : next + nanos;
                return true;
            }

            @Override
            public String toString() {
                return "polling every " + nanos + " ns";
            }
        };
    }

    /**
     * A transfer whenever the device's data-ready output is {@code active}: the GPIO listener wakes
     * the pump on the edge, and the pump also transfers for as long as the line stays active (so a
     * missed edge, or a device that holds the line until drained, costs no packet).
     *
     * @param input the data-ready input, from the same Pi4J context
     * @param active the level that means "a packet is ready"
     * @return the trigger; closing it removes its listener
     */
    static PumpTrigger dataReady(DigitalInput input, DigitalState active) {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(active, "active");
        return new PumpTrigger() {
            private final AtomicBoolean edge = new AtomicBoolean();
            private volatile Thread waiter;
            private final DigitalStateChangeListener listener = event -> {
                if (event.state() == active) {
                    edge.set(true);
                    Thread t = waiter;
                    if (t != null) {
                        LockSupport.unpark(t);
                    }
                }
            };

            {
                input.addListener(listener);
            }

            @Override
            public boolean await(long timeoutNanos) throws InterruptedException {
                long deadline = System.nanoTime() + timeoutNanos;
                waiter = Thread.currentThread();
                while (true) {
                    if (edge.getAndSet(false) || input.state() == active) {
                        return true;
                    }
                    long remaining = deadline - System.nanoTime();
                    if (remaining <= 0) {
                        return false;
                    }
                    // Bounded park: a line read, not only the listener, decides (edges can be missed).
                    LockSupport.parkNanos(this, Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(10)));
                    if (Thread.interrupted()) {
                        throw new InterruptedException();
                    }
                }
            }

            @Override
            public void close() {
                input.removeListener(listener);
            }

            @Override
            public String toString() {
                return "data ready on " + input.id() + " when " + active;
            }
        };
    }
}
