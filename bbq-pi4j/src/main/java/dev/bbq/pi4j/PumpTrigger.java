package dev.bbq.pi4j;

import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalState;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Tells a pump when the device has a packet: at a fixed rate ({@link #polling(long, TimeUnit)}) or
 * when a data-ready line is active ({@link #dataReady(DigitalInput, DigitalState)}) or pulses
 * ({@link #dataReadyPulse(DigitalInput, DigitalState)}). Used by one pump thread.
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
     * A transfer whenever the device's data-ready output is {@code active}, for devices that hold the
     * line active until their packet is read (most ADCs and sensors with a DRDY or latched interrupt
     * pin). The line's level decides: the GPIO listener only wakes the pump early, and a bounded park
     * (10 ms) reads the line again, so a missed edge costs no packet.
     *
     * <p>An edge never counts on its own: the listener can run after the pump has already seen the
     * level and read the packet (Pi4J sets the state before it calls listeners), and counting that
     * late edge would make a transfer with nothing ready, which a device answers with stale bytes.
     * For a line that only pulses, use {@link #dataReadyPulse(DigitalInput, DigitalState)}.
     *
     * @param input the data-ready input, from the same Pi4J context
     * @param active the level that means "a packet is ready"
     * @return the trigger; closing it removes its listener
     */
    static PumpTrigger dataReady(DigitalInput input, DigitalState active) {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(active, "active");
        return new DataReadyTrigger(input, active, false);
    }

    /**
     * One transfer per edge to {@code active}, whatever the level when the pump looks: for devices
     * that pulse their data-ready line for each packet, too briefly for a level read to catch. Edges
     * that arrive while the pump is busy are counted and served one transfer each; an edge Pi4J or
     * the kernel drops is a packet the device must keep in its own FIFO until the next one.
     *
     * @param input the data-ready input, from the same Pi4J context
     * @param active the edge's target level
     * @return the trigger; closing it removes its listener
     */
    static PumpTrigger dataReadyPulse(DigitalInput input, DigitalState active) {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(active, "active");
        return new DataReadyTrigger(input, active, true);
    }
}
