package dev.bbq;

/**
 * Lets a {@link WaitStrategy} park a waiting side until the other side changes the queue.
 */
public interface Waiter {
    /**
     * Parks the calling thread until the other side commits, releases or closes, until
     * {@code maxNanos} have passed, or until the thread is interrupted; may also return early for no
     * reason, as {@link java.util.concurrent.locks.LockSupport#park()} may. It registers the thread
     * first and then checks the queue once more, so a change made just before the park is never
     * missed.
     *
     * <p>On a queue whose strategy does not {@linkplain WaitStrategy#signals() signal}, nobody will
     * wake the thread, so it parks for at most 1 ms.
     *
     * @param maxNanos the longest park ({@code Long.MAX_VALUE}: no limit)
     */
    void park(long maxNanos);
}
