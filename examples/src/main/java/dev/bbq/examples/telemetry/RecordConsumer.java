package dev.bbq.examples.telemetry;

import dev.bbq.FrameConsumer;
import dev.bbq.FrameHandler;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.BitSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BooleanSupplier;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * The consumer thread: drains the framed queue, checks every record (length, record CRC, the
 * sensor's sequence number), aggregates per-sensor statistics, records the end-to-end latency
 * ({@code now - the record's timestamp}) and writes the telemetry log.
 *
 * <p>Sequence numbers are per sensor. A number above the next expected one is a gap (frames
 * missing); one below it is a duplicate (the queues are FIFO, so nothing arrives late). For the
 * in-process device, every sensor starts at 0 and the numbers delivered are also kept in a bit set
 * per sensor, to compare with what the device says it sent; for an external device the first
 * number seen is the start.
 *
 * <p>Latency: the in-process device stamps records with {@link System#nanoTime()}, the clock the
 * consumer reads, so latency is exact. An external device has its own clock: then latency is
 * measured relative to the fastest record seen so far (the clock offset is estimated as the
 * smallest {@code now - timestamp}).
 *
 * <p>Threads: everything here belongs to the consumer thread, except the live counters (single
 * writer, published once per drained batch with opaque stores) and the latency recorder
 * (HdrHistogram's single-writer recorder, whose interval histograms the status thread takes).
 * The per-sensor tables are read by the summary after the thread has ended.
 */
final class RecordConsumer implements FrameHandler {
    static final int FRAMES = 0;
    static final int BYTES = 1;
    static final int RECORD_CRC_ERRORS = 2;
    static final int MALFORMED = 3;
    static final int IDLE = 4;
    static final int GAPS = 5;
    static final int DUPLICATES = 6;
    private static final int COUNTERS = 7;
    private static final int BATCH = 256;

    private final FrameConsumer in;
    private final TelemetryRecord.Reader reader;
    private final TelemetryLog log;
    private final boolean sameClock;
    private final long epochMicrosAtStart;
    private final long nanoAtStart;
    final SingleWriterRecorder latency = new SingleWriterRecorder(3);
    private final AtomicLongArray live = new AtomicLongArray(COUNTERS);
    private final long[] local = new long[COUNTERS];

    // Per sensor, owned by the consumer thread.
    final boolean[] seen = new boolean[256];
    final int[] next = new int[256];
    final long[] frames = new long[256];
    final long[] readings = new long[256];
    final double[] min = new double[256];
    final double[] max = new double[256];
    final double[] sum = new double[256];
    final BitSet[] delivered;
    private long clockOffset = Long.MAX_VALUE;
    private IOException logFailure;
    private MqttLink mqtt;
    private final StringBuilder message = new StringBuilder(256);
    private final BooleanSupplier stopped;

    /**
     * @param in the framed queue's consumer
     * @param maxRecordLength the longest frame expected
     * @param log where valid records are logged, or null
     * @param sameClock whether record timestamps come from this JVM's {@link System#nanoTime()}
     * @param trackDelivered whether to keep the delivered sequence numbers (in-process device only)
     */
    RecordConsumer(FrameConsumer in, int maxRecordLength, TelemetryLog log, boolean sameClock, boolean trackDelivered) {
        this(in, maxRecordLength, log, sameClock, trackDelivered, () -> false);
    }

    /**
     * As above, stopping before the end of the stream once {@code stopped} says so: a queue file's
     * producer is another process, whose stream need not end when this run does.
     */
    RecordConsumer(FrameConsumer in, int maxRecordLength, TelemetryLog log, boolean sameClock, boolean trackDelivered,
                   BooleanSupplier stopped) {
        this.stopped = stopped;
        this.in = in;
        this.reader = new TelemetryRecord.Reader(maxRecordLength);
        this.log = log;
        this.sameClock = sameClock;
        this.epochMicrosAtStart = System.currentTimeMillis() * 1000;
        this.nanoAtStart = System.nanoTime();
        this.delivered = trackDelivered ? new BitSet[256] : null;
        if (trackDelivered) {
            for (int i = 0; i < 256; i++) {
                delivered[i] = new BitSet();
                seen[i] = true; // the in-process device starts every sensor at 0
            }
        }
        java.util.Arrays.fill(min, Double.POSITIVE_INFINITY);
        java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
    }

    /** The thread's body: drains until the framed queue's end of stream. */
    void run() {
        try {
            while (true) {
                int n = in.drain(this, BATCH, 100, TimeUnit.MILLISECONDS);
                publish();
                if ((n == 0 && in.isClosed()) || stopped.getAsBoolean()) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            in.close();
            if (mqtt != null) {
                mqtt.endOfStream();
            }
            if (log != null) {
                try {
                    log.close();
                } catch (IOException e) {
                    logFailure = logFailure == null ? e : logFailure;
                }
            }
        }
    }

    @Override
    public void onFrame(ByteBuffer frame) {
        long arrival = System.nanoTime();
        switch (reader.read(frame)) {
            case OK:
                accept(arrival, frame.remaining());
                break;
            case IDLE:
                local[IDLE]++;
                break;
            case CRC_ERROR:
                local[RECORD_CRC_ERRORS]++;
                break;
            default:
                local[MALFORMED]++;
                break;
        }
    }

    private void accept(long arrival, int length) {
        TelemetryRecord.Reader r = reader;
        int s = r.sensor;
        if (!seen[s]) {
            seen[s] = true;
            next[s] = r.seq;
        }
        int d = r.seq - next[s]; // wrapping arithmetic: sequence numbers are u32
        if (d < 0) {
            local[DUPLICATES]++;
            return;
        }
        local[GAPS] += d;
        next[s] = r.seq + 1;
        long lat = arrival - r.timestamp;
        if (!sameClock) {
            clockOffset = Math.min(clockOffset, lat);
            lat -= clockOffset;
        }
        long arrivalEpochMicros = epochMicrosAtStart + (arrival - nanoAtStart) / 1000;
        // A record the MQTT queue had to drop is not delivered: with --mqtt, delivered means acknowledged.
        boolean forwarded = mqtt == null || forward(arrivalEpochMicros, r, SensorKind.of(s), Math.max(lat, 0));
        if (delivered != null && r.seq >= 0 && forwarded) {
            delivered[s].set(r.seq);
        }
        latency.recordValue(Math.max(lat, 0));
        frames[s]++;
        readings[s] += r.readings;
        for (int i = 0; i < r.readings; i++) {
            double v = r.reading(i);
            if (v < min[s]) {
                min[s] = v;
            }
            if (v > max[s]) {
                max[s] = v;
            }
            sum[s] += v;
        }
        local[FRAMES]++;
        local[BYTES] += length;
        if (log != null && logFailure == null) {
            try {
                log.write(arrivalEpochMicros, r, SensorKind.of(s), Math.max(lat, 0));
            } catch (IOException e) {
                logFailure = e; // reported in the summary; the pipeline goes on
            }
        }
    }

    private boolean forward(long arrivalEpochMicros, TelemetryRecord.Reader r, SensorKind kind, long latencyNanos) {
        StringBuilder b = message;
        b.setLength(0);
        TelemetryLog.appendJson(b, arrivalEpochMicros, r, kind, latencyNanos);
        return mqtt.offer(b);
    }

    /**
     * Also forwards every valid record to an MQTT broker (see {@link MqttLink}). Call before the
     * consumer thread starts.
     */
    void forwardTo(MqttLink link) {
        this.mqtt = link;
    }

    /** @return where records are forwarded, or null */
    MqttLink mqtt() {
        return mqtt;
    }

    private void publish() {
        for (int i = 0; i < COUNTERS; i++) {
            live.setOpaque(i, local[i]);
        }
    }

    /** @return a live counter, from any thread */
    long counter(int which) {
        return live.getOpaque(which);
    }

    /** @return the log's write failure, if any; read after the thread ended */
    IOException logFailure() {
        return logFailure;
    }

    /** @return whether latency is relative to the fastest record (the device has its own clock) */
    boolean relativeLatency() {
        return !sameClock;
    }
}
