package dev.bbq;

/**
 * A snapshot of a queue's counters, from {@link BBQueue#stats()}. Counters are kept by the side
 * that causes them (single writer, no contention) and read with opaque loads, so taking a snapshot
 * never slows the producer or the consumer. Values read at slightly different moments, so a
 * snapshot taken while the queue runs is consistent only up to the events in flight; at rest it is
 * exact, and {@code bytesCommitted() == bytesReleased() + bytesInUse()} always holds.
 *
 * <p>Byte counts are ring bytes, frame headers included, so that they add up to the fill level.
 */
public final class QueueStats {
    private final int capacity;
    private final long bytesCommitted;
    private final long framesCommitted;
    private final long bytesReleased;
    private final long framesReleased;
    private final long bytesInUse;
    private final long highWaterMark;
    private final long grantsRefused;
    private final long framesDropped;
    private final long bytesDropped;
    private final long producerWaitNanos;
    private final long consumerWaitNanos;

    QueueStats(int capacity, long bytesCommitted, long framesCommitted, long bytesReleased, long framesReleased,
               long bytesInUse, long highWaterMark, long grantsRefused, long framesDropped, long bytesDropped,
               long producerWaitNanos, long consumerWaitNanos) {
        this.capacity = capacity;
        this.bytesCommitted = bytesCommitted;
        this.framesCommitted = framesCommitted;
        this.bytesReleased = bytesReleased;
        this.framesReleased = framesReleased;
        this.bytesInUse = bytesInUse;
        this.highWaterMark = highWaterMark;
        this.grantsRefused = grantsRefused;
        this.framesDropped = framesDropped;
        this.bytesDropped = bytesDropped;
        this.producerWaitNanos = producerWaitNanos;
        this.consumerWaitNanos = consumerWaitNanos;
    }

    /**
     * The capacity of the queue the snapshot was taken from, the scale of the byte counts.
     *
     * @return the ring's size in bytes
     */
    public int capacity() {
        return capacity;
    }

    /**
     * Everything the producer has published, in ring bytes.
     *
     * @return bytes committed since the queue was made, frame headers included
     */
    public long bytesCommitted() {
        return bytesCommitted;
    }

    /**
     * The frames the producer has published.
     *
     * @return frames committed since the queue was made (0 for a raw queue)
     */
    public long framesCommitted() {
        return framesCommitted;
    }

    /**
     * Everything the consumer has given back to the producer, in ring bytes.
     *
     * @return bytes released since the queue was made, frame headers included
     */
    public long bytesReleased() {
        return bytesReleased;
    }

    /**
     * The frames the consumer has given back to the producer.
     *
     * @return frames released since the queue was made (0 for a raw queue)
     */
    public long framesReleased() {
        return framesReleased;
    }

    /**
     * What is committed and waiting for, or held by, the consumer.
     *
     * @return bytes committed and not yet released: the fill level
     */
    public long bytesInUse() {
        return bytesInUse;
    }

    /**
     * How full the queue is.
     *
     * @return {@link #bytesInUse()} as a fraction of the capacity, 0 to 1
     */
    public double fill() {
        return (double) bytesInUse / capacity;
    }

    /**
     * The most bytes seen in use. It is sampled whenever a side looks at the other's index (the
     * producer when its cached view shows no room, the consumer when its cached view shows no data),
     * which includes every moment the queue is full.
     *
     * @return the high-water mark in bytes
     */
    public long highWaterMark() {
        return highWaterMark;
    }

    /**
     * How often the producer found no room: a sign that the consumer falls behind.
     *
     * @return grant calls that found no room (a blocking call that had to wait counts once)
     */
    public long grantsRefused() {
        return grantsRefused;
    }

    /**
     * Frames lost to the telemetry overload policy.
     *
     * @return frames dropped by {@link FrameProducer#writeOrDrop(byte[], int, int)} for lack of room
     */
    public long framesDropped() {
        return framesDropped;
    }

    /**
     * The size of the frames lost to the telemetry overload policy.
     *
     * @return payload bytes of the dropped frames
     */
    public long bytesDropped() {
        return bytesDropped;
    }

    /**
     * Time the producer was held back by a full queue.
     *
     * @return nanoseconds the producer spent waiting for room in blocking calls
     */
    public long producerWaitNanos() {
        return producerWaitNanos;
    }

    /**
     * Time the consumer spent idle on an empty queue.
     *
     * @return nanoseconds the consumer spent waiting for data in blocking calls
     */
    public long consumerWaitNanos() {
        return consumerWaitNanos;
    }

    @Override
    public String toString() {
        return "QueueStats[capacity=" + capacity + ", inUse=" + bytesInUse + ", highWater=" + highWaterMark
                + ", committed=" + bytesCommitted + " B/" + framesCommitted + " frames, released=" + bytesReleased
                + " B/" + framesReleased + " frames, refused=" + grantsRefused + ", dropped=" + framesDropped
                + " frames/" + bytesDropped + " B, producerWait=" + producerWaitNanos / 1_000_000 + " ms, consumerWait="
                + consumerWaitNanos / 1_000_000 + " ms]";
    }
}
