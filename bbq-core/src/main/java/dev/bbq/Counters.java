package dev.bbq;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static dev.bbq.QueueFile.OFF_C_BYTES_RELEASED;
import static dev.bbq.QueueFile.OFF_C_FRAMES_RELEASED;
import static dev.bbq.QueueFile.OFF_C_HIGH_WATER;
import static dev.bbq.QueueFile.OFF_C_WAIT_NANOS;
import static dev.bbq.QueueFile.OFF_P_BYTES_COMMITTED;
import static dev.bbq.QueueFile.OFF_P_BYTES_DROPPED;
import static dev.bbq.QueueFile.OFF_P_FRAMES_COMMITTED;
import static dev.bbq.QueueFile.OFF_P_FRAMES_DROPPED;
import static dev.bbq.QueueFile.OFF_P_GRANTS_REFUSED;
import static dev.bbq.QueueFile.OFF_P_HIGH_WATER;
import static dev.bbq.QueueFile.OFF_P_WAIT_NANOS;

/**
 * Where a queue's statistics live: one home, laid out as a queue file's first page, with each
 * side's counters in a line of that side's own ({@code QueueFile.OFF_P_*}, {@code OFF_C_*}). For a
 * queue file the home is that page, so that any process (the inspector) reads the counters and a
 * process taking a half over continues its predecessors' counts; inside one JVM it is a small
 * direct buffer of the same layout. So {@link #stats(ByteBuffer, int)} is written once for both.
 *
 * <p>Each counter has one writer, its side's thread, which adds to the value it stored last (a
 * plain load of its own store) and publishes the sum with an opaque store: no read-modify-write is
 * needed, and readers on other threads or processes see every value some time after it was stored.
 */
final class Counters {
    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
    /** The end of the consumer's counter line: the size of an in-memory home. */
    private static final int END = OFF_C_BYTES_RELEASED + 128;

    private final ByteBuffer home;

    private Counters(ByteBuffer home) {
        this.home = home;
    }

    /** The counters of a queue file: its first page. */
    static Counters in(QueueFile file) {
        return new Counters(file.map);
    }

    /** The counters of a queue inside one JVM, aligned so that each side's line is its own. */
    static Counters inMemory() {
        return new Counters(ByteBuffer.allocateDirect(END + 128).alignedSlice(128).order(ByteOrder.nativeOrder()));
    }

    /** A commit: its bytes, and its frames (0 for raw bytes). The producer's thread only. */
    void committed(long bytes, int frames) {
        add(OFF_P_BYTES_COMMITTED, bytes);
        if (frames != 0) {
            add(OFF_P_FRAMES_COMMITTED, frames);
        }
    }

    /** A release: its bytes and frames. The consumer's thread only. */
    void released(long bytes, int frames) {
        add(OFF_C_BYTES_RELEASED, bytes);
        if (frames != 0) {
            add(OFF_C_FRAMES_RELEASED, frames);
        }
    }

    void refused() {
        add(OFF_P_GRANTS_REFUSED, 1);
    }

    void dropped(int bytes) {
        add(OFF_P_FRAMES_DROPPED, 1);
        add(OFF_P_BYTES_DROPPED, bytes);
    }

    void producerWaited(long nanos) {
        add(OFF_P_WAIT_NANOS, nanos);
    }

    void consumerWaited(long nanos) {
        add(OFF_C_WAIT_NANOS, nanos);
    }

    /** The fill level one side saw (each side has its own high-water mark). */
    void inUse(boolean producer, long bytes) {
        int off = producer ? OFF_P_HIGH_WATER : OFF_C_HIGH_WATER;
        if (bytes > (long) LONG.get(home, off)) {
            LONG.setOpaque(home, off, bytes);
        }
    }

    private void add(int off, long delta) {
        LONG.setOpaque(home, off, (long) LONG.get(home, off) + delta);
    }

    /** {@link #stats(ByteBuffer, int)} of this home. */
    QueueStats stats(int capacity) {
        return stats(home, capacity);
    }

    /**
     * A snapshot of the counters in {@code page} (a home, or a file's first page mapped by an
     * inspector); safe from any thread. The two sides count independently, so the committed and
     * released totals are read as a pair that belongs together: committed, released, committed
     * again (acquire loads, so the released total is read in between), retried while the producer
     * moves; then clamped to the ring so that a reader racing both sides still sees a fill level
     * between 0 and the capacity. At rest every figure is exact.
     */
    static QueueStats stats(ByteBuffer page, int capacity) {
        long committed;
        long released;
        int tries = 0;
        do {
            committed = (long) LONG.getAcquire(page, OFF_P_BYTES_COMMITTED);
            released = (long) LONG.getAcquire(page, OFF_C_BYTES_RELEASED);
        } while (committed != (long) LONG.getAcquire(page, OFF_P_BYTES_COMMITTED) && ++tries < 64);
        long inUse = Math.max(0, Math.min(capacity, committed - released));
        released = committed - inUse;
        long framesReleased = (long) LONG.getOpaque(page, OFF_C_FRAMES_RELEASED);
        long framesCommitted = Math.max(framesReleased, (long) LONG.getOpaque(page, OFF_P_FRAMES_COMMITTED));
        long high = Math.max((long) LONG.getOpaque(page, OFF_P_HIGH_WATER), (long) LONG.getOpaque(page, OFF_C_HIGH_WATER));
        return new QueueStats(capacity, committed, framesCommitted, released, framesReleased, inUse,
                Math.max(high, inUse), (long) LONG.getOpaque(page, OFF_P_GRANTS_REFUSED),
                (long) LONG.getOpaque(page, OFF_P_FRAMES_DROPPED), (long) LONG.getOpaque(page, OFF_P_BYTES_DROPPED),
                (long) LONG.getOpaque(page, OFF_P_WAIT_NANOS), (long) LONG.getOpaque(page, OFF_C_WAIT_NANOS));
    }
}
