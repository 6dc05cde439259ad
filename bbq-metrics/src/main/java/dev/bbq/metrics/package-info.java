/**
 * Monitoring for bbq queues: {@link dev.bbq.metrics.QueueMetrics} publishes a queue's
 * {@link dev.bbq.QueueStats} as a JMX MXBean ({@link dev.bbq.metrics.QueueStatsMXBean}), as
 * Micrometer meters and as a periodic JDK Flight Recorder event, {@code dev.bbq.QueueSample}. Other
 * counters, a {@link dev.bbq.wire.Deframer}'s or a pump's, are described by a
 * {@link dev.bbq.metrics.StatsSource} and published the same three ways. Every publication returns a
 * {@link dev.bbq.metrics.Registration} that withdraws it.
 *
 * <p>Reading statistics never slows the queue: {@link dev.bbq.BBQueue#stats()} is a handful of
 * opaque loads of counters that each side keeps for itself, safe from any thread. Nothing is read
 * until a JMX client asks, a meter registry polls or a flight recording samples.
 *
 * <pre>{@code
 * BBQueue queue = BBQueue.allocate(64 * 1024);
 * try (Registration jmx = QueueMetrics.registerMBean("dev.bbq:type=Queue,name=telemetry", queue);
 *      Registration jfr = QueueMetrics.recordJfr("telemetry", queue);
 *      Registration meters = QueueMetrics.bindTo(registry, "telemetry", queue, Tags.empty())) {
 *     ... // run the pipeline
 * }
 * }</pre>
 */
package dev.bbq.metrics;
