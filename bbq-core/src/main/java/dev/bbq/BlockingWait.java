package dev.bbq;

/**
 * {@link WaitStrategy#blocking()}: spin briefly, then park until signalled.
 *
 * <p>No {@code Thread.yield()} between the two: on Linux (CFS and EEVDF alike) a thread that yielded
 * just before it parked is woken without its claim to preempt the thread that woke it, and a waker
 * that keeps running after its commit (a driver thread that goes on polling) then holds the core
 * for the rest of its time slice: a wake-up of milliseconds instead of microseconds (docs/performance.md,
 * "Waking").
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
