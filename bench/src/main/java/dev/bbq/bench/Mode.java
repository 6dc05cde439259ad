package dev.bbq.bench;

/** How a side waits when its try fails. */
public enum Mode {
    /** Spin: a failed try returns at once and the caller tries again ({@code Thread.onSpinWait}). */
    SPIN,
    /**
     * Park: a failed try waits, bounded to {@link #PARK_BOUND_NANOS}, with each candidate's own
     * blocking or backoff mechanism (bbq's blocking strategy, Agrona's BackoffIdleStrategy, the
     * Disruptor's park, ABQ's timed offer and poll).
     */
    PARK;

    /** The longest a single wait may take, so that no benchmark thread can hang at an iteration's end. */
    static final long PARK_BOUND_NANOS = 100_000;
}
