package dev.bbq.examples.telemetry;

import dev.bbq.wire.FrameEncoder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.BitSet;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * The simulated microcontroller: its own thread samples the sensors at a fixed frame rate, encodes
 * each {@link TelemetryRecord} as a wire frame ({@link FrameEncoder}: COBS, frame check, 0x00) into
 * a transmit buffer, and hands the buffer to the {@link Line} as fast as the line takes it, like a
 * UART's transmit DMA. Sensors take turns (frame {@code k} is sensor {@code k % sensors}), and each
 * record carries a random number of readings between the configured minimum and maximum.
 *
 * <p>When the transmit buffer has no room for a new frame (the receiver is not reading), the frame
 * is dropped whole and counted as a line overrun, as firmware with a full TX buffer would do. With
 * {@code noise > 0} each frame is damaged on its way out with that probability: one bit of one byte
 * flips, never creating or removing a 0x00 delimiter, so the receiver sees exactly one bad frame.
 *
 * <p>The device knows the truth: which sequence numbers of which sensor it sent, damaged or
 * dropped. {@link #truth()} hands it to the summary once the thread has ended, which is what lets
 * the demo say exactly whether any frame was lost, duplicated or corrupted in the pipeline.
 */
final class SimulatedDevice {
    /** Where the encoded bytes go: a non-blocking line that takes what it can. */
    interface Line {
        /**
         * @param bytes the bytes to send, between position and limit; the position moves past what was taken
         * @return the bytes taken, 0 if the line cannot take any now
         * @throws IOException if the line is broken
         */
        int write(ByteBuffer bytes) throws IOException;

        /** Ends the stream: the receiver sees its end after the last byte. */
        void close() throws IOException;
    }

    /** What the device generated (sequence numbers 0 to generated - 1), damaged and dropped, per sensor; read only after the device thread has ended. */
    static final class Truth {
        final int[] generated;
        final BitSet[] damaged;
        final BitSet[] overrun;

        Truth(int sensors) {
            generated = new int[sensors];
            damaged = new BitSet[sensors];
            overrun = new BitSet[sensors];
            for (int i = 0; i < sensors; i++) {
                damaged[i] = new BitSet();
                overrun[i] = new BitSet();
            }
        }

        long total() {
            long n = 0;
            for (int s : generated) {
                n += s;
            }
            return n;
        }
    }

    static final int SENT = 0;
    static final int DAMAGED = 1;
    static final int OVERRUNS = 2;
    static final int BYTES = 3;
    private static final long MIN_PARK_NANOS = 50_000;
    private static final long FLUSH_RETRY_NANOS = 100_000;

    private final Line line;
    private final double rate;
    private final int sensors;
    private final int minReadings;
    private final int maxReadings;
    private final double noise;
    private final Random random;
    private final FrameEncoder encoder;
    private final TelemetryRecord.Writer writer;
    private final float[] readings;
    private final ByteBuffer tx;
    private final Truth truth;
    private final AtomicLongArray counters = new AtomicLongArray(4);
    private final CountDownLatch ended = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean stopRequested;
    private volatile Exception failure;

    SimulatedDevice(Line line, DeviceSettings settings, int txBufferBytes) {
        this.line = line;
        this.rate = settings.rate();
        this.sensors = settings.sensors();
        this.minReadings = settings.minReadings();
        this.maxReadings = settings.maxReadings();
        this.noise = settings.noise();
        this.random = new Random(settings.seed());
        this.encoder = new FrameEncoder(settings.check());
        this.writer = new TelemetryRecord.Writer(maxReadings);
        this.readings = new float[maxReadings];
        this.tx = ByteBuffer.allocate(Math.max(txBufferBytes, encoder.maxEncodedLength(
                TelemetryRecord.length(maxReadings))));
        this.truth = new Truth(sensors);
        this.thread = new Thread(this::run, "telemetry-device");
        this.thread.setDaemon(true);
    }

    /** How the simulated device behaves. */
    record DeviceSettings(double rate, int sensors, int minReadings, int maxReadings, double noise, long seed,
                          dev.bbq.wire.FrameCheck check) {
    }

    void start() {
        thread.start();
    }

    /** Asks the device to stop sampling; it then sends what its buffer holds and closes the line. */
    void stop() {
        stopRequested = true;
        LockSupport.unpark(thread);
    }

    boolean awaitEnd(long timeout, TimeUnit unit) throws InterruptedException {
        return ended.await(timeout, unit);
    }

    boolean isRunning() {
        return ended.getCount() != 0;
    }

    /** @return why the device stopped on its own (a broken line), or null */
    Exception failure() {
        return failure;
    }

    /** @return a live counter: {@link #SENT}, {@link #DAMAGED}, {@link #OVERRUNS} or {@link #BYTES} */
    long counter(int which) {
        return counters.getOpaque(which);
    }

    /** @return what was sent; call after the device has ended */
    Truth truth() {
        if (isRunning()) {
            throw new IllegalStateException("the device is still running");
        }
        return truth;
    }

    private void run() {
        try {
            long start = System.nanoTime();
            long emitted = 0;
            double nanosPerFrame = 1e9 / rate;
            while (!stopRequested) {
                long now = System.nanoTime();
                long due = (long) ((now - start) / nanosPerFrame) + 1;
                while (emitted < due) {
                    emit(emitted++, (now - start) / 1e9);
                }
                flush();
                long wait = start + (long) (emitted * nanosPerFrame) - System.nanoTime();
                if (tx.position() > 0) {
                    wait = Math.min(wait, FLUSH_RETRY_NANOS);
                }
                LockSupport.parkNanos(this, Math.max(wait, MIN_PARK_NANOS));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (tx.position() > 0 && System.nanoTime() - deadline < 0) {
                flush();
                if (tx.position() > 0) {
                    LockSupport.parkNanos(this, FLUSH_RETRY_NANOS);
                }
            }
        } catch (IOException | RuntimeException e) {
            failure = e;
        } finally {
            try {
                line.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                }
            }
            ended.countDown();
        }
    }

    private void emit(long frame, double seconds) throws IOException {
        int sensor = (int) (frame % sensors);
        int seq = truth.generated[sensor]++;
        int n = minReadings == maxReadings ? minReadings : minReadings + random.nextInt(maxReadings - minReadings + 1);
        SensorKind kind = SensorKind.of(sensor);
        for (int i = 0; i < n; i++) {
            readings[i] = kind.sample(seconds + i * 1e-4, sensor, random);
        }
        int len = writer.write(sensor, seq, System.nanoTime(), readings, n);
        if (tx.remaining() < encoder.maxEncodedLength(len)) {
            flush(); // a burst after a stall: make room if the line takes bytes now
        }
        if (tx.remaining() < encoder.maxEncodedLength(len)) {
            truth.overrun[sensor].set(seq);
            add(OVERRUNS);
            return;
        }
        int at = tx.position();
        int wire = encoder.encode(writer.bytes(), 0, len, tx.array(), at);
        if (noise > 0 && random.nextDouble() < noise) {
            damage(at, wire);
            truth.damaged[sensor].set(seq);
            add(DAMAGED);
        }
        tx.position(at + wire);
        add(SENT);
    }

    /** Flips one bit of one byte of the frame at {@code tx[at, at + wire)}, its final 0x00 excluded, never making a 0x00. */
    private void damage(int at, int wire) {
        byte[] b = tx.array();
        int i = at + random.nextInt(wire - 1);
        int flipped;
        do {
            flipped = (b[i] ^ (1 << random.nextInt(8))) & 0xFF;
        } while (flipped == 0);
        b[i] = (byte) flipped;
    }

    private void flush() throws IOException {
        if (tx.position() == 0) {
            return;
        }
        tx.flip();
        int n = line.write(tx);
        tx.compact();
        if (n > 0) {
            counters.setOpaque(BYTES, counters.getPlain(BYTES) + n);
        }
    }

    private void add(int which) {
        counters.setOpaque(which, counters.getPlain(which) + 1);
    }
}
