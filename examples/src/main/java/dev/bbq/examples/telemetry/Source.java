package dev.bbq.examples.telemetry;

import dev.bbq.FrameProducer;
import dev.bbq.Producer;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Where the telemetry comes from: the in-process simulated microcontroller, a serial port or an
 * SPI device. A source feeds either the raw queue (a byte stream of wire frames, deframed by the
 * pipeline) or, for packet devices such as SPI, the framed queue directly (one record per packet).
 * Opening checks the device, so an unusable one is reported before the pipeline starts.
 */
interface Source extends AutoCloseable {
    /** @return one line saying what the source is */
    String description();

    /** @return whether the source writes records straight into the framed queue (no wire framing) */
    boolean framed();

    /**
     * Starts the source's driver thread. It owns the given half from now on and closes it when it stops.
     *
     * @param raw the raw queue's producer, or null for a framed source
     * @param framed the framed queue's producer, or null for a raw source
     * @throws IOException if the device fails to start
     */
    void start(Producer raw, FrameProducer framed) throws IOException;

    /** Stops producing: the queue it feeds then sees the end of the stream once drained. */
    void stop();

    /**
     * @param timeout how long to wait
     * @param unit its unit
     * @return whether the driver thread has ended
     * @throws InterruptedException if interrupted
     */
    boolean awaitStopped(long timeout, TimeUnit unit) throws InterruptedException;

    /** @return whether the driver thread is running */
    boolean isRunning();

    /** @return why the source stopped on its own (a device failure), or null */
    String failure();

    /** @return frames dropped at the source, counted (UART transmit overruns, SPI packets that found no room) */
    long framesDropped();

    /** @return bytes dropped by the receiving driver (serial overruns), counted */
    long bytesDropped();

    /** @return the device's own account of what it sent, for an in-process device once stopped; else null */
    SimulatedDevice.Truth truth();

    /** @return frames the source has put on the line or into the queue so far, or -1 if it cannot know */
    long framesSent();

    /** Releases the device. */
    @Override
    void close();
}
