package dev.bbq;

/**
 * What the two single-thread producers ({@link Producer}, {@link FrameProducer}) share beyond
 * {@link QueueHalf}: how they close and tell that they are closed.
 */
abstract class ProducerHalf extends QueueHalf implements AutoCloseable {
    ProducerHalf(Ring ring) {
        super(ring);
    }

    /**
     * Closes the producer: an open grant (a frame's included) is abandoned, nothing of it published;
     * everything committed before stays readable, and the consumer sees the end of the stream once
     * it has read it; a consumer blocked waiting for data wakes at once. Closing twice does nothing.
     *
     * <p>Memory consistency effects: actions in the producer's thread prior to closing, every commit
     * included, <i>happen-before</i> actions in the consumer's thread after it sees the end of the stream.
     */
    @Override
    public void close() {
        ring.closeProducer();
    }

    /**
     * Whether grants and frames are over for this producer: it closed itself, or the consumer has
     * closed and nobody will read what is committed.
     *
     * @return whether this producer, or the consumer, has closed: no more grants can be made and no
     *         more frames written
     */
    public boolean isClosed() {
        return ring.producerDone();
    }
}
