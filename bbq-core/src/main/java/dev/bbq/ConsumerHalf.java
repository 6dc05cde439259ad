package dev.bbq;

/**
 * What the two consumers ({@link Consumer}, {@link FrameConsumer}) share beyond {@link QueueHalf}:
 * how they close. (Their {@code isClosed()} differ: the end of the stream is the last byte for one
 * and the last frame for the other.)
 */
abstract class ConsumerHalf extends QueueHalf implements AutoCloseable {
    ConsumerHalf(Ring ring) {
        super(ring);
    }

    /**
     * Closes the consumer: an open read grant or held frame is dropped (its bytes stay unreleased),
     * the producer's next grant or write throws {@link QueueClosedException} so a driver thread can
     * stop, and a producer blocked waiting for room wakes at once. Closing twice does nothing.
     *
     * <p>Memory consistency effects: actions in the consumer's thread prior to closing, every release
     * included, <i>happen-before</i> actions in the producer's thread after it sees the close (a call
     * that throws {@link QueueClosedException}, or the producer's {@code isClosed()} returning
     * {@code true}).
     */
    @Override
    public void close() {
        ring.closeConsumer();
    }
}
