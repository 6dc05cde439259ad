package dev.bbq;

/**
 * How a side that found no space (producer) or no data (consumer) waits in a blocking call such
 * as {@link Producer#grantExact(int, long, java.util.concurrent.TimeUnit)} or
 * {@link Consumer#read(long, java.util.concurrent.TimeUnit)}. The side calls {@link #pause} in a loop
 * and retries its operation after each call; the try forms never wait.
 *
 * <p>The strategy is chosen per queue ({@link BBQueue.Builder#waitStrategy(WaitStrategy)}):
 * <ul>
 *   <li>{@link #busySpin()}: lowest latency, one full core per waiting side. Only when each side
 *       has a core of its own.</li>
 *   <li>{@link #yielding()}: spins briefly, then {@code Thread.yield()}: low latency, still a busy
 *       core while idle.</li>
 *   <li>{@link #backoff()}: spins, then parks for growing intervals (1 µs doubling to 1 ms, and
 *       after a quarter of a second with nothing, on to 8 ms): little CPU when idle (a look every
 *       8 ms once idle; a look every millisecond cost about 2 % of a core on an x86 VM), but a
 *       wake-up can take up to the current park interval.</li>
 *   <li>{@link #blocking()} (the default): spins briefly, then parks until the other side
 *       signals. No CPU while idle and a wake-up as fast as the OS can unpark a thread, as fast
 *       as a JDK monitor's {@code notify}. Commits and releases then check a waiter flag, one
 *       load that stays in cache while nobody waits.</li>
 * </ul>
 *
 * <p>Neither parking strategy yields before it parks: on Linux a thread that called
 * {@code Thread.yield()} just before parking is woken late (by up to the waking thread's time
 * slice, milliseconds) whenever the thread that woke it keeps its core busy. A custom strategy that
 * parks should not yield either.
 *
 * <p>A custom strategy implements {@link #pause}; if it parks, it must park through
 * {@link Waiter#park(long)} (which only returns early when it is safe) or with a bounded
 * {@code parkNanos}, and return {@code true} from {@link #signals()} if it relies on being woken.
 */
public interface WaitStrategy {

    /**
     * Pauses the calling thread once.
     *
     * @param round 0 for the first pause of a wait, then 1, 2, ...
     * @param remainingNanos how long the wait may still last ({@code Long.MAX_VALUE}: no limit); a
     *        pause should not last much longer than this
     * @param waiter parks the thread until the other side changes the queue (see {@link Waiter})
     */
    void pause(int round, long remainingNanos, Waiter waiter);

    /**
     * Whether this strategy parks and relies on the other side to wake it. If so, every commit and
     * release of the queue checks for a parked waiter. The default is {@code false}.
     *
     * @return {@code true} if pauses rely on signals
     */
    default boolean signals() {
        return false;
    }

    /**
     * Spins with {@link Thread#onSpinWait()}.
     *
     * @return the busy-spin strategy
     */
    static WaitStrategy busySpin() {
        return BusySpinWait.INSTANCE;
    }

    /**
     * Spins 100 times with {@link Thread#onSpinWait()}, then yields on every pause.
     *
     * @return the yielding strategy
     */
    static WaitStrategy yielding() {
        return YieldingWait.INSTANCE;
    }

    /**
     * Phased backoff with the default phases: 64 spins, then parks of 1 µs doubling up to 1 ms (no
     * yields: see above); a wait that has parked 250 times at 1 ms (a quarter of a second of
     * nothing) goes on doubling its parks up to 8 ms, so that a side idle for hours costs a look
     * every 8 ms, and the first message after such a silence waits at most 8 ms to be seen.
     *
     * @return the backoff strategy
     */
    static WaitStrategy backoff() {
        return BackoffWait.DEFAULT;
    }

    /**
     * Phased backoff: {@code spins} spins, {@code yields} yields, then {@code parkNanos} parks from
     * {@code minParkNanos} doubling up to {@code maxParkNanos} (and no further: no idle phase).
     * Needs no signals, so it also works
     * where the other side cannot unpark this thread (another process). A yield phase delays the
     * first park's wake-up whenever another thread keeps this core busy (see above): 0 is the
     * recommended {@code yields}.
     *
     * @param spins pauses spent in {@link Thread#onSpinWait()}, at least 0
     * @param yields pauses spent in {@link Thread#yield()}, at least 0
     * @param minParkNanos the first park, at least 1
     * @param maxParkNanos the longest park, at least {@code minParkNanos}
     * @return the backoff strategy
     * @throws IllegalArgumentException if an argument is out of range
     */
    static WaitStrategy backoff(int spins, int yields, long minParkNanos, long maxParkNanos) {
        return new BackoffWait(spins, yields, minParkNanos, maxParkNanos);
    }

    /**
     * Spins 64 times, then parks until the other side commits, releases or closes.
     *
     * @return the blocking strategy
     */
    static WaitStrategy blocking() {
        return BlockingWait.INSTANCE;
    }
}
