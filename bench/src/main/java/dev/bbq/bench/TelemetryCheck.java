package dev.bbq.bench;

import dev.bbq.FrameHandler;
import org.HdrHistogram.Histogram;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

/**
 * The pipeline's consumer check, the same for every candidate: each record must be the next in
 * sequence, have the length its reading count gives and hold exactly the readings its sequence
 * number gives ({@link TelemetrySource}); every byte is read. While {@link #recording} is set, the
 * time since the record was handed to the pipeline goes into the latency histogram. Belongs to the
 * consumer thread; the counts may be read from any thread.
 */
final class TelemetryCheck implements FrameHandler {
    private static final VarHandle CHECKED;
    private static final VarHandle ERRORS;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            CHECKED = lookup.findVarHandle(TelemetryCheck.class, "checked", long.class);
            ERRORS = lookup.findVarHandle(TelemetryCheck.class, "errors", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Histogram latency = RoundTrips.histogram();
    /** Set by the measuring thread around the measured window. */
    volatile boolean recording;
    private long expected;
    private long checked;
    private long errors;

    @Override
    public void onFrame(ByteBuffer frame) {
        check(frame, frame.position(), frame.remaining());
    }

    /** Checks the record of {@code length} bytes at absolute {@code at} in {@code b}. */
    void check(ByteBuffer b, int at, int length) {
        long seq = b.getLong(at);
        long stamp = b.getLong(at + 8);
        int n = b.get(at + 16);
        boolean ok = seq == expected && n == TelemetrySource.readings(seq)
                && length == TelemetrySource.HEADER + 4 * n;
        for (int i = 0; ok && i < n; i++) {
            ok = b.getInt(at + TelemetrySource.HEADER + 4 * i) == TelemetrySource.reading(seq, i);
        }
        if (!ok) {
            ERRORS.setOpaque(this, errors + 1); // single writer: this thread
        }
        expected = seq + 1;
        if (recording) {
            RoundTrips.record(latency, System.nanoTime() - stamp);
        }
        CHECKED.setOpaque(this, checked + 1); // single writer: this thread
    }

    /** Records checked so far, good or bad. */
    long checked() {
        return (long) CHECKED.getOpaque(this);
    }

    /** Records that were out of sequence or had a wrong length or reading. */
    long errors() {
        return (long) ERRORS.getOpaque(this);
    }
}
