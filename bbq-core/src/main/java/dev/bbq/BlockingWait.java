package dev.bbq;

/**
 * {@link WaitStrategy#blocking()}: spin briefly, then park until signalled.
 *
 * <p>No {@code Thread.yield()} between the two. Measured on Linux 6.18 (EEVDF): a thread that
 * yielded just before it parked is woken late whenever the thread that woke it keeps running (a
 * driver thread that goes on polling), by up to the waker's time slice, milliseconds instead of
 * microseconds; it seems to lose its claim to preempt the waker (docs/performance.md, "Waking").
 */
final class BlockingWait implements WaitStrategy {
    static final BlockingWait INSTANCE = new BlockingWait();
    private static final int SPINS = 64;

    private BlockingWait() {
    }

    @Override
    public void pause(int round, long remainingNanos, Waiter waiter) {
        if (round < SPINS) {
            Thread.onSpinWait();
        } else {
            waiter.park(remainingNanos);
        }
    }

    @Override
    public boolean signals() {
        return true;
    }

    @Override
    public String toString() {
        return "WaitStrategy.blocking()";
    }
}
