package dev.bbq.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pipeline harness: every record arrives and is checked, over every candidate; the summary's form. Not timing. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PipelineTest {
    private static final String SUMMARY = "pipeline \\d+/s cpu/frame: bbq \\d+\\.\\d+ us, abq \\d+\\.\\d+ us,"
            + " agrona \\d+\\.\\d+ us; gc cycles: bbq \\d+, abq \\d+, agrona \\d+";

    @Test
    void everyCandidateDeliversEveryRecordIntactAtAFixedRateAndUnpaced() throws Exception {
        for (String candidate : PipelineRig.CANDIDATES) {
            for (long rate : new long[] {20_000, 0}) {
                Pipeline.Result r = Pipeline.run(candidate, rate, 20, 100);
                String where = candidate + " at " + rate;
                assertNull(r.failure(), where);
                assertTrue(r.sent > 0 && r.frames > 0, where);
                assertEquals(r.sent, r.checked, where);
                assertEquals(0, r.errors, where);
                assertEquals(0, r.deframerErrors, where);
                assertTrue(r.latency.getTotalCount() > 0, where + ": latencies recorded in the window");
            }
        }
    }

    @Test
    void theModeRunsEachCandidateInItsOwnJvmAndEndsWithOneSummaryLinePerFixedRate() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            Pipeline.main(new String[] {"--rates", "20000,200000", "--rounds", "1", "--warmup-rounds", "0",
                "--warm-ms", "50", "--window-ms", "200"});
        } finally {
            System.setOut(original);
        }
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().collect(Collectors.toList());
        int n = lines.size();
        assertTrue(lines.get(n - 2).matches(SUMMARY) && lines.get(n - 2).startsWith("pipeline 20000/s "), lines.get(n - 2));
        assertTrue(lines.get(n - 1).matches(SUMMARY) && lines.get(n - 1).startsWith("pipeline 200000/s "), lines.get(n - 1));
        assertEquals(2, lines.stream().filter(l -> l.startsWith("pipeline ") && l.contains("cpu/frame")).count(),
                "one summary line per fixed rate, none for the unpaced runs");
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("highest rate each sustains")), "the unpaced runs are reported");
    }

    @Test
    void theCheckCatchesAChangedReadingAMissingRecordAndAWrongLength() {
        TelemetrySource source = new TelemetrySource();
        byte[] wire = new byte[4 * source.maxWireLength];
        int end = 0;
        for (long seq = 0; seq < 4; seq++) {
            end = source.encode(seq, System.nanoTime(), wire, end);
        }
        List<byte[]> records = new ArrayList<>();
        new PipelineRig.Bbq().deframer.accept(wire, 0, end, frame -> {
            byte[] b = new byte[frame.remaining()];
            frame.get(b);
            records.add(b);
        });
        assertEquals(4, records.size());

        TelemetryCheck intact = new TelemetryCheck();
        records.forEach(r -> intact.check(ByteBuffer.wrap(r), 0, r.length));
        assertEquals(4, intact.checked());
        assertEquals(0, intact.errors());

        TelemetryCheck changed = new TelemetryCheck();
        byte[] first = records.get(0).clone();
        first[TelemetrySource.HEADER] ^= 1;
        changed.check(ByteBuffer.wrap(first), 0, first.length);
        assertEquals(1, changed.errors(), "a changed reading");

        TelemetryCheck gap = new TelemetryCheck();
        gap.check(ByteBuffer.wrap(records.get(0)), 0, records.get(0).length);
        gap.check(ByteBuffer.wrap(records.get(2)), 0, records.get(2).length);
        assertEquals(1, gap.errors(), "a record missing");

        TelemetryCheck cut = new TelemetryCheck();
        cut.check(ByteBuffer.wrap(records.get(0)), 0, records.get(0).length - 4);
        assertEquals(1, cut.errors(), "a wrong length");
    }

    @Test
    void theReportEndsEachFixedRateWithTheSummaryLineTheIssueSpecifies() {
        Map<String, List<Pipeline.Result>> results = new LinkedHashMap<>();
        for (String candidate : PipelineRig.CANDIDATES) {
            List<Pipeline.Result> rounds = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                Pipeline.Result r = new Pipeline.Result();
                r.frames = 20_000;
                r.chunks = 18_000;
                r.cpuNanos = 300_000_000L + round * 1_000_000L;
                r.driverCpuNanos = 150_000_000L;
                r.gcCycles = candidate.equals("abq") ? 2 : 0;
                r.windowNanos = 1_000_000_000L;
                r.latency = RoundTrips.histogram();
                RoundTrips.record(r.latency, 20_000);
                rounds.add(r);
            }
            results.put(candidate, rounds);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        String line = Pipeline.report(new PrintStream(bytes, true, StandardCharsets.UTF_8), 20_000, results);

        assertTrue(line.matches(SUMMARY), line);
        assertEquals("pipeline 20000/s cpu/frame: bbq 15.05 us, abq 15.05 us, agrona 15.05 us;"
                + " gc cycles: bbq 0, abq 6, agrona 0", line);
        String table = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(table.contains("bbq/abq cpu per record, paired by round: median 1.00x"), table);
    }
}
