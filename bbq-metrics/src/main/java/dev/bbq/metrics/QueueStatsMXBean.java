package dev.bbq.metrics;

import dev.bbq.QueueStats;

/**
 * A queue's statistics as JMX attributes, registered by
 * {@link QueueMetrics#registerMBean(String, dev.bbq.BBQueue)}. Every attribute is a plain number, so
 * JDK Mission Control and {@code jconsole} can chart it. Each read takes a fresh
 * {@link QueueStats} snapshot; see there for what each number means.
 */
public interface QueueStatsMXBean {

    /**
     * The queue's size.
     *
     * @return {@link QueueStats#capacity()}: the ring's size in bytes
     */
    int getCapacity();

    /**
     * The fill level.
     *
     * @return {@link QueueStats#bytesInUse()}: bytes committed and not yet released
     */
    long getBytesInUse();

    /**
     * How full the queue is.
     *
     * @return {@link QueueStats#fill()}: bytes in use as a fraction of the capacity, 0 to 1
     */
    double getFill();

    /**
     * The most bytes seen in use.
     *
     * @return {@link QueueStats#highWaterMark()}, in bytes
     */
    long getHighWaterMark();

    /**
     * Everything the producer has published.
     *
     * @return {@link QueueStats#bytesCommitted()}, in ring bytes
     */
    long getBytesCommitted();

    /**
     * The frames the producer has published.
     *
     * @return {@link QueueStats#framesCommitted()} (0 for a raw queue)
     */
    long getFramesCommitted();

    /**
     * Everything the consumer has given back.
     *
     * @return {@link QueueStats#bytesReleased()}, in ring bytes
     */
    long getBytesReleased();

    /**
     * The frames the consumer has given back.
     *
     * @return {@link QueueStats#framesReleased()} (0 for a raw queue)
     */
    long getFramesReleased();

    /**
     * How often the producer found no room.
     *
     * @return {@link QueueStats#grantsRefused()}
     */
    long getGrantsRefused();

    /**
     * Frames lost to the telemetry overload policy.
     *
     * @return {@link QueueStats#framesDropped()}
     */
    long getFramesDropped();

    /**
     * The size of the frames lost to the telemetry overload policy.
     *
     * @return {@link QueueStats#bytesDropped()}, payload bytes
     */
    long getBytesDropped();

    /**
     * Time the producer was held back by a full queue.
     *
     * @return {@link QueueStats#producerWaitNanos()}, in nanoseconds
     */
    long getProducerWaitNanos();

    /**
     * Time the consumer spent idle on an empty queue.
     *
     * @return {@link QueueStats#consumerWaitNanos()}, in nanoseconds
     */
    long getConsumerWaitNanos();
}
