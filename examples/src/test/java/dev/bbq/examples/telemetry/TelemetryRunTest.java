package dev.bbq.examples.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bbq.examples.Cli;
import dev.bbq.examples.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Short runs of the whole telemetry pipeline with the in-process device: the summary must account
 * for every frame, and the log, its rotation, the chart and summary.txt must be there. The rate is
 * low and the framed queue large, so that even a loaded build machine drops nothing.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TelemetryRunTest {
    private static final Pattern EXACT = Pattern.compile(
            "RESULT: OK\\. ([\\d,]+) frames sent, ([\\d,]+) delivered intact and in order(.*); 0 lost, 0 duplicated, "
                    + "0 corrupted\\.");

    @TempDir
    Path dir;

    private static long number(String s) {
        return Long.parseLong(s.replace(",", ""));
    }

    @Test
    void aCleanRunDeliversEveryFrameAndSaysSo() throws IOException {
        Run run = Run.of("telemetry", "--duration", "1500ms", "--rate", "2000", "--framed-queue", "1MiB",
                "--out", dir.toString(), "--log-keep", "100");
        assertEquals(Cli.OK, run.status, run.toString());
        Matcher m = EXACT.matcher(run.out);
        assertTrue(m.find(), run.out);
        long sent = number(m.group(1));
        assertTrue(sent > 0, run.out);
        assertEquals(sent, number(m.group(2)), "every frame delivered\n" + run.out);
        assertFalse(m.group(3).contains("dropped"), "nothing dropped\n" + run.out);
        assertTrue(run.out.contains("deframer: "), run.out);
        assertTrue(run.out.contains(" 0 CRC errors, 0 malformed, 0 oversize, 0 dropped"), run.out);
        assertTrue(run.out.contains("frames/s") && run.out.contains("latency p50"), "status lines\n" + run.out);
        for (int sensor = 0; sensor < 8; sensor++) {
            String kind = SensorKind.of(sensor).label();
            assertTrue(run.out.matches("(?s).*\\n\\s+" + sensor + " " + kind + " .*"), kind + " row\n" + run.out);
        }

        long logged;
        try (Stream<Path> files = Files.list(dir)) {
            logged = files.filter(p -> p.getFileName().toString().endsWith(".jsonl")).mapToLong(TelemetryRunTest::lines)
                    .sum();
        }
        assertEquals(sent, logged, "one log line per record");
        String first = Files.readAllLines(dir.resolve("telemetry.jsonl")).get(0);
        assertTrue(first.matches("\\{\"arrival_epoch_us\":\\d+,\"sensor\":\\d+,\"kind\":\"[a-z-]+\",\"seq\":\\d+,"
                + "\"device_time_ns\":-?\\d+,\"latency_us\":\\d+\\.\\d,\"unit\":\"[^\"]+\",\"readings\":\\[[-0-9.,E]+\\]}"),
                first);
        BufferedImage chart = ImageIO.read(dir.resolve("telemetry.png").toFile());
        assertTrue(chart.getWidth() >= 800 && chart.getHeight() >= 600, "a two-panel chart");
        assertEquals(run.out.substring(run.out.indexOf("\nSummary: ") + 1, run.out.indexOf("log: ")),
                Files.readString(dir.resolve("summary.txt")).substring(1), "summary.txt holds the summary");
    }

    @Test
    void injectedNoiseIsAllDetectedAndNothingElseIsLost() throws IOException {
        Run run = Run.of("telemetry", "--duration", "1500ms", "--rate", "2000", "--noise", "0.05", "--check", "crc32c",
                "--readings", "1-30", "--framed-queue", "1MiB", "--out", dir.toString(), "--log-format", "csv",
                "--no-chart");
        assertEquals(Cli.OK, run.status, run.toString());
        Matcher m = EXACT.matcher(run.out);
        assertTrue(m.find(), run.out);
        Matcher noise = Pattern.compile("; ([\\d,]+) destroyed by injected noise, all detected").matcher(m.group(3));
        assertTrue(noise.find(), run.out);
        long destroyed = number(noise.group(1));
        assertTrue(destroyed > 0, "5% of some 3000 frames\n" + run.out);
        assertEquals(number(m.group(1)), number(m.group(2)) + destroyed, "sent = delivered + destroyed\n" + run.out);
        assertTrue(run.out.contains("crc "), run.out);
        assertEquals("arrival_epoch_us,sensor,kind,seq,device_time_ns,latency_us,readings",
                Files.readAllLines(dir.resolve("telemetry.csv")).get(0));
        assertFalse(Files.exists(dir.resolve("telemetry.png")), "--no-chart");
    }

    @Test
    void theLogRotatesBySizeAndKeepsTheNewestFiles() throws IOException {
        Run run = Run.of("telemetry", "--duration", "1s", "--rate", "2000", "--framed-queue", "1MiB",
                "--out", dir.toString(), "--log-max-size", "8KiB", "--log-keep", "2", "--no-chart", "--quiet");
        assertEquals(Cli.OK, run.status, run.toString());
        assertTrue(run.out.contains("telemetry.jsonl + 2 rotated files"), run.out);
        for (String name : List.of("telemetry.jsonl", "telemetry.1.jsonl", "telemetry.2.jsonl")) {
            Path p = dir.resolve(name);
            assertTrue(Files.exists(p), name);
            assertTrue(Files.size(p) <= 8 * 1024, name + " within the limit");
        }
        assertFalse(Files.exists(dir.resolve("telemetry.3.jsonl")), "older files deleted");
        assertFalse(run.out.contains("frames/s |"), "--quiet: no status line\n" + run.out);
        long newest = firstSeq(dir.resolve("telemetry.jsonl"));
        assertTrue(newest > firstSeq(dir.resolve("telemetry.1.jsonl")), "telemetry.1 is older");
        assertTrue(firstSeq(dir.resolve("telemetry.1.jsonl")) > firstSeq(dir.resolve("telemetry.2.jsonl")));
    }

    @Test
    void jfrRecordsTheQueuesAndTheDeframerAndJmxIsWithdrawnAtTheEnd() throws Exception {
        Path jfr = dir.resolve("run.jfr");
        Run run = Run.of("telemetry", "--duration", "1500ms", "--rate", "2000", "--framed-queue", "1MiB",
                "--out", dir.toString(), "--no-chart", "--quiet", "--jmx", "jfr-test", "--jfr", jfr.toString());
        assertEquals(Cli.OK, run.status, run.toString());
        assertTrue(run.out.contains("recording to " + jfr), run.out);
        Matcher m = EXACT.matcher(run.out);
        assertTrue(m.find(), run.out);
        long sent = number(m.group(1));

        java.util.Map<String, jdk.jfr.consumer.RecordedEvent> lastSample = new java.util.HashMap<>();
        java.util.Map<String, Long> deframer = new java.util.HashMap<>();
        for (jdk.jfr.consumer.RecordedEvent event : jdk.jfr.consumer.RecordingFile.readAllEvents(jfr)) {
            String type = event.getEventType().getName();
            if (type.equals("dev.bbq.QueueSample")) {
                // The file's order is the order buffers were flushed, not sampling order: the latest
                // sample is the one with the most commits, since the counters only grow.
                lastSample.merge(event.getString("queue"), event,
                        (a, b) -> a.getLong("bytesCommitted") >= b.getLong("bytesCommitted") ? a : b);
            } else if (type.equals("dev.bbq.StatsSample")) {
                assertEquals("deframer", event.getString("source"));
                deframer.merge(event.getString("stat"), event.getLong("value"), Math::max);
            }
        }
        assertEquals(java.util.Set.of("raw", "framed"), lastSample.keySet(), "a sample of each queue");
        jdk.jfr.consumer.RecordedEvent framed = lastSample.get("framed");
        assertEquals(1 << 20, framed.getLong("capacity"));
        assertTrue(framed.getLong("framesCommitted") > 0 && framed.getLong("framesCommitted") <= sent,
                framed.toString());
        assertTrue(lastSample.get("raw").getLong("bytesCommitted") > 0, lastSample.get("raw").toString());
        assertTrue(deframer.get("framesDelivered") > 0 && deframer.get("framesDelivered") <= sent, deframer.toString());
        assertEquals(0L, deframer.get("crcErrors"));

        javax.management.MBeanServer server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        assertTrue(server.queryNames(new javax.management.ObjectName("dev.bbq:*"), null).isEmpty(),
                "the MBeans are unregistered when the run ends");
    }

    private static long firstSeq(Path log) throws IOException {
        Matcher m = Pattern.compile("\"arrival_epoch_us\":(\\d+)").matcher(Files.readAllLines(log).get(0));
        assertTrue(m.find());
        return Long.parseLong(m.group(1));
    }

    private static long lines(Path p) {
        try (Stream<String> s = Files.lines(p)) {
            return s.count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
