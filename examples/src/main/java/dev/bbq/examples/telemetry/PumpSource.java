package dev.bbq.examples.telemetry;

import dev.bbq.DriverThread;
import dev.bbq.FrameProducer;
import dev.bbq.Producer;
import dev.bbq.examples.Cli;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * A real device whose driver thread is one of bbq's pumps (a {@link DriverThread}): running,
 * stopping and failing are the pump's, so they are written here once for the serial port and the SPI
 * device. The subclass opens the device, starts its pump on the queue half it feeds, says what it
 * drops and releases the device. A real device cannot tell what it sent: no truth, no count.
 *
 * @param <P> the pump, for the subclass's statistics
 */
abstract class PumpSource<P extends DriverThread> implements Source {
    /** Set once by {@link #start}; read by the status line's thread too. */
    private volatile P pump;

    /**
     * Starts the pump on the queue half this source feeds.
     *
     * @param raw the raw queue's producer, or null for a framed source
     * @param framed the framed queue's producer, or null for a raw source
     * @return the running pump, which owns that half from now on
     */
    abstract P startPump(Producer raw, FrameProducer framed);

    /** Releases the device (the port, the Pi4J context); the pump has stopped. */
    abstract void closeDevice();

    /** @return the pump, or null before {@link #start} */
    final P pump() {
        return pump;
    }

    @Override
    public final void start(Producer raw, FrameProducer framed) throws IOException {
        pump = startPump(raw, framed);
    }

    @Override
    public final void stop() {
        P p = pump;
        if (p != null) {
            p.close();
        }
    }

    @Override
    public final boolean awaitStopped(long timeout, TimeUnit unit) throws InterruptedException {
        P p = pump;
        return p == null || p.awaitStop(timeout, unit);
    }

    @Override
    public final boolean isRunning() {
        P p = pump;
        return p != null && p.isRunning();
    }

    @Override
    public final String failure() {
        P p = pump;
        IOException e = p == null ? null : p.failure();
        return e == null ? null : Cli.oneLineMessage(e);
    }

    @Override
    public final SimulatedDevice.Truth truth() {
        return null;
    }

    @Override
    public final long framesSent() {
        return -1;
    }

    @Override
    public final void close() {
        stop();
        closeDevice();
    }
}
