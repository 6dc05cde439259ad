package dev.bbq;

import java.util.concurrent.locks.LockSupport;

/**
 * {@link WaitStrategy#backoff()}: spin, yield (only if asked for: the default does not), then park
 * for growing intervals. No signals needed.
 *
 * <p>The default has no yield phase: a thread that yielded just before it parked runs late after its
 * park ends whenever another thread holds its core, by up to that thread's time slice (see
 * {@link BlockingWait}).
 *
 * <p>The default also has an idle phase. Every park that ends is a wake-up the thread pays for in
 * kernel time (timer, scheduler, the look itself): at one park per millisecond that is about 2 % of a
 * core on this project's x86 VM, for a side that waits for hours. So once a wait has parked
 * {@link #IDLE_AFTER_PARKS} times at the longest interval (about a quarter of a second of nothing),
 * the interval keeps doubling, up to {@link #IDLE_MAX_PARK_NANOS}. A queue that is busy never gets
 * there (each wait starts again at round 0); a side that waited that long has no one to keep waiting
 * for a millisecond, and its first message after the silence is late by at most the deeper interval.
 * The explicit {@link WaitStrategy#backoff(int, int, long, long)} keeps its cap as given.
 */
final class BackoffWait implements WaitStrategy {
    /** Parks at the longest regular interval before the idle phase deepens it. */
    static final int IDLE_AFTER_PARKS = 250;
    /** The idle phase's longest park: 8 ms, about an eighth of the 1 ms polling's CPU. */
    static final long IDLE_MAX_PARK_NANOS = 8_000_000L;
    static final BackoffWait DEFAULT = new BackoffWait(64, 0, 1_000, 1_000_000, IDLE_MAX_PARK_NANOS);

    private final int spins;
    private final int yields;
    private final long minParkNanos;
    private final long maxParkNanos;
    /** The idle phase's cap; {@code maxParkNanos} when there is no idle phase. */
    private final long idleMaxParkNanos;
    /** Parks (counted from the first) after which the idle phase starts; never when there is none. */
    private final int idleAfter;

    BackoffWait(int spins, int yields, long minParkNanos, long maxParkNanos) {
        this(spins, yields, minParkNanos, maxParkNanos, maxParkNanos);
    }

    private BackoffWait(int spins, int yields, long minParkNanos, long maxParkNanos, long idleMaxParkNanos) {
        if (spins < 0 || yields < 0 || minParkNanos < 1 || maxParkNanos < minParkNanos) {
            throw new IllegalArgumentException("backoff(" + spins + ", " + yields + ", " + minParkNanos + ", "
                    + maxParkNanos + "): need spins >= 0, yields >= 0, 1 <= minParkNanos <= maxParkNanos");
        }
        this.spins = spins;
        this.yields = yields;
        this.minParkNanos = minParkNanos;
        this.maxParkNanos = maxParkNanos;
        this.idleMaxParkNanos = idleMaxParkNanos;
        this.idleAfter = idleMaxParkNanos > maxParkNanos
                ? doublingsToReach(minParkNanos, maxParkNanos) + IDLE_AFTER_PARKS
                : Integer.MAX_VALUE;
    }

    @Override
    public void pause(int round, long remainingNanos, Waiter waiter) {
        if (round < spins) {
            Thread.onSpinWait();
        } else if (round - spins < yields) { // only for a caller's backoff(spins, yields, ...): see above
            Thread.yield();
        } else {
            LockSupport.parkNanos(this, Math.min(parkNanos(round - spins - yields), remainingNanos));
        }
    }

    /** How long the park numbered {@code parked} (0 for the first) lasts when the wait allows it. */
    long parkNanos(int parked) {
        if (parked < idleAfter) {
            return doubled(minParkNanos, parked, maxParkNanos);
        }
        return doubled(maxParkNanos, parked - idleAfter + 1, idleMaxParkNanos);
    }

    /** {@code from} doubled {@code times} times, at most {@code cap}, without overflow. */
    private static long doubled(long from, int times, long cap) {
        int doublings = Math.min(times, 62);
        long park = from << doublings;
        return park <= 0 || park > cap || (park >> doublings) != from ? cap : park;
    }

    /** How many doublings take {@code from} to {@code cap} or past it. */
    private static int doublingsToReach(long from, long cap) {
        int doublings = 0;
        for (long park = from; park < cap; park <<= 1) {
            doublings++;
        }
        return doublings;
    }

    @Override
    public String toString() {
        String phases = spins + ", " + yields + ", " + minParkNanos + ", " + maxParkNanos;
        return idleAfter == Integer.MAX_VALUE
                ? "WaitStrategy.backoff(" + phases + ")"
                : "WaitStrategy.backoff(" + phases + "; idle after " + IDLE_AFTER_PARKS + " longest parks: up to "
                        + idleMaxParkNanos + ")";
    }
}
