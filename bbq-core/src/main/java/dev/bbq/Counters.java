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
 * A queue's statistics: each side counts what it did in fields of its own (padded apart, see
 * {@link LinePad}), and a queue file's counters are also in its first page, in a line of each side's
 * own ({@code QueueFile.OFF_P_*}, {@code OFF_C_*}), so that any process (the inspector) reads them
 * and a process taking a half over continues its predecessors' counts. {@link #stats(int)} is
 * written once for both homes: it reads every counter through {@link #read}, which names the
 * counters by their offsets in the file.
 *
 * <p>Each counter has one writer, its side's thread, which adds to its own running total and
 * publishes the sum with an opaque store: no read-modify-write is needed, and readers on other
 * threads or processes see every value some time after it was stored. The in-memory counters are
 * fields rather than a buffer of the file's layout because a buffer's access checks, inlined into
 * every commit, cost C2 the escape analysis of a caller's grant (the Epsilon allocation loops found
 * it); a file pays them, behind a branch that in-process queues never take.
 */
final class Counters extends CountersPad2 {
    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

    /** A queue file's first page; null inside one JVM. */
    private final ByteBuffer page;

    Counters(ByteBuffer page) {
        this.page = page;
    }

    /** A commit: its bytes, and its frames (0 for raw bytes). The producer's thread only. */
    void committed(long bytes, int frames) {
        P_BYTES_COMMITTED.setOpaque(this, pBytesCommitted + bytes);
        if (frames != 0) {
            P_FRAMES_COMMITTED.setOpaque(this, pFramesCommitted + frames);
        }
        if (page != null) {
            mirror(OFF_P_BYTES_COMMITTED, pBytesCommitted);
            mirror(OFF_P_FRAMES_COMMITTED, pFramesCommitted);
        }
    }

    /** A release: its bytes and frames. The consumer's thread only. */
    void released(long bytes, int frames) {
        C_BYTES_RELEASED.setOpaque(this, cBytesReleased + bytes);
        if (frames != 0) {
            C_FRAMES_RELEASED.setOpaque(this, cFramesReleased + frames);
        }
        if (page != null) {
            mirror(OFF_C_BYTES_RELEASED, cBytesReleased);
            mirror(OFF_C_FRAMES_RELEASED, cFramesReleased);
        }
    }

    void refused() {
        P_GRANTS_REFUSED.setOpaque(this, pGrantsRefused + 1);
        mirror(OFF_P_GRANTS_REFUSED, pGrantsRefused);
    }

    void dropped(int bytes) {
        P_FRAMES_DROPPED.setOpaque(this, pFramesDropped + 1);
        P_BYTES_DROPPED.setOpaque(this, pBytesDropped + bytes);
        mirror(OFF_P_FRAMES_DROPPED, pFramesDropped);
        mirror(OFF_P_BYTES_DROPPED, pBytesDropped);
    }

    void producerWaited(long nanos) {
        P_WAIT_NANOS.setOpaque(this, pWaitNanos + nanos);
        mirror(OFF_P_WAIT_NANOS, pWaitNanos);
    }

    void consumerWaited(long nanos) {
        C_WAIT_NANOS.setOpaque(this, cWaitNanos + nanos);
        mirror(OFF_C_WAIT_NANOS, cWaitNanos);
    }

    /** The fill level the producer saw when it loaded the consumer's index. */
    void producerSaw(long inUse) {
        if (inUse > pHighWater) {
            P_HIGH_WATER.setOpaque(this, inUse);
            mirror(OFF_P_HIGH_WATER, inUse);
        }
    }

    /** The fill level the consumer saw when it loaded the producer's index. */
    void consumerSaw(long inUse) {
        if (inUse > cHighWater) {
            C_HIGH_WATER.setOpaque(this, inUse);
            mirror(OFF_C_HIGH_WATER, inUse);
        }
    }

    private void mirror(int offset, long value) {
        if (page != null) {
            LONG.setOpaque(page, offset, value);
        }
    }

    /** A producer process taking a queue file's half over continues its predecessors' counts. */
    void takeOverProducer() {
        P_BYTES_COMMITTED.setOpaque(this, (long) LONG.getOpaque(page, OFF_P_BYTES_COMMITTED));
        P_FRAMES_COMMITTED.setOpaque(this, (long) LONG.getOpaque(page, OFF_P_FRAMES_COMMITTED));
        P_GRANTS_REFUSED.setOpaque(this, (long) LONG.getOpaque(page, OFF_P_GRANTS_REFUSED));
        P_FRAMES_DROPPED.setOpaque(this, (long) LONG.getOpaque(page, OFF_P_FRAMES_DROPPED));
        P_BYTES_DROPPED.setOpaque(this, (long) LONG.getOpaque(page, OFF_P_BYTES_DROPPED));
        P_WAIT_NANOS.setOpaque(this, (long) LONG.getOpaque(page, OFF_P_WAIT_NANOS));
        P_HIGH_WATER.setOpaque(this, (long) LONG.getOpaque(page, OFF_P_HIGH_WATER));
    }

    /** As {@link #takeOverProducer()}, for the consumer's counters. */
    void takeOverConsumer() {
        C_BYTES_RELEASED.setOpaque(this, (long) LONG.getOpaque(page, OFF_C_BYTES_RELEASED));
        C_FRAMES_RELEASED.setOpaque(this, (long) LONG.getOpaque(page, OFF_C_FRAMES_RELEASED));
        C_WAIT_NANOS.setOpaque(this, (long) LONG.getOpaque(page, OFF_C_WAIT_NANOS));
        C_HIGH_WATER.setOpaque(this, (long) LONG.getOpaque(page, OFF_C_HIGH_WATER));
    }

    /** The counters of a file's first page mapped by an inspector, which holds no half. */
    static QueueStats stats(ByteBuffer page, int capacity) {
        return new Counters(page).stats(capacity);
    }

    /**
     * A snapshot of the counters, from the file when there is one (both sides, every process that
     * held them); safe from any thread. The two sides count independently, so the committed and
     * released totals are read as a pair that belongs together: committed, released, committed
     * again (acquire loads, so the released total is read in between), retried while the producer
     * moves; then clamped to the ring so that a reader racing both sides still sees a fill level
     * between 0 and the capacity. At rest every figure is exact.
     */
    QueueStats stats(int capacity) {
        long committed;
        long released;
        int tries = 0;
        do {
            committed = read(OFF_P_BYTES_COMMITTED);
            released = read(OFF_C_BYTES_RELEASED);
        } while (committed != read(OFF_P_BYTES_COMMITTED) && ++tries < 64);
        long inUse = Math.max(0, Math.min(capacity, committed - released));
        released = committed - inUse;
        long framesReleased = read(OFF_C_FRAMES_RELEASED);
        long framesCommitted = Math.max(framesReleased, read(OFF_P_FRAMES_COMMITTED));
        long high = Math.max(read(OFF_P_HIGH_WATER), read(OFF_C_HIGH_WATER));
        return new QueueStats(capacity, committed, framesCommitted, released, framesReleased, inUse,
                Math.max(high, inUse), read(OFF_P_GRANTS_REFUSED), read(OFF_P_FRAMES_DROPPED),
                read(OFF_P_BYTES_DROPPED), read(OFF_P_WAIT_NANOS), read(OFF_C_WAIT_NANOS));
    }

    /** A counter, by its offset in the file, with an acquire load (from the file, or the field). */
    private long read(int offset) {
        if (page != null) {
            return (long) LONG.getAcquire(page, offset);
        }
        return (long) field(offset).getAcquire(this);
    }

    private static VarHandle field(int offset) {
        switch (offset) {
            case OFF_P_BYTES_COMMITTED: return P_BYTES_COMMITTED;
            case OFF_P_FRAMES_COMMITTED: return P_FRAMES_COMMITTED;
            case OFF_P_GRANTS_REFUSED: return P_GRANTS_REFUSED;
            case OFF_P_FRAMES_DROPPED: return P_FRAMES_DROPPED;
            case OFF_P_BYTES_DROPPED: return P_BYTES_DROPPED;
            case OFF_P_WAIT_NANOS: return P_WAIT_NANOS;
            case OFF_P_HIGH_WATER: return P_HIGH_WATER;
            case OFF_C_BYTES_RELEASED: return C_BYTES_RELEASED;
            case OFF_C_FRAMES_RELEASED: return C_FRAMES_RELEASED;
            case OFF_C_WAIT_NANOS: return C_WAIT_NANOS;
            case OFF_C_HIGH_WATER: return C_HIGH_WATER;
            default: throw new IllegalArgumentException("no counter at " + offset);
        }
    }

    private static final VarHandle P_BYTES_COMMITTED = handle(CountersProducer.class, "pBytesCommitted");
    private static final VarHandle P_FRAMES_COMMITTED = handle(CountersProducer.class, "pFramesCommitted");
    private static final VarHandle P_GRANTS_REFUSED = handle(CountersProducer.class, "pGrantsRefused");
    private static final VarHandle P_FRAMES_DROPPED = handle(CountersProducer.class, "pFramesDropped");
    private static final VarHandle P_BYTES_DROPPED = handle(CountersProducer.class, "pBytesDropped");
    private static final VarHandle P_WAIT_NANOS = handle(CountersProducer.class, "pWaitNanos");
    private static final VarHandle P_HIGH_WATER = handle(CountersProducer.class, "pHighWater");
    private static final VarHandle C_BYTES_RELEASED = handle(CountersConsumer.class, "cBytesReleased");
    private static final VarHandle C_FRAMES_RELEASED = handle(CountersConsumer.class, "cFramesReleased");
    private static final VarHandle C_WAIT_NANOS = handle(CountersConsumer.class, "cWaitNanos");
    private static final VarHandle C_HIGH_WATER = handle(CountersConsumer.class, "cHighWater");

    private static VarHandle handle(Class<?> owner, String field) {
        try {
            return MethodHandles.lookup().findVarHandle(owner, field, long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}

/** The producer's running totals: only the producer thread writes them. */
abstract class CountersProducer extends LinePad {
    long pBytesCommitted;
    long pFramesCommitted;
    long pGrantsRefused;
    long pFramesDropped;
    long pBytesDropped;
    long pWaitNanos;
    long pHighWater;
}

abstract class CountersPad1 extends CountersProducer {
    byte q000, q001, q002, q003, q004, q005, q006, q007, q008, q009, q010, q011, q012, q013, q014, q015;
    byte q016, q017, q018, q019, q020, q021, q022, q023, q024, q025, q026, q027, q028, q029, q030, q031;
    byte q032, q033, q034, q035, q036, q037, q038, q039, q040, q041, q042, q043, q044, q045, q046, q047;
    byte q048, q049, q050, q051, q052, q053, q054, q055, q056, q057, q058, q059, q060, q061, q062, q063;
    byte q064, q065, q066, q067, q068, q069, q070, q071, q072, q073, q074, q075, q076, q077, q078, q079;
    byte q080, q081, q082, q083, q084, q085, q086, q087, q088, q089, q090, q091, q092, q093, q094, q095;
    byte q096, q097, q098, q099, q100, q101, q102, q103, q104, q105, q106, q107, q108, q109, q110, q111;
    byte q112, q113, q114, q115, q116, q117, q118, q119, q120, q121, q122, q123, q124, q125, q126, q127;
}

/** The consumer's running totals: only the consumer thread writes them. */
abstract class CountersConsumer extends CountersPad1 {
    long cBytesReleased;
    long cFramesReleased;
    long cWaitNanos;
    long cHighWater;
}

abstract class CountersPad2 extends CountersConsumer {
    byte r000, r001, r002, r003, r004, r005, r006, r007, r008, r009, r010, r011, r012, r013, r014, r015;
    byte r016, r017, r018, r019, r020, r021, r022, r023, r024, r025, r026, r027, r028, r029, r030, r031;
    byte r032, r033, r034, r035, r036, r037, r038, r039, r040, r041, r042, r043, r044, r045, r046, r047;
    byte r048, r049, r050, r051, r052, r053, r054, r055, r056, r057, r058, r059, r060, r061, r062, r063;
    byte r064, r065, r066, r067, r068, r069, r070, r071, r072, r073, r074, r075, r076, r077, r078, r079;
    byte r080, r081, r082, r083, r084, r085, r086, r087, r088, r089, r090, r091, r092, r093, r094, r095;
    byte r096, r097, r098, r099, r100, r101, r102, r103, r104, r105, r106, r107, r108, r109, r110, r111;
    byte r112, r113, r114, r115, r116, r117, r118, r119, r120, r121, r122, r123, r124, r125, r126, r127;
}
