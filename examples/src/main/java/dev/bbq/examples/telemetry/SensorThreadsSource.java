package dev.bbq.examples.telemetry;

import dev.bbq.FrameProducer;
import dev.bbq.Producer;
import dev.bbq.QueueClosedException;
import dev.bbq.SharedFrameProducer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code --sensor-threads N}: N simulated sensor threads in this process, as on a Pi where GPIO
 * listeners, a sampling scheduler and a serial pump each produce records, all writing into the framed
 * queue through one {@link SharedFrameProducer} with {@code writeOrDrop} (a sensor thread never
 * waits: a full queue drops the record and counts it). Sensor {@code s} belongs to thread
 * {@code s % N}, so each sensor's sequence numbers come from one thread and arrive in order, which
 * the consumer checks as it does for the simulated microcontroller. There is no wire and no
 * deframer: the records go straight into the framed queue.
 */
final class SensorThreadsSource implements Source {
    private static final long PARK_NANOS = 100_000;

    private final int threads;
    private final SimulatedDevice.DeviceSettings settings;
    private final SimulatedDevice.Truth truth;
    private final CountDownLatch ended;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean running = true;
    private volatile String failure;

    SensorThreadsSource(int threads, SimulatedDevice.DeviceSettings settings) {
        this.threads = threads;
        this.settings = settings;
        this.truth = new SimulatedDevice.Truth(settings.sensors());
        this.ended = new CountDownLatch(threads);
    }

    @Override
    public String description() {
        return String.format(Locale.ROOT, "%d sensor threads in this process writing into one shared producer, "
                + "%,.0f records/s in all, %d sensors, %s readings per record", threads, settings.rate(),
                settings.sensors(), settings.minReadings() == settings.maxReadings()
                        ? String.valueOf(settings.minReadings()) : settings.minReadings() + "-" + settings.maxReadings());
    }

    @Override
    public boolean framed() {
        return true;
    }

    @Override
    public void start(Producer raw, FrameProducer framed) {
        throw new UnsupportedOperationException("sensor threads write through a shared producer: start(SharedFrameProducer)");
    }

    /** Starts the sensor threads; the last one to end closes the producer (the end of the stream). */
    void start(SharedFrameProducer producer) {
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread thread = new Thread(() -> sense(producer, id), "telemetry-sensor-" + t);
            thread.setDaemon(true);
            started.add(thread);
        }
        started.forEach(Thread::start);
        Thread closer = new Thread(() -> {
            try {
                ended.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                producer.close(); // every sensor thread is done: one close ends the stream for all
            }
        }, "telemetry-sensors-closer");
        closer.setDaemon(true);
        closer.start();
    }

    /** One sensor thread: its share of the rate, round robin over its sensors, until stopped. */
    private void sense(SharedFrameProducer producer, int id) {
        TelemetryRecord.Writer writer = new TelemetryRecord.Writer(settings.maxReadings());
        SplittableRandom random = new SplittableRandom(settings.seed() * 31 + id);
        float[] readings = new float[settings.maxReadings()];
        double perThread = settings.rate() / threads;
        long start = System.nanoTime();
        long written = 0;
        int next = id;
        try {
            while (running) {
                long due = (long) ((System.nanoTime() - start) * perThread / 1e9);
                if (written >= due) {
                    LockSupport.parkNanos(PARK_NANOS);
                    continue;
                }
                if (next >= settings.sensors()) {
                    next = id;
                    if (next >= settings.sensors()) {
                        return; // more threads than sensors: this one has none
                    }
                }
                int sensor = next;
                next += threads;
                int n = random.nextInt(settings.minReadings(), settings.maxReadings() + 1);
                for (int i = 0; i < n; i++) {
                    readings[i] = (float) (20 + sensor + Math.sin(written * 0.01 + i));
                }
                int seq = truth.generated[sensor]++; // this thread owns the sensor: no other writer
                int length = writer.write(sensor, seq, System.nanoTime(), readings, n);
                if (!producer.writeOrDrop(writer.bytes(), 0, length)) {
                    truth.overrun[sensor].set(seq);
                    dropped.incrementAndGet();
                }
                sent.incrementAndGet();
                written++;
            }
        } catch (QueueClosedException e) {
            // the consumer side closed: nothing left to feed
        } catch (RuntimeException e) {
            failure = "sensor thread " + id + ": " + e;
        } finally {
            ended.countDown();
        }
    }

    @Override
    public void stop() {
        running = false;
    }

    @Override
    public boolean awaitStopped(long timeout, TimeUnit unit) throws InterruptedException {
        return ended.await(timeout, unit);
    }

    @Override
    public boolean isRunning() {
        return ended.getCount() != 0;
    }

    @Override
    public String failure() {
        return failure;
    }

    @Override
    public long framesDropped() {
        return dropped.get();
    }

    @Override
    public long bytesDropped() {
        return 0;
    }

    /** @return what every sensor thread generated and dropped, once all have ended (the latch orders it) */
    @Override
    public SimulatedDevice.Truth truth() {
        return ended.getCount() == 0 ? truth : null;
    }

    @Override
    public long framesSent() {
        return sent.get();
    }

    @Override
    public void close() {
        running = false;
    }
}
