package dev.bbq;

import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The wait loops behind the blocking calls: pause with the queue's {@link WaitStrategy}, retry the
 * state machine's operation, repeat until it succeeds, the time is up, the thread is interrupted or
 * the queue is closed. A blocking call tries once before it gets here, so an operation that can be
 * served at once never enters a loop.
 *
 * <p>Each loop retries only after a pause, and each failed retry leaves the side's view of the other
 * side's index fresh, which is what {@link ParkingWaiter#park} compares against (rule R9).
 */
final class Waiting {
    /** A wait without a time limit. */
    static final long FOREVER = Long.MAX_VALUE;

    private Waiting() {
    }

    /**
     * Starts a blocking call, as {@code java.util.concurrent} does: throws if the thread is already
     * interrupted, and converts the timeout to nanoseconds (0 or less means no waiting at all).
     */
    static long begin(long timeout, TimeUnit unit) throws InterruptedException {
        Objects.requireNonNull(unit, "unit");
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        return timeout <= 0 ? 0 : unit.toNanos(timeout);
    }

    private static long remaining(long nanos, long start) {
        return nanos == FOREVER ? FOREVER : nanos - (System.nanoTime() - start);
    }

    /** Waits for an exact grant of {@code n} bytes; returns its start, or -1 if the time ran out. */
    static int grantExact(Ring ring, int n, long nanos) throws InterruptedException {
        return grantExact(ring, n, nanos, true);
    }

    /**
     * As {@link #grantExact(Ring, int, long)}; with {@code open} false the room is reserved without
     * opening a grant, for a frame written and published in the same call.
     */
    static int grantExact(Ring ring, int n, long nanos, boolean open) throws InterruptedException {
        if (nanos <= 0) {
            return -1;
        }
        long start = System.nanoTime();
        try {
            for (int round = 0; ; round = nextRound(round)) {
                long remaining = pause(ring, ring.producerWaiter, round, nanos, start);
                if (remaining <= 0) {
                    return -1;
                }
                int at = ring.retryGrantExact(n, open);
                if (at >= 0) {
                    return at;
                }
            }
        } finally {
            ring.countProducerWait(System.nanoTime() - start);
        }
    }

    /** Waits for a grant of up to {@code max} bytes; returns its length, or 0 if the time ran out. */
    static int grantMax(Ring ring, int max, long nanos) throws InterruptedException {
        if (nanos <= 0) {
            return 0;
        }
        long start = System.nanoTime();
        try {
            for (int round = 0; ; round = nextRound(round)) {
                long remaining = pause(ring, ring.producerWaiter, round, nanos, start);
                if (remaining <= 0) {
                    return 0;
                }
                int length = ring.retryGrantMax(max);
                if (length > 0) {
                    return length;
                }
            }
        } finally {
            ring.countProducerWait(System.nanoTime() - start);
        }
    }

    /**
     * Waits for committed bytes (for {@code frames}, a whole visible frame, R11). Returns true when
     * some are readable, false if the time ran out or the stream has ended (the producer closed and
     * everything was read).
     */
    static boolean data(Ring ring, long nanos, boolean frames) throws InterruptedException {
        if (ring.producerClosed()) {
            return readable(ring, frames, true) > 0; // R10: look once more after seeing the flag
        }
        if (nanos <= 0) {
            return false;
        }
        long start = System.nanoTime();
        try {
            for (int round = 0; ; round = nextRound(round)) {
                long remaining = pause(ring, ring.consumerWaiter, round, nanos, start);
                if (remaining <= 0) {
                    return false;
                }
                ring.checkConsumerOpen();
                ring.checkFile();
                if (readable(ring, frames, false) > 0) {
                    return true;
                }
                if (ring.producerClosed()) {
                    return readable(ring, frames, true) > 0; // R10
                }
            }
        } finally {
            ring.countConsumerWait(System.nanoTime() - start);
        }
    }

    /**
     * One look for data. A waiting framed consumer looks at the index every time (not only in-band),
     * so that its view of the index is fresh when its waiter compares against it (R9).
     */
    private static int readable(Ring ring, boolean frames, boolean refresh) {
        return ring.look(frames, refresh || frames);
    }

    /**
     * The next pause's round. It stops at {@code Integer.MAX_VALUE}: a side idle for weeks (2^31
     * pauses are 25 days of 1 ms parks) must stay in its deepest phase, not wrap to a negative round,
     * which a strategy would read as its spinning phase and burn a core until data came.
     */
    static int nextRound(int round) {
        return round == Integer.MAX_VALUE ? round : round + 1;
    }

    /** One pause; returns the time left before it (<= 0: give up). */
    private static long pause(Ring ring, Waiter waiter, int round, long nanos, long start)
            throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        long remaining = remaining(nanos, start);
        if (remaining > 0) {
            ring.waitStrategy.pause(round, remaining, waiter);
        }
        return remaining;
    }
}
