package dev.bbq;

import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * A side's parking place: the parked thread, if any, is the waiter-present flag of rule R9. The
 * flag is read by every publication of the other side, so it sits between 128 bytes of padding and
 * is written only when a thread starts or stops parking: while nobody waits, the other side's check
 * is a load that hits its own cache.
 */
final class ParkingWaiter extends ParkingWaiterPad1 implements Waiter {
    private static final long UNSIGNALLED_PARK_NANOS = 1_000_000L;

    private final Ring ring;
    private final boolean consumerSide;

    ParkingWaiter(Ring ring, boolean consumerSide) {
        this.ring = ring;
        this.consumerSide = consumerSide;
    }

    @Override
    public void park(long maxNanos) {
        thread = Thread.currentThread(); // R9: register ...
        VarHandle.fullFence(); // R9: ... before looking again (pairs with the publisher's fence)
        try {
            Chaos.pause(); // a publisher may run its whole R9 step here
            // ... then look once more (volatile loads): a publication that missed our flag shows here.
            if (consumerSide ? ring.producerMovedSinceConsumerLooked() : ring.consumerMovedSinceProducerLooked()) {
                return;
            }
            long nanos = ring.signals ? maxNanos : Math.min(maxNanos, UNSIGNALLED_PARK_NANOS);
            Chaos.pause(); // an unpark that lands here must still end the park (LockSupport's permit)
            if (nanos == Long.MAX_VALUE) {
                LockSupport.park(this);
            } else if (nanos > 0) {
                LockSupport.parkNanos(this, nanos);
            }
        } finally {
            thread = null;
        }
    }

    /** Unparks the parked thread, if any (R9: called after the publication's volatile store). */
    void wake() {
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    @Override
    public String toString() {
        return (consumerSide ? "consumer" : "producer") + " waiter" + (thread != null ? " (parked)" : "");
    }
}

abstract class ParkingWaiterFields extends LinePad {
    /** The parked thread, or null: the waiter-present flag. */
    volatile Thread thread;
    /**
     * Set once when the other side closes: the owner of this waiter checks it on every call, and a
     * line written once stays in its cache (the control block holds the same flag for other processes).
     */
    volatile boolean peerClosed;
}

abstract class ParkingWaiterPad1 extends ParkingWaiterFields {
    byte q000, q001, q002, q003, q004, q005, q006, q007, q008, q009, q010, q011, q012, q013, q014, q015;
    byte q016, q017, q018, q019, q020, q021, q022, q023, q024, q025, q026, q027, q028, q029, q030, q031;
    byte q032, q033, q034, q035, q036, q037, q038, q039, q040, q041, q042, q043, q044, q045, q046, q047;
    byte q048, q049, q050, q051, q052, q053, q054, q055, q056, q057, q058, q059, q060, q061, q062, q063;
    byte q064, q065, q066, q067, q068, q069, q070, q071, q072, q073, q074, q075, q076, q077, q078, q079;
    byte q080, q081, q082, q083, q084, q085, q086, q087, q088, q089, q090, q091, q092, q093, q094, q095;
    byte q096, q097, q098, q099, q100, q101, q102, q103, q104, q105, q106, q107, q108, q109, q110, q111;
    byte q112, q113, q114, q115, q116, q117, q118, q119, q120, q121, q122, q123, q124, q125, q126, q127;
}
