package dev.bbq.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bbq.BBQueue;
import dev.bbq.QueueStats;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class StatsSourceTest {

    @Test
    void aSourceReadsEveryStatisticFromOneSnapshotInOrder() {
        AtomicInteger snapshots = new AtomicInteger();
        StatsSource<long[]> source = StatsSource.builder("spi.pump", () -> {
            snapshots.incrementAndGet();
            return new long[] {3, 4};
        }).counter("transfers", s -> s[0]).gauge("backlog", s -> s[1]).build();
        Map<String, Long> values = source.read();
        assertEquals(1, snapshots.get(), "one snapshot for all statistics");
        assertEquals(Arrays.asList("transfers", "backlog"), Arrays.asList(values.keySet().toArray()));
        assertEquals(3L, values.get("transfers"));
        assertEquals(4L, source.read("backlog"));
        assertTrue(source.isCounter("transfers"));
        assertFalse(source.isCounter("backlog"));
        assertEquals("spi.pump", source.type());
        assertThrows(IllegalArgumentException.class, () -> source.read("nope"));
    }

    @Test
    void namesAndTypesAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> StatsSource.builder("Serial Pump", () -> 1));
        assertThrows(IllegalArgumentException.class, () -> StatsSource.builder("serial..pump", () -> 1));
        StatsSource.Builder<Integer> builder = StatsSource.builder("pump", () -> 1);
        assertThrows(IllegalArgumentException.class, () -> builder.counter("Transfers", i -> i));
        assertThrows(IllegalArgumentException.class, () -> builder.counter("bytes.read", i -> i));
        assertThrows(IllegalStateException.class, builder::build, "a source needs a statistic");
        builder.counter("transfers", i -> i);
        assertThrows(IllegalArgumentException.class, () -> builder.gauge("transfers", i -> i));
    }

    @Test
    void unitsFollowTheNames() {
        StatsSource<Integer> source = StatsSource.builder("pump", () -> 1).counter("bytesRead", i -> i)
                .counter("payloadBytes", i -> i).counter("waitNanos", i -> i).counter("frames", i -> i).build();
        assertEquals(StatsSource.BYTES, source.unit("bytesRead"));
        assertEquals(StatsSource.BYTES, source.unit("payloadBytes"));
        assertEquals(StatsSource.NANOSECONDS, source.unit("waitNanos"));
        assertEquals(null, source.unit("frames"));
    }

    @Test
    void theQueueSourceNamesQueueStatsCounters() {
        BBQueue queue = BBQueue.allocate(512);
        queue.frameProducer().tryWrite(new byte[12], 0, 12);
        StatsSource<QueueStats> source = StatsSource.queue(queue::stats);
        Map<String, Long> values = source.read();
        assertEquals(12, values.size());
        assertEquals(512L, values.get("capacity"));
        assertEquals(1L, values.get("framesCommitted"));
        assertEquals(queue.stats().bytesInUse(), values.get("bytesInUse"));
        assertFalse(source.isCounter("highWaterMark"));
        assertEquals(StatsSource.BYTES, source.unit("highWaterMark"));
    }

    @Test
    void wordsSplitCamelCase() {
        assertEquals("bytes.in.use", Meters.words("bytesInUse"));
        assertEquals("crc.errors", Meters.words("crcErrors"));
        assertEquals("transfers", Meters.words("transfers"));
    }
}
