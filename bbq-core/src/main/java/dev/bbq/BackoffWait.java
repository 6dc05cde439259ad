package dev.bbq;

import java.util.concurrent.locks.LockSupport;

/**
 * {@link WaitStrategy#backoff()}: spin, yield (only if asked for: the default does not), then park
 * for growing intervals. No signals needed.
 *
 * <p>The default has no yield phase: a thread that yielded just before it parked runs late after its
 * park ends whenever another thread holds its core, by up to that thread's time slice (see
 * {@link BlockingWait}).
 */
final class BackoffWait implements WaitStrategy {
    static final BackoffWait DEFAULT = new BackoffWait(64, 0, 1_000, 1_000_000);

    private final int spins;
    private final int yields;
    private final long minParkNanos;
    private final long maxParkNanos;

    BackoffWait(int spins, int yields, long minParkNanos, long maxParkNanos) {
        if (spins < 0 || yields < 0 || minParkNanos < 1 || maxParkNanos < minParkNanos) {
            throw new IllegalArgumentException("backoff(" + spins + ", " + yields + ", " + minParkNanos + ", "
                    + maxParkNanos + "): need spins >= 0, yields >= 0, 1 <= minParkNanos <= maxParkNanos");
        }
        this.spins = spins;
        this.yields = yields;
        this.minParkNanos = minParkNanos;
        this.maxParkNanos = maxParkNanos;
    }

    @Override
    public void pause(int round, long remainingNanos, Waiter waiter) {
        if (round < spins) {
            Thread.onSpinWait();
        } else if (round - spins < yields) { // only for a caller's backoff(spins, yields, ...): see above
            Thread.yield();
        } else {
            int doublings = Math.min(round - spins - yields, 62);
            long park = minParkNanos << doublings;
            if (park <= 0 || park > maxParkNanos || (park >> doublings) != minParkNanos) {
                park = maxParkNanos;
            }
            LockSupport.parkNanos(this, Math.min(park, remainingNanos));
        }
    }

    @Override
    public String toString() {
        return "WaitStrategy.backoff(" + spins + ", " + yields + ", " + minParkNanos + ", " + maxParkNanos + ")";
    }
}
