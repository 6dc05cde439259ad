package dev.bbq;

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
        thread = Thread.currentThread(); // R9: register (volatile store) ...
        try {
            // ... then look once more (volatile loads): a publication that missed our flag shows here.
            if (consumerSide ? ring.producerMovedSinceConsumerLooked() : ring.consumerMovedSinceProducerLooked()) {
                return;
            }
            long nanos = ring.signals ? maxNanos : Math.min(maxNanos, UNSIGNALLED_PARK_NANOS);
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

abstract class ParkingWaiterPad0 {
    long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;
}

abstract class ParkingWaiterFields extends ParkingWaiterPad0 {
    /** The parked thread, or null: the waiter-present flag. */
    volatile Thread thread;
}

abstract class ParkingWaiterPad1 extends ParkingWaiterFields {
    long q00, q01, q02, q03, q04, q05, q06, q07, q08, q09, q10, q11, q12, q13, q14, q15;
}
