package dev.bbq.bench;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The wake-up harness: every wake-up is one signal and one return, recorded once; failures are loud. Not timing. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class WakeTest {
    private static final List<String> ALL = List.of("blocking", "backoff", "monitor", "blocking-yield",
            "backoff-yield", "park", "blocking-untimed", "spin1000", "backoff:8:0:1000:5000000");

    @Test
    void everyVariantOnEitherSideIsWokenOncePerSignalAndRecordsAllButTheFirst() throws Exception {
        for (Wake.Side side : Wake.Side.values()) {
            for (String variant : ALL) {
                Wake.Pair pair = Wake.pair(variant, side);
                for (long interval : new long[] {0, 20_000, 200_000}) {
                    Histogram h = new Histogram(1, Wake.LONGEST, 3);
                    Wake.batch(pair, 30, interval, h);
                    assertEquals(30, pair.done, side + " " + variant);
                    assertEquals(30 - Wake.SKIP, h.getTotalCount(), side + " " + variant);
                }
                // the same pair again (the rounds reuse their queues): it goes on where it stopped,
                // also with a waker that sleeps while the blocked side finishes
                Wake.batch(pair, 10, 0, null);
                assertEquals(10, pair.done);
                Wake.batch(pair, 10, 0, null, false);
                assertEquals(10, pair.done);
            }
        }
    }

    @Test
    void aBlockedSideThatFailsFailsTheBatch() {
        Wake.Pair broken = new Wake.Pair("broken") {
            @Override
            void block() {
                throw new IllegalStateException("no data within 10 s");
            }

            @Override
            void after() {
            }

            @Override
            void signal() {
            }
        };
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Wake.batch(broken, 5, 0, null));
        assertTrue(e.getMessage().contains("broken failed"), e.getMessage());
    }

    @Test
    void roundsRotateTheOrderSoEachVariantRunsInEachPlace() {
        List<String> v = List.of("a", "b", "c");
        assertEquals(List.of("a", "b", "c"), Wake.order(v, 0));
        assertEquals(List.of("b", "c", "a"), Wake.order(v, 1));
        assertEquals(List.of("c", "a", "b"), Wake.order(v, 2));
        assertEquals(List.of("a", "b", "c"), Wake.order(v, 3));
        // per batch: the share of the total plus the unrecorded first wake-ups
        assertEquals(200 + Wake.SKIP, Wake.perBatch(1000, 5));
        assertEquals(Wake.SKIP + 1, Wake.perBatch(0, 5));
        assertEquals(Wake.DEFAULT_COUNTS[0], Wake.defaultCount(10));
        assertEquals(Wake.DEFAULT_COUNTS[2], Wake.defaultCount(2000));
        assertEquals(Wake.DEFAULT_COUNTS[2] / 2, Wake.defaultCount(4000));
    }

    @Test
    void ratiosAreAgainstTheMonitorAtTheSamePercentile() {
        Wake.Result r = new Wake.Result(Wake.Side.READER, 2_000_000);
        Histogram monitor = new Histogram(1, Wake.LONGEST, 3);
        Histogram bbq = new Histogram(1, Wake.LONGEST, 3);
        for (int i = 1; i <= 100; i++) {
            monitor.recordValue(1000 * i);
            bbq.recordValue(500 * i);
        }
        r.byVariant.put("blocking", bbq);
        r.byVariant.put("monitor", monitor);
        assertEquals(0.5, r.ratio("blocking", 50), 0.01);
        assertEquals(0.5, r.ratio("blocking", 99), 0.01);
        assertEquals(1.0, r.ratio("monitor", 50), 1e-9);
        assertTrue(Double.isNaN(r.ratio("backoff", 50)));
        // by round: the median of the per-round ratios (2, 0.5, 1 -> 1), not the ratio of pooled medians
        r.roundMedians.put("monitor", List.of(10L, 40L, 20L));
        r.roundMedians.put("blocking", List.of(20L, 20L, 20L));
        assertEquals(1.0, r.roundRatio("blocking"), 1e-9);
        assertTrue(Double.isNaN(r.roundRatio("backoff")));
    }

    @Test
    void idleCpuIsAShareOfOneCoreAndTheSideIsWokenAfterwards() throws Exception {
        for (Wake.Side side : Wake.Side.values()) {
            Wake.Pair pair = Wake.pair("blocking", side);
            double share = Wake.idleCpu(pair, 10, 50);
            assertTrue(Double.isNaN(share) || (share >= 0 && share <= 1.5), side + ": " + share);
            assertEquals(1, pair.done);
        }
    }

    @Test
    void aShortRunWritesATableACsvAndCharts(@TempDir Path dir) throws Exception {
        PrintStream saved = System.out;
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        System.setOut(new PrintStream(console, true, "UTF-8"));
        try {
            Wake.main(new String[] {"--intervals-us", "10,200", "--scale", "0.002", "--rounds", "2",
                "--variants", "blocking,backoff", "--idle-ms", "20", "--out", dir.toString()});
        } finally {
            System.setOut(saved);
        }
        String text = console.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("p50/mon"), text);
        List<String> csv = Files.readAllLines(dir.resolve("wake.csv"));
        assertEquals(1 + 2 * 2 * 3, csv.size(), String.join("\n", csv)); // sides x intervals x variants (+ monitor)
        assertTrue(csv.get(1).startsWith("reader,10,blocking,"), csv.get(1));
        assertTrue(csv.stream().anyMatch(l -> l.startsWith("writer,200,monitor,") && l.contains(",1.000,1.000,1.000,1.000,")),
                String.join("\n", csv));
        assertTrue(Files.size(dir.resolve("wake-reader.png")) > 0);
        assertTrue(Files.size(dir.resolve("wake-writer.png")) > 0);
    }
}
