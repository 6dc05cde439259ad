package dev.bbq.bench;

/**
 * One candidate queue, opened for one workload, memory budget and wait mode. {@link #offer} runs
 * on the producer thread only and {@link #poll} on the consumer thread only.
 */
interface Channel extends AutoCloseable {
    /**
     * Sends message {@code seq} of {@code length} bytes: copies {@code length} bytes from the
     * candidate's pre-filled source, with {@code seq} in the first 8.
     *
     * @return whether it was sent (in {@link Mode#PARK} after a bounded wait)
     */
    boolean offer(long seq, int length);

    /**
     * Receives what is there (up to a batch), checking every message with {@code checker}.
     *
     * @return how many messages arrived (in {@link Mode#PARK} after a bounded wait)
     */
    int poll(Checker checker);

    @Override
    void close();
}
