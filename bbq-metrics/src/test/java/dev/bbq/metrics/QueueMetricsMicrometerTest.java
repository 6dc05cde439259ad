package dev.bbq.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bbq.BBQueue;
import dev.bbq.QueueStats;
import dev.bbq.wire.Deframer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.search.MeterNotFoundException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.util.TreeSet;

import org.junit.jupiter.api.Test;

@SuppressWarnings("try") // a registration's scope is its try block; the body reads what it published
class QueueMetricsMicrometerTest {

    @Test
    void queueGaugesAndCountersReadBack() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Fixtures.Busy busy = Fixtures.busyQueue();
        BBQueue queue = busy.queue;
        try (Registration registration = QueueMetrics.bindTo(registry, "busy", queue, Tags.of("board", "pi4"))) {
            QueueStats stats = queue.stats();
            assertEquals(1024, gauge(registry, "bbq.queue.capacity").value());
            assertEquals(stats.bytesInUse(), gauge(registry, "bbq.queue.bytes.in.use").value());
            assertEquals(stats.fill(), gauge(registry, "bbq.queue.fill").value(), 1e-12);
            assertEquals(stats.highWaterMark(), gauge(registry, "bbq.queue.high.water.mark").value());
            assertEquals(stats.bytesCommitted(), counter(registry, "bbq.queue.bytes.committed").count());
            assertEquals(stats.framesCommitted(), counter(registry, "bbq.queue.frames.committed").count());
            assertEquals(stats.bytesReleased(), counter(registry, "bbq.queue.bytes.released").count());
            assertEquals(2, counter(registry, "bbq.queue.frames.released").count());
            assertEquals(stats.grantsRefused(), counter(registry, "bbq.queue.grants.refused").count());
            assertEquals(1, counter(registry, "bbq.queue.frames.dropped").count());
            assertEquals(100, counter(registry, "bbq.queue.bytes.dropped").count());
            assertEquals(stats.producerWaitNanos() / 1e9, counter(registry, "bbq.queue.producer.wait").count(), 1e-12);
            assertEquals(stats.consumerWaitNanos() / 1e9, counter(registry, "bbq.queue.consumer.wait").count(), 1e-12);

            assertEquals("bytes", gauge(registry, "bbq.queue.high.water.mark").getId().getBaseUnit());
            assertEquals("bytes", counter(registry, "bbq.queue.bytes.committed").getId().getBaseUnit());
            assertEquals("seconds", counter(registry, "bbq.queue.producer.wait").getId().getBaseUnit());
            assertEquals(null, counter(registry, "bbq.queue.frames.dropped").getId().getBaseUnit());
            assertEquals(13, registry.getMeters().size());
            for (Meter meter : registry.getMeters()) {
                assertEquals("busy", meter.getId().getTag("name"), meter.getId().toString());
                assertEquals("pi4", meter.getId().getTag("board"), meter.getId().toString());
            }

            busy.consumer.tryRead().release();
            assertEquals(3, counter(registry, "bbq.queue.frames.released").count(), "meters read live values");
        }
        assertTrue(registry.getMeters().isEmpty(), "close() removes the meters");
    }

    @Test
    void twoQueuesAreToldApartByTheNameTag() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Registration a = QueueMetrics.bindTo(registry, "a", BBQueue.allocate(256), Tags.empty());
             Registration b = QueueMetrics.bindTo(registry, "b", BBQueue.allocate(512), Tags.empty())) {
            assertEquals(256, registry.get("bbq.queue.capacity").tag("name", "a").gauge().value());
            assertEquals(512, registry.get("bbq.queue.capacity").tag("name", "b").gauge().value());
        }
        assertThrows(MeterNotFoundException.class, () -> registry.get("bbq.queue.capacity").gauge());
    }

    @Test
    void deframerCountersReadBack() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Deframer deframer = Fixtures.busyDeframer();
        try (Registration registration = QueueMetrics.bindTo(registry, "uart0", StatsSource.deframer(deframer),
                Tags.of("port", "ttyAMA0"))) {
            TreeSet<String> names = new TreeSet<>();
            registry.getMeters().forEach(m -> names.add(m.getId().getName()));
            assertEquals(new TreeSet<>(java.util.Arrays.asList("bbq.deframer.bytes.read",
                    "bbq.deframer.frames.delivered", "bbq.deframer.bytes.delivered", "bbq.deframer.frames.dropped",
                    "bbq.deframer.crc.errors", "bbq.deframer.oversize.frames", "bbq.deframer.malformed.frames",
                    "bbq.deframer.bytes.discarded")), names);
            assertEquals(2, registry.get("bbq.deframer.frames.delivered").tag("name", "uart0").tag("port", "ttyAMA0")
                    .functionCounter().count());
            assertEquals(1, registry.get("bbq.deframer.crc.errors").functionCounter().count());
            assertEquals(1, registry.get("bbq.deframer.malformed.frames").functionCounter().count());
            assertEquals(deframer.stats().bytesRead(), registry.get("bbq.deframer.bytes.read").functionCounter().count());
            assertEquals("bytes", registry.get("bbq.deframer.bytes.read").functionCounter().getId().getBaseUnit());
        }
        assertTrue(registry.getMeters().isEmpty());
    }

    @Test
    void aSourceMadeOnTheFlyKeepsReportingAfterCollection() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        long[] transfers = {5};
        // Nothing but the registration holds the source: Micrometer holds a function counter's state weakly.
        Registration registration = QueueMetrics.bindTo(registry, "pump",
                StatsSource.builder("spi.pump", () -> transfers[0]).counter("transfers", t -> t).build(), Tags.empty());
        try {
            for (int i = 0; i < 3; i++) {
                System.gc();
                Thread.sleep(10);
            }
            assertEquals(5, registry.get("bbq.spi.pump.transfers").functionCounter().count());
        } finally {
            registration.close();
        }
    }

    private static Gauge gauge(SimpleMeterRegistry registry, String name) {
        return registry.get(name).tag("name", "busy").gauge();
    }

    private static FunctionCounter counter(SimpleMeterRegistry registry, String name) {
        return registry.get(name).tag("name", "busy").functionCounter();
    }
}
