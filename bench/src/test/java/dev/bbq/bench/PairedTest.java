package dev.bbq.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The paired-rounds harness counts what was delivered, stops between rounds, and fails loudly. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PairedTest {
    @Test
    void eachRoundCountsCheckedMessagesAndTheNextRoundGoesOnWhereItStopped() throws Exception {
        Workload workload = Workload.BIMODAL_48_1K;
        Paired.Rounds rounds = new Paired.Rounds(Candidate.BBQ_FRAMED_WRITE.open(workload, 64 * 1024, Mode.SPIN),
                workload.sizes());
        try {
            // The consumer checks sequence numbers across rounds: a message lost or repeated at a
            // round's boundary would fail the second round.
            assertTrue(rounds.run(50) > 0);
            assertTrue(rounds.run(50) > 0);
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
    void bulkChannelsCountTheBytesTheyMove() throws Exception {
        for (Bulk kind : Bulk.values()) {
            Paired.Rounds rounds = new Paired.Rounds(kind.open(4096, 64 * 1024), new int[Workload.PERIOD]);
            try {
                double bytesPerSecond = rounds.run(30);
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
            double p50 = rounds.run(30);
            assertTrue(p50 > 0);
            String[] tails = rounds.detail().trim().split(" ");
            assertTrue(Double.parseDouble(tails[0]) >= p50 && Double.parseDouble(tails[1]) >= Double.parseDouble(tails[0]),
                    p50 + " then " + rounds.detail());
            assertTrue(rounds.run(30) > 0); // sequence numbers go on across rounds, checked both ways
        } finally {
            rounds.stop();
        }
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
