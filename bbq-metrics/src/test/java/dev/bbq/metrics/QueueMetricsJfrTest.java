package dev.bbq.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bbq.BBQueue;
import dev.bbq.FrameProducer;
import dev.bbq.QueueStats;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import jdk.jfr.EventType;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@SuppressWarnings("try") // a registration's scope is its try block; the body reads what it published
class QueueMetricsJfrTest {

    @TempDir
    Path dir;

    @Test
    void queueSamplesAreRecordedWithTheQueuesFields() throws Exception {
        Fixtures.Busy busy = Fixtures.busyQueue();
        BBQueue queue = busy.queue;
        QueueStats atRest = queue.stats();
        List<RecordedEvent> events;
        try (Registration registration = QueueMetrics.recordJfr("busy", queue)) {
            events = record("dev.bbq.QueueSample", () -> {
                // Keep the producer busy while samples are taken; the queue stays full enough to drop.
                FrameProducer producer = busy.producer;
                byte[] payload = new byte[100];
                for (int i = 0; i < 10; i++) {
                    producer.writeOrDrop(payload, 0, payload.length);
                    Thread.sleep(10);
                }
            });
        }
        assertTrue(events.size() >= 2, "samples every 20 ms over about 100 ms: " + events.size());
        RecordedEvent last = events.get(events.size() - 1);
        QueueStats now = queue.stats();
        assertEquals("busy", last.getString("queue"));
        assertEquals(1024, last.getLong("capacity"));
        assertEquals(now.bytesInUse(), last.getLong("bytesInUse"));
        assertEquals(now.fill(), last.getDouble("fill"), 1e-12);
        assertEquals(now.highWaterMark(), last.getLong("highWaterMark"));
        assertEquals(now.bytesCommitted(), last.getLong("bytesCommitted"));
        assertEquals(now.framesCommitted(), last.getLong("framesCommitted"));
        assertEquals(now.bytesReleased(), last.getLong("bytesReleased"));
        assertEquals(now.framesReleased(), last.getLong("framesReleased"));
        assertEquals(now.grantsRefused(), last.getLong("grantsRefused"));
        assertEquals(now.framesDropped(), last.getLong("framesDropped"));
        assertTrue(now.framesDropped() > atRest.framesDropped(), "frames were dropped while recording");
        assertEquals(now.bytesDropped(), last.getLong("bytesDropped"));
        assertEquals(Duration.ofNanos(atRest.producerWaitNanos()), last.getDuration("producerWait"));
        assertEquals(Duration.ofNanos(now.consumerWaitNanos()), last.getDuration("consumerWait"));
        assertTrue(events.get(0).getLong("framesDropped") <= last.getLong("framesDropped"));
        for (RecordedEvent event : events) {
            assertEquals("busy", event.getString("queue"));
        }
    }

    @Test
    void deframerStatisticsAreRecordedOneEventEach() throws Exception {
        List<RecordedEvent> events;
        try (Registration registration = QueueMetrics.recordJfr("uart0", StatsSource.deframer(Fixtures.busyDeframer()))) {
            events = record("dev.bbq.StatsSample", () -> Thread.sleep(100));
        }
        Map<String, Long> last = new HashMap<>();
        for (RecordedEvent event : events) {
            assertEquals("uart0", event.getString("source"));
            assertEquals("deframer", event.getString("type"));
            last.put(event.getString("stat"), event.getLong("value"));
        }
        assertEquals(8, last.size(), last.toString());
        assertEquals(2L, last.get("framesDelivered"));
        assertEquals(1L, last.get("crcErrors"));
        assertEquals(1L, last.get("malformedFrames"));
    }

    @Test
    void nothingIsReadWithoutARecording() throws Exception {
        AtomicInteger reads = new AtomicInteger();
        BBQueue queue = BBQueue.allocate(256);
        try (Registration registration = QueueMetrics.recordJfr("idle", () -> {
            reads.incrementAndGet();
            return queue.stats();
        })) {
            Thread.sleep(100);
            assertEquals(0, reads.get(), "no recording: the hook never reads the statistics");
            events("dev.bbq.QueueSample");
            assertTrue(reads.get() > 0, "a recording with the event enabled reads them");
        }
        int afterClose = reads.get();
        List<RecordedEvent> events = events("dev.bbq.QueueSample");
        assertEquals(afterClose, reads.get(), "close() removes the hook");
        assertFalse(events.stream().anyMatch(e -> "idle".equals(e.getString("queue"))));
    }

    @Test
    void theEventTypeIsDescribed() {
        try (Registration registration = QueueMetrics.recordJfr("described", BBQueue.allocate(256))) {
            EventType type = FlightRecorder.getFlightRecorder().getEventTypes().stream()
                    .filter(t -> t.getName().equals("dev.bbq.QueueSample")).findFirst().orElseThrow();
            assertEquals("Queue Sample", type.getLabel());
            assertEquals(List.of("bbq", "Queues"), type.getCategoryNames());
            assertTrue(type.getField("producerWait") != null && type.getField("highWaterMark") != null);
        }
    }

    private List<RecordedEvent> events(String name) throws Exception {
        return record(name, () -> Thread.sleep(100));
    }

    /** Records {@code name} every 20 ms while {@code work} runs, and reads the events back. */
    private List<RecordedEvent> record(String name, Work work) throws Exception {
        Path file = Files.createTempFile(dir, "queue", ".jfr");
        try (Recording recording = new Recording()) {
            recording.enable(name).withPeriod(Duration.ofMillis(20));
            recording.start();
            work.run();
            // A recording's samples cannot be watched from Java 11 code, so give the periodic hook a
            // generous margin (15 periods) instead of racing it on a loaded machine.
            Thread.sleep(300);
            recording.stop();
            recording.dump(file);
        }
        List<RecordedEvent> events = new ArrayList<>();
        for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
            if (event.getEventType().getName().equals(name)) {
                events.add(event);
            }
        }
        return events;
    }

    @FunctionalInterface
    private interface Work {
        void run() throws Exception;
    }
}
