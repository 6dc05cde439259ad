package dev.bbq;

/** {@link WaitStrategy#yielding()}. */
final class YieldingWait implements WaitStrategy {
    static final YieldingWait INSTANCE = new YieldingWait();
    private static final int SPINS = 100;

    private YieldingWait() {
    }

    @Override
    public void pause(int round, long remainingNanos, Waiter waiter) {
        if (round < SPINS) {
            Thread.onSpinWait();
        } else {
            Thread.yield();
        }
    }

    @Override
    public String toString() {
        return "WaitStrategy.yielding()";
    }
}
