package dev.bbq.metrics;

import dev.bbq.BBQueue;
import dev.bbq.QueueStats;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.StandardMBean;

import jdk.jfr.FlightRecorder;

/**
 * Publishes a queue's statistics, or a {@link StatsSource}'s, three ways: as a JMX MBean on the
 * platform MBean server ({@code jconsole}, JDK Mission Control), as Micrometer meters, and as a
 * periodic JDK Flight Recorder event. Each method returns a {@link Registration} whose
 * {@link Registration#close()} withdraws what it published.
 *
 * <pre>{@code
 * Registration jmx = QueueMetrics.registerMBean("dev.bbq:type=Queue,name=telemetry", queue);
 * Registration jfr = QueueMetrics.recordJfr("telemetry", queue);
 * Registration meters = QueueMetrics.bindTo(registry, "telemetry", queue, Tags.of("board", "pi4"));
 * }</pre>
 *
 * <p>Nothing here touches the queue's hot path: statistics are read only when a JMX client asks, a
 * registry polls, or a flight recording with the event enabled takes a sample, and a read is a
 * {@link BBQueue#stats()} snapshot (opaque loads, safe from any thread).
 *
 * <p>Micrometer ({@code io.micrometer:micrometer-core}) is an optional dependency: only the
 * {@code bindTo} methods need it on the class path.
 */
public final class QueueMetrics {

    private QueueMetrics() {
    }

    // ---- JMX ----------------------------------------------------------------------------------

    /**
     * Registers a queue's statistics on the platform MBean server as a {@link QueueStatsMXBean}.
     *
     * @param objectName the MBean's name, such as {@code dev.bbq:type=Queue,name=telemetry}
     * @param queue the queue
     * @return a registration whose {@code close()} unregisters the MBean
     * @throws IllegalArgumentException if the name is not a valid {@link ObjectName} or is a pattern
     * @throws IllegalStateException if an MBean is already registered under that name
     */
    public static Registration registerMBean(String objectName, BBQueue queue) {
        Objects.requireNonNull(queue, "queue");
        return registerMBean(objectName, (Supplier<QueueStats>) queue::stats);
    }

    /**
     * Registers a queue's statistics on the platform MBean server as a {@link QueueStatsMXBean}, read
     * from any snapshot supplier, such as a {@code QueueFileStatus}'s.
     *
     * @param objectName the MBean's name, such as {@code dev.bbq:type=Queue,name=telemetry}
     * @param stats takes a snapshot of the queue's statistics (safe from any thread)
     * @return a registration whose {@code close()} unregisters the MBean
     * @throws IllegalArgumentException if the name is not a valid {@link ObjectName} or is a pattern
     * @throws IllegalStateException if an MBean is already registered under that name
     */
    public static Registration registerMBean(String objectName, Supplier<QueueStats> stats) {
        Objects.requireNonNull(stats, "stats");
        return register(objectName, new StandardMBean(new QueueStatsBean(stats), QueueStatsMXBean.class, true));
    }

    /**
     * Registers a source's statistics on the platform MBean server: one read-only {@code long}
     * attribute per statistic, named as in the source. Reading several attributes at once reads them
     * from one snapshot.
     *
     * @param objectName the MBean's name, such as {@code dev.bbq:type=Deframer,name=uart0}
     * @param source the statistics
     * @return a registration whose {@code close()} unregisters the MBean
     * @throws IllegalArgumentException if the name is not a valid {@link ObjectName} or is a pattern
     * @throws IllegalStateException if an MBean is already registered under that name
     */
    public static Registration registerMBean(String objectName, StatsSource<?> source) {
        Objects.requireNonNull(source, "source");
        return register(objectName, new StatsSourceBean(source));
    }

    private static Registration register(String objectName, Object mbean) {
        Objects.requireNonNull(objectName, "objectName");
        ObjectName name;
        try {
            name = new ObjectName(objectName);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException("not a JMX object name: " + objectName, e);
        }
        if (name.isPattern()) {
            throw new IllegalArgumentException("a pattern, not a name: " + objectName);
        }
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            server.registerMBean(mbean, name);
        } catch (InstanceAlreadyExistsException e) {
            throw new IllegalStateException("an MBean is already registered as " + objectName, e);
        } catch (JMException e) {
            throw new IllegalStateException("could not register " + objectName + ": " + e, e);
        }
        return new Registration() {
            private boolean closed;

            @Override
            public synchronized void close() {
                if (closed) {
                    return;
                }
                closed = true;
                try {
                    server.unregisterMBean(name);
                } catch (InstanceNotFoundException e) {
                    // Already gone (someone else unregistered it): nothing to withdraw.
                } catch (JMException e) {
                    throw new IllegalStateException("could not unregister " + name + ": " + e, e);
                }
            }

            @Override
            public String toString() {
                return "MBean " + name;
            }
        };
    }

    // ---- Micrometer ---------------------------------------------------------------------------

    /**
     * Binds a queue's statistics to a Micrometer registry. The meters are named {@code bbq.queue.}
     * and the statistic's words, and tagged {@code name=}<i>name</i> plus the given tags: gauges
     * {@code bbq.queue.capacity}, {@code bbq.queue.bytes.in.use}, {@code bbq.queue.high.water.mark}
     * (bytes) and {@code bbq.queue.fill} (ratio); function counters {@code bbq.queue.bytes.committed},
     * {@code bbq.queue.frames.committed}, {@code bbq.queue.bytes.released},
     * {@code bbq.queue.frames.released}, {@code bbq.queue.grants.refused},
     * {@code bbq.queue.frames.dropped}, {@code bbq.queue.bytes.dropped}, and
     * {@code bbq.queue.producer.wait} and {@code bbq.queue.consumer.wait} (seconds).
     *
     * @param registry the registry
     * @param name the queue's name, the value of the {@code name} tag
     * @param queue the queue
     * @param tags more tags for every meter (such as {@code Tags.of("board", "pi4")}), or
     *        {@code Tags.empty()}
     * @return a registration whose {@code close()} removes the meters from the registry
     */
    public static Registration bindTo(MeterRegistry registry, String name, BBQueue queue, Iterable<Tag> tags) {
        Objects.requireNonNull(queue, "queue");
        return bindTo(registry, name, (Supplier<QueueStats>) queue::stats, tags);
    }

    /**
     * Binds a queue's statistics, read from any snapshot supplier, to a Micrometer registry; the
     * meters are those of {@link #bindTo(MeterRegistry, String, BBQueue, Iterable)}.
     *
     * @param registry the registry
     * @param name the queue's name, the value of the {@code name} tag
     * @param stats takes a snapshot of the queue's statistics (safe from any thread)
     * @param tags more tags for every meter, or {@code Tags.empty()}
     * @return a registration whose {@code close()} removes the meters from the registry
     */
    public static Registration bindTo(MeterRegistry registry, String name, Supplier<QueueStats> stats,
                                      Iterable<Tag> tags) {
        Objects.requireNonNull(stats, "stats");
        return Meters.bind(registry, name, StatsSource.queue(stats), tags, QueueMetrics::fill);
    }

    /**
     * Binds a source's statistics to a Micrometer registry: a function counter for each counter and a
     * gauge for each gauge, named {@code bbq.}, the source's type and the statistic's words
     * ({@code crcErrors} of a {@code deframer} is {@code bbq.deframer.crc.errors}), tagged
     * {@code name=}<i>name</i> plus the given tags. Statistics in nanoseconds are published in
     * seconds, without the {@code Nanos} in their name.
     *
     * @param registry the registry
     * @param name the component's name, the value of the {@code name} tag
     * @param source the statistics
     * @param tags more tags for every meter, or {@code Tags.empty()}
     * @return a registration whose {@code close()} removes the meters from the registry
     */
    public static Registration bindTo(MeterRegistry registry, String name, StatsSource<?> source,
                                      Iterable<Tag> tags) {
        return Meters.bind(registry, name, source, tags, null);
    }

    private static double fill(StatsSource<?> queue) {
        Map<String, Long> now = queue.read();
        return (double) now.get("bytesInUse") / now.get("capacity");
    }

    // ---- JDK Flight Recorder ------------------------------------------------------------------

    /**
     * Samples a queue's statistics into flight recordings: while a recording has the event
     * {@code dev.bbq.QueueSample} enabled, the recorder's periodic thread emits one per period
     * (1 s unless the recording's settings say otherwise). The event's fields are {@code queue} (the
     * name), {@code capacity}, {@code bytesInUse}, {@code fill}, {@code highWaterMark},
     * {@code bytesCommitted}, {@code framesCommitted}, {@code bytesReleased}, {@code framesReleased},
     * {@code grantsRefused}, {@code framesDropped}, {@code bytesDropped}, {@code producerWait} and
     * {@code consumerWait}. With no recording, or the event disabled, the statistics are never read.
     *
     * <pre>{@code
     * java -XX:StartFlightRecording=filename=run.jfr ...
     * jfr print --events dev.bbq.QueueSample run.jfr
     * }</pre>
     *
     * @param name the queue's name, the event's {@code queue} field
     * @param queue the queue
     * @return a registration whose {@code close()} stops the sampling
     */
    public static Registration recordJfr(String name, BBQueue queue) {
        Objects.requireNonNull(queue, "queue");
        return recordJfr(name, (Supplier<QueueStats>) queue::stats);
    }

    /**
     * Samples a queue's statistics, read from any snapshot supplier, into flight recordings as
     * {@link #recordJfr(String, BBQueue)} does.
     *
     * @param name the queue's name, the event's {@code queue} field
     * @param stats takes a snapshot of the queue's statistics (safe from any thread)
     * @return a registration whose {@code close()} stops the sampling
     */
    public static Registration recordJfr(String name, Supplier<QueueStats> stats) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(stats, "stats");
        Runnable hook = () -> {
            QueueSample event = new QueueSample();
            if (!event.shouldCommit()) {
                return;
            }
            QueueStats now = stats.get();
            event.queue = name;
            event.capacity = now.capacity();
            event.bytesInUse = now.bytesInUse();
            event.fill = now.fill();
            event.highWaterMark = now.highWaterMark();
            event.bytesCommitted = now.bytesCommitted();
            event.framesCommitted = now.framesCommitted();
            event.bytesReleased = now.bytesReleased();
            event.framesReleased = now.framesReleased();
            event.grantsRefused = now.grantsRefused();
            event.framesDropped = now.framesDropped();
            event.bytesDropped = now.bytesDropped();
            event.producerWait = now.producerWaitNanos();
            event.consumerWait = now.consumerWaitNanos();
            event.commit();
        };
        return periodic(QueueSample.class, hook, "flight recorder samples of queue " + name);
    }

    /**
     * Samples a source's statistics into flight recordings: while a recording has the event
     * {@code dev.bbq.StatsSample} enabled, the recorder's periodic thread emits, once per period
     * (1 s by default), one event per statistic, read from one snapshot, with the fields
     * {@code source} (the name), {@code type} (the source's type), {@code stat} (the statistic's
     * name) and {@code value}. With no recording, or the event disabled, nothing is read.
     *
     * @param name the component's name, the events' {@code source} field
     * @param source the statistics
     * @return a registration whose {@code close()} stops the sampling
     */
    public static Registration recordJfr(String name, StatsSource<?> source) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        Runnable hook = () -> {
            if (!new StatsSample().shouldCommit()) {
                return;
            }
            for (Map.Entry<String, Long> stat : source.read().entrySet()) {
                StatsSample event = new StatsSample();
                event.source = name;
                event.type = source.type();
                event.stat = stat.getKey();
                event.value = stat.getValue();
                event.commit();
            }
        };
        return periodic(StatsSample.class, hook, "flight recorder samples of " + source.type() + " " + name);
    }

    private static Registration periodic(Class<? extends jdk.jfr.Event> event, Runnable hook, String what) {
        FlightRecorder.addPeriodicEvent(event, hook);
        return new Registration() {
            private boolean closed;

            @Override
            public synchronized void close() {
                if (!closed) {
                    closed = true;
                    FlightRecorder.removePeriodicEvent(hook);
                }
            }

            @Override
            public String toString() {
                return what;
            }
        };
    }
}
