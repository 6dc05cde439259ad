package dev.bbq.metrics;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Percentage;
import jdk.jfr.Period;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * A periodic sample of one queue's statistics, emitted by the flight recorder's periodic thread for
 * each queue given to {@link QueueMetrics#recordJfr(String, dev.bbq.BBQueue)}, only while a
 * recording has this event enabled. Its fields are those of {@link dev.bbq.QueueStats}.
 */
@Name(QueueSample.NAME)
@Label("Queue Sample")
@Category({"bbq", "Queues"})
@Description("Fill, high-water mark, drops, refusals and waits of a bbq queue")
@Period("1 s")
@StackTrace(false)
final class QueueSample extends Event {
    static final String NAME = "dev.bbq.QueueSample";

    @Label("Queue")
    @Description("The name the queue was registered under")
    String queue;

    @Label("Capacity")
    @DataAmount
    long capacity;

    @Label("Bytes In Use")
    @DataAmount
    long bytesInUse;

    @Label("Fill")
    @Percentage
    double fill;

    @Label("High-Water Mark")
    @DataAmount
    long highWaterMark;

    @Label("Bytes Committed")
    @DataAmount
    long bytesCommitted;

    @Label("Frames Committed")
    long framesCommitted;

    @Label("Bytes Released")
    @DataAmount
    long bytesReleased;

    @Label("Frames Released")
    long framesReleased;

    @Label("Grants Refused")
    @Description("Grant calls that found no room")
    long grantsRefused;

    @Label("Frames Dropped")
    long framesDropped;

    @Label("Bytes Dropped")
    @DataAmount
    long bytesDropped;

    @Label("Producer Wait")
    @Description("Total time the producer waited for room")
    @Timespan(Timespan.NANOSECONDS)
    long producerWait;

    @Label("Consumer Wait")
    @Description("Total time the consumer waited for data")
    @Timespan(Timespan.NANOSECONDS)
    long consumerWait;
}
