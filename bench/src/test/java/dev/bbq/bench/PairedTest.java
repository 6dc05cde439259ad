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
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The paired-rounds harness counts what was delivered, stops between rounds, and fails loudly. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PairedTest {
    /**
     * Runs rounds of {@code millis} until one measures more than {@code floor}, at most 40 of them.
     * These tests check what a round counts, not how fast it is: on a machine whose cores are busy
     * with other work a short round can pass without the candidate's threads being scheduled at all.
     */
    private static double roundAbove(Paired.Turns rounds, long millis, double floor) throws InterruptedException {
        double result = 0;
        for (int attempt = 0; attempt < 40 && !(result > floor); attempt++) {
            result = rounds.run(millis);
        }
        return result;
    }

    /** What a paired session with these arguments prints. */
    private static String printedBy(String[] args) throws Exception {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(console, true, StandardCharsets.UTF_8));
        try {
            Paired.main(args);
        } finally {
            System.setOut(stdout);
        }
        return console.toString(StandardCharsets.UTF_8);
    }

    @Test
    void eachRoundCountsCheckedMessagesAndTheNextRoundGoesOnWhereItStopped() throws Exception {
        Workload workload = Workload.BIMODAL_48_1K;
        Paired.Rounds rounds = new Paired.Rounds(Candidate.BBQ_FRAMED_WRITE.open(workload, 64 * 1024, Mode.SPIN),
                workload.sizes());
        try {
            // The consumer checks sequence numbers across rounds: a message lost or repeated at a
            // round's boundary would fail the second round.
            assertTrue(roundAbove(rounds, 50, 0) > 0);
            assertTrue(roundAbove(rounds, 50, 0) > 0);
        } finally {
            rounds.stop();
        }
    }

    @Test
    void aRoundInWhichTheConsumerFindsAWrongMessageFails() throws Exception {
        Channel lying = new Channel() {
            @Override
            public boolean offer(long seq, int length) {
                return true;
            }

            @Override
            public int poll(Checker checker) {
                checker.check(new byte[64], 64); // sequence 0, then 0 again
                return 1;
            }

            @Override
            public void close() {
            }
        };
        Paired.Rounds rounds = new Paired.Rounds(lying, Workload.FIXED_64.sizes());
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> rounds.run(20));
            assertTrue(e.getCause().getMessage().contains("expected message 1"), e.getCause().getMessage());
        } finally {
            rounds.stop();
        }
    }

    @Test
    void eachRoundReportsHowOftenPollsCameBackEmptyAndOffersWereRefused() throws Exception {
        // Offers alternate refused / taken; polls alternate empty / two messages (sequence-checked).
        Channel alternating = new Channel() {
            private boolean refuse;
            private boolean empty;
            private long next;
            private final byte[] message = new byte[64];

            @Override
            public boolean offer(long seq, int length) {
                refuse = !refuse;
                return !refuse;
            }

            @Override
            public int poll(Checker checker) {
                empty = !empty;
                if (empty) {
                    return 0;
                }
                for (int i = 0; i < 2; i++) {
                    Bytes.LONG.set(message, 0, next++);
                    checker.check(message, 64);
                }
                return 2;
            }

            @Override
            public void close() {
            }
        };
        Paired.Rounds rounds = new Paired.Rounds(alternating, Workload.FIXED_64.sizes());
        try {
            assertTrue(rounds.run(20) > 0);
            String[] loops = rounds.detail().trim().split(" ");
            assertEquals(3, loops.length, rounds.detail());
            assertEquals(2.0, Double.parseDouble(loops[0]), 1e-9, "messages per poll that found any");
            assertEquals(0.5, Double.parseDouble(loops[1]), 1e-3, "share of empty polls");
            assertEquals(1.0, Double.parseDouble(loops[2]), 1e-3, "refused offers per message");
        } finally {
            rounds.stop();
        }
    }

    @Test
    void theParentRunsEveryCandidateInItsOwnJvmAndWritesOneRowPerRound(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("paired.csv");
        Paired.main(new String[] {"--candidates", "BBQ_FRAMED_WRITE", "--vs", "AGRONA_CLAIM", "--workloads", "FIXED_64",
            "--budgets", "65536", "--rounds", "3", "--warmup-rounds", "1", "--round-ms", "20", "--out", csv.toString()});
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        assertEquals(4, lines.size(), String.join("\n", lines));
        for (String row : lines.subList(1, lines.size())) {
            String[] cells = row.split(",");
            assertEquals("BBQ_FRAMED_WRITE", cells[0]);
            assertEquals("AGRONA_CLAIM", cells[1]);
            assertTrue(Double.parseDouble(cells[5]) > 0 && Double.parseDouble(cells[6]) > 0, row);
        }
    }

    @Test
    void oneJvmRunsEveryExerciserFirstAndOneExerciserTurnBeforeEveryMeasuredRound() throws Exception {
        Workload workload = Workload.FIXED_64;
        OneJvm all = new OneJvm(List.of(Candidate.BBQ_FRAMED_WRITE, Candidate.AGRONA_CLAIM), workload, 64 * 1024, 5, 5,
                false, true);
        try {
            int exercisers = all.exerciserCount();
            assertEquals(OneJvm.exercisers(64 * 1024).size(), exercisers);
            assertEquals(exercisers, all.exerciseTurns(), "each exerciser once before the first round");
            // Counts, not speed: a round on a loaded machine may pass without the threads being scheduled.
            int measured = 0;
            double framed = 0;
            while (measured < 40 && !(framed > 0)) {
                framed = all.run(0, 5);
                measured++;
            }
            double agrona = 0;
            while (measured < 80 && !(agrona > 0)) {
                agrona = all.run(1, 5);
                measured++;
            }
            assertTrue(framed > 0 && agrona > 0, framed + " " + agrona);
            assertEquals(exercisers + measured, all.exerciseTurns(), "one exerciser turn per measured round");
            assertTrue(all.exerciseTurnsThatMoved() > 0, "the exercisers move messages too");
            assertEquals(3, all.detail(0).trim().split(" ").length, all.detail(0));
            // Sequence numbers go on across rounds, with exerciser turns in between.
            assertTrue(roundAbove(new Paired.Turns() {
                @Override
                public double run(long millis) throws InterruptedException {
                    return all.run(0, millis);
                }

                @Override
                public void stop() {
                }
            }, 5, 0) > 0);
        } finally {
            all.stop();
        }
    }

    @Test
    void oneThreadTurnsCountMessagesPerSecondOfCpuAndTheCpuPerMessage() throws Exception {
        Workload workload = Workload.BIMODAL_48_1K;
        OneJvm all = new OneJvm(List.of(Candidate.BBQ_FRAMED_GRANT, Candidate.AGRONA_CLAIM), workload, 64 * 1024, 1, 1,
                true, true);
        try {
            assertEquals(all.exerciserCount(), all.exerciseTurnsThatMoved(),
                    "a one-thread turn always moves its batches, however loaded the machine");
            for (int who = 0; who < 2; who++) {
                double perCpuSecond = all.run(who, 2);
                String[] detail = all.detail(who).trim().split(" ");
                double nanosPerMessage = Double.parseDouble(detail[0]);
                long messages = Long.parseLong(detail[1]);
                assertTrue(messages >= 8 * CostBenchmark.BATCH && messages % CostBenchmark.BATCH == 0, all.detail(who));
                assertEquals(1e9 / perCpuSecond, nanosPerMessage, nanosPerMessage / 100 + 0.01,
                        "the rate and the CPU per message are one measurement");
            }
            all.run(0, 0); // sequence numbers go on across turns, checked by the consumer's checker
        } finally {
            all.stop();
        }
    }

    @Test
    void theControlRunHasNoExercisersAndStillMeasuresEveryCandidate() throws Exception {
        OneJvm alone = new OneJvm(List.of(Candidate.BBQ_FRAMED_WRITE, Candidate.AGRONA_CLAIM), Workload.FIXED_64,
                64 * 1024, 1, 1, true, false);
        try {
            assertEquals(0, alone.exerciserCount());
            assertTrue(alone.run(0, 1) > 0 && alone.run(1, 1) > 0);
            assertEquals(0, alone.exerciseTurns());
        } finally {
            alone.stop();
        }
    }

    @Test
    void theExercisersGiveBbqHeapDirectAndMappedRingsAndOtherLibrariesBuffers() throws Exception {
        // What widens the profile of the ByteBuffer call sites: every exerciser delivers checked messages.
        for (Channel channel : OneJvm.exercisers(64 * 1024)) {
            Paired.Rounds rounds = new Paired.Rounds(channel, OneJvm.EXERCISE.sizes());
            try {
                assertTrue(roundAbove(rounds, 20, 0) > 0, channel.getClass().getSimpleName());
            } finally {
                rounds.stop();
            }
        }
    }

    @Test
    void theOneJvmModeRunsEveryCandidateInOneChildAndWritesOneRowPerRound(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("one-jvm.csv");
        String printed = printedBy(new String[] {"--mode", "one-jvm", "--candidates", "BBQ_FRAMED_WRITE,BBQ_FRAMED_GRANT",
                "--workloads", "FIXED_64", "--rounds", "2", "--warmup-rounds", "1", "--round-ms", "20",
                "--out", csv.toString()});
        assertTrue(printed.contains("One JVM"), printed);
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        assertEquals(1 + 2 * 2, lines.size(), String.join("\n", lines));
        for (String row : lines.subList(1, lines.size())) {
            String[] cells = row.split(",");
            assertTrue(cells[0].equals("BBQ_FRAMED_WRITE") || cells[0].equals("BBQ_FRAMED_GRANT"), row);
            assertEquals("AGRONA_CLAIM", cells[1]);
            assertEquals("65536", cells[3]);
            assertTrue(Double.parseDouble(cells[5]) >= 0 && Double.parseDouble(cells[6]) >= 0, row);
        }
        assertTrue(printed.contains("BBQ_FRAMED_WRITE / BBQ_FRAMED_GRANT"), printed);
        assertThrows(IllegalArgumentException.class, () -> Paired.main(new String[] {"--mode", "one-jvm",
            "--candidates", "BBQ_FRAMED_WRITE@other.jar"}));
        assertThrows(IllegalArgumentException.class, () -> Paired.main(new String[] {"--threads", "1"}));
        assertThrows(IllegalArgumentException.class, () -> Paired.main(new String[] {"--exercise", "none"}));
    }

    @Test
    void theOneThreadOneJvmModePrintsEachCandidatesCpuPerMessage(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("cost.csv");
        String printed = printedBy(new String[] {"--mode", "one-jvm", "--threads", "1", "--candidates", "BBQ_FRAMED_WRITE",
                "--workloads", "FIXED_64", "--rounds", "2", "--warmup-rounds", "1", "--round-ms", "5",
                "--out", csv.toString()});
        assertTrue(printed.contains("M msg/cpu-s"), printed);
        for (String candidate : List.of("BBQ_FRAMED_WRITE", "AGRONA_CLAIM")) {
            assertTrue(Pattern.compile(candidate + " .* one thread: [0-9.]+ ns of CPU per message").matcher(printed).find(),
                    printed);
        }
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        assertEquals(3, lines.size(), String.join("\n", lines));
        for (String row : lines.subList(1, lines.size())) {
            assertTrue(Double.parseDouble(row.split(",")[5]) > 0, "a one-thread turn always moves messages: " + row);
        }
    }

    @Test
    void bulkChannelsCountTheBytesTheyMove() throws Exception {
        for (Bulk kind : Bulk.values()) {
            Paired.Rounds rounds = new Paired.Rounds(kind.open(4096, 64 * 1024), new int[Workload.PERIOD]);
            try {
                double bytesPerSecond = roundAbove(rounds, 30, 4096);
                assertTrue(bytesPerSecond > 4096, kind + ": " + bytesPerSecond);
            } finally {
                rounds.stop();
            }
        }
    }

    @Test
    void latencyRoundsReportAMedianRoundTripAndCheckEveryEcho() throws Exception {
        Workload workload = Workload.FIXED_64;
        Paired.PingPong rounds = new Paired.PingPong(Candidate.BBQ_FRAMED_WRITE.open(workload, 64 * 1024, Mode.SPIN),
                Candidate.BBQ_FRAMED_WRITE.open(workload, 64 * 1024, Mode.SPIN), workload.sizes());
        try {
            double p50 = roundAbove(rounds, 30, 0);
            assertTrue(p50 > 0);
            String[] tails = rounds.detail().trim().split(" ");
            assertTrue(Double.parseDouble(tails[0]) >= p50 && Double.parseDouble(tails[1]) >= Double.parseDouble(tails[0]),
                    p50 + " then " + rounds.detail());
            Histogram first = RoundTrips.decode(rounds.histogram());
            assertTrue(first.getTotalCount() > 0);
            assertEquals(p50, first.getValueAtPercentile(50), "the round's result is its histogram's median");
            rounds.run(0); // sequence numbers go on across rounds, checked both ways
            // A round of 0 ms after its ramp counts at most the one round trip that crosses its end.
            long second = RoundTrips.decode(rounds.histogram()).getTotalCount();
            assertTrue(first.getTotalCount() > 1 && second <= 1,
                    "each round sends only its own round trips: " + first.getTotalCount() + " then " + second);
        } finally {
            rounds.stop();
        }
    }

    @Test
    void latencyRoundsArePooledPerCandidateIntoADistributionFileAndAChart(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("latency.csv");
        String printed = printedBy(new String[] {"--mode", "latency", "--candidates", "BBQ_FRAMED_WRITE", "--vs", "AGRONA_CLAIM",
                "--rounds", "2", "--warmup-rounds", "1", "--round-ms", "20", "--out", csv.toString()});
        for (String candidate : List.of("BBQ_FRAMED_WRITE", "AGRONA_CLAIM")) {
            Path hgrm = dir.resolve("latency-FIXED_64-65536-" + candidate + ".hgrm");
            String distribution = Files.readString(hgrm, StandardCharsets.UTF_8);
            Matcher total = Pattern.compile("Total count\\s*=\\s*(\\d+)").matcher(distribution);
            assertTrue(total.find(), distribution);
            long count = Long.parseLong(total.group(1));
            assertTrue(count > 2, candidate + ": " + count);
            assertTrue(printed.contains(candidate), printed);
            assertTrue(printed.contains(String.format(Locale.ROOT, "pooled over %,d round trips", count)), printed);
        }
        byte[] png = Files.readAllBytes(dir.resolve("latency-FIXED_64-65536.png"));
        assertEquals((byte) 0x89, png[0]);
        assertEquals("PNG", new String(png, 1, 3, StandardCharsets.US_ASCII));
    }

    @Test
    void pooledHistogramsSurviveTheTextLineBetweenChildAndParent() {
        Histogram sent = RoundTrips.histogram();
        for (long nanos = 100; nanos < 1_000_000; nanos = nanos * 3 / 2) {
            RoundTrips.record(sent, nanos);
        }
        RoundTrips.record(sent, Long.MAX_VALUE); // a thread descheduled for ever is clamped, not lost
        Histogram received = RoundTrips.decode(RoundTrips.encode(sent));
        assertEquals(sent, received);
        assertEquals(RoundTrips.LONGEST, received.getMaxValue(), (double) RoundTrips.LONGEST / 1000);
    }

    @Test
    void theLatencyChartLabelsItsLogarithmicAxesInNinesAndTime() {
        assertEquals("0%", RoundTrips.percentileLabel(0));
        assertEquals("90%", RoundTrips.percentileLabel(1));
        assertEquals("99%", RoundTrips.percentileLabel(2));
        assertEquals("99.9%", RoundTrips.percentileLabel(3));
        assertEquals("99.99%", RoundTrips.percentileLabel(4));
        assertEquals("99.7%", RoundTrips.percentileLabel(2.5));
        assertEquals("100 ns", RoundTrips.durationLabel(2));
        assertEquals("316 ns", RoundTrips.durationLabel(2.5));
        assertEquals("1 µs", RoundTrips.durationLabel(3));
        assertEquals("40 µs", RoundTrips.durationLabel(Math.log10(40_000)));
        assertEquals("6 ms", RoundTrips.durationLabel(Math.log10(6_000_000)));
    }

    @Test
    void aSessionsCsvReadsBackAsTheDistributionOfEachCandidatesRatios(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("paired.csv");
        Files.write(csv, List.of("candidate,reference,workload,budget,round,rate,reference_rate,ratio,"
                        + "per_poll,empty_polls,refused_per_message",
                "A,REF,FIXED_64,65536,0,10,10,1.0,,,",
                "A,REF,FIXED_64,65536,1,30,10,3.0,,,",
                "A,REF,FIXED_64,65536,2,40,20,2.0,,,",
                "B,REF,FIXED_64,65536,0,5,10,0.5,,,",
                "B,REF,FIXED_64,65536,1,5,10,0.5,,,",
                "A,REF,FIXED_64,1048576,0,8,4,2.0,1.000,0.5000,0.0100"), StandardCharsets.UTF_8);
        List<Paired.Pairing> pairings = Paired.read(csv);
        assertEquals(3, pairings.size());
        Paired.Pairing a = pairings.get(0);
        assertEquals("A", a.candidate);
        assertEquals("REF", a.reference);
        assertEquals(65536, a.budget);
        assertEquals(3, a.rounds);
        assertEquals(30, a.rate);
        assertEquals(10, a.referenceRate);
        assertEquals(2.0, a.ratio, 1e-9, "the median of the per-round ratios, not the ratio of the medians");
        assertEquals(1.5, a.ratioP25, 1e-9);
        assertEquals(2.5, a.ratioP75, 1e-9);
        assertEquals("B", pairings.get(1).candidate);
        assertEquals(0.5, pairings.get(1).ratio, 1e-9);
        assertEquals(1048576, pairings.get(2).budget);
        assertEquals(2.0, pairings.get(2).ratio, 1e-9);
    }

    @Test
    void percentilesInterpolateBetweenRanks() {
        double[] sorted = {1, 2, 3, 4, 5};
        assertEquals(3, Paired.percentile(sorted, 50));
        assertEquals(2, Paired.percentile(sorted, 25));
        assertEquals(4.6, Paired.percentile(sorted, 90), 1e-9);
        assertEquals(5, Paired.percentile(sorted, 100));
    }
}
