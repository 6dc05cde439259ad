package dev.bbq;

/** {@link WaitStrategy#busySpin()}. */
final class BusySpinWait implements WaitStrategy {
    static final BusySpinWait INSTANCE = new BusySpinWait();

    private BusySpinWait() {
    }

    @Override
    public void pause(int round, long remainingNanos, Waiter waiter) {
        Thread.onSpinWait();
    }

    @Override
    public String toString() {
        return "WaitStrategy.busySpin()";
    }
}
