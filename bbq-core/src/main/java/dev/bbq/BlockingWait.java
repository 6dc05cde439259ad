package dev.bbq;

/** {@link WaitStrategy#blocking()}: spin and yield briefly, then park until signalled. */
final class BlockingWait implements WaitStrategy {
    static final BlockingWait INSTANCE = new BlockingWait();
    private static final int SPINS = 64;
    private static final int YIELDS = 8;

    private BlockingWait() {
    }

    @Override
    public void pause(int round, long remainingNanos, Waiter waiter) {
        if (round < SPINS) {
            Thread.onSpinWait();
        } else if (round < SPINS + YIELDS) {
            Thread.yield();
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
