package dev.bbq.examples.telemetry;

import dev.bbq.FrameProducer;
import dev.bbq.Producer;
import dev.bbq.QueueClosedException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The default source: a {@link SimulatedDevice} in this process, wired to the pipeline through an
 * OS pipe that stands in for the UART (the device writes without blocking, like transmit DMA; the
 * pipe's kernel buffer plays the receiver's FIFO). The driver thread reads the pipe straight into
 * the raw queue's free region with {@link Producer#readFrom}, one {@code read} per grant, and closes
 * the producer when the device has closed its end.
 */
final class SimulatedSource implements Source {
    /** The device's transmit buffer: a microcontroller's TX DMA buffer. */
    static final int TX_BUFFER = 16 * 1024;

    private final SimulatedDevice.DeviceSettings settings;
    private final Pipe pipe;
    private final SimulatedDevice device;
    private final CountDownLatch driverEnded = new CountDownLatch(1);
    private volatile String failure;

    SimulatedSource(SimulatedDevice.DeviceSettings settings) throws IOException {
        this.settings = settings;
        this.pipe = Pipe.open();
        pipe.sink().configureBlocking(false);
        this.device = new SimulatedDevice(new SimulatedDevice.Line() {
            @Override
            public int write(ByteBuffer bytes) throws IOException {
                return pipe.sink().write(bytes);
            }

            @Override
            public void close() throws IOException {
                pipe.sink().close();
            }
        }, settings, TX_BUFFER);
    }

    @Override
    public String description() {
        return String.format(java.util.Locale.ROOT, "simulated microcontroller in this process, %,.0f frames/s, "
                + "%d sensors, %s readings per record, noise %s", settings.rate(), settings.sensors(),
                settings.minReadings() == settings.maxReadings() ? String.valueOf(settings.minReadings())
                        : settings.minReadings() + "-" + settings.maxReadings(), settings.noise());
    }

    @Override
    public boolean framed() {
        return false;
    }

    @Override
    public void start(Producer raw, FrameProducer framed) {
        Thread driver = new Thread(() -> pump(raw), "telemetry-driver");
        driver.setDaemon(true);
        driver.start();
        device.start();
    }

    /** The driver thread: pipe to raw queue until the device closes the pipe. */
    private void pump(Producer raw) {
        try (Pipe.SourceChannel in = pipe.source()) {
            while (raw.readFrom(in) >= 0) {
                // each turn: wait for room, one read into the free region, commit what arrived
            }
        } catch (QueueClosedException e) {
            // the pipeline's consumer side closed: nothing left to feed
        } catch (IOException e) {
            failure = "driver thread: " + e.getMessage();
            device.stop();
        } finally {
            raw.close();
            driverEnded.countDown();
        }
    }

    @Override
    public void stop() {
        device.stop();
    }

    @Override
    public boolean awaitStopped(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        return device.awaitEnd(timeout, unit)
                && driverEnded.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public boolean isRunning() {
        return driverEnded.getCount() != 0;
    }

    @Override
    public String failure() {
        Exception e = device.failure();
        return failure != null ? failure : e == null ? null : "simulated device: " + e;
    }

    @Override
    public long framesDropped() {
        return device.counter(SimulatedDevice.OVERRUNS);
    }

    @Override
    public long bytesDropped() {
        return 0;
    }

    @Override
    public SimulatedDevice.Truth truth() {
        return device.isRunning() ? null : device.truth();
    }

    @Override
    public long framesSent() {
        return device.counter(SimulatedDevice.SENT);
    }

    /** @return frames the device damaged on purpose so far */
    long framesDamaged() {
        return device.counter(SimulatedDevice.DAMAGED);
    }

    @Override
    public void close() {
        device.stop();
    }
}
