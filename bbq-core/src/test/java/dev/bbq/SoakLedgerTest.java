package dev.bbq;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The restart soak's checker ({@link SoakLedger}) on synthetic ledgers: it passes what is right and
 * names what is not.
 */
class SoakLedgerTest {
    private final ByteBuffer producer = ByteBuffer.allocateDirect(SoakLedger.PRODUCER_LEDGER_BYTES)
            .order(ByteOrder.nativeOrder());
    private final ByteBuffer consumer = ByteBuffer.allocateDirect(SoakLedger.CONSUMER_LEDGER_BYTES)
            .order(ByteOrder.nativeOrder());

    /** A consumer process delivering {@code seqs} of {@code run}, releasing each but the last if {@code dies}. */
    private String consume(SoakLedger.Deliveries d, int run, long from, long to, boolean dies) {
        for (long seq = from; seq <= to; seq++) {
            String problem = d.deliver(run, seq);
            if (problem != null) {
                return problem;
            }
            if (!(dies && seq == to)) {
                SoakLedger.recordReleasing(consumer, run, seq);
                SoakLedger.recordReleased(consumer, run, seq);
            }
        }
        return null;
    }

    @Test
    void aRightHistoryPassesAndItsDuplicatesAreCounted() {
        SoakLedger.recordCommitted(producer, 1, 10);
        SoakLedger.recordCommitted(producer, 2, 0); // killed before its first commit
        SoakLedger.recordCommitted(producer, 3, 5); // its sixth frame's commit was cut: delivered, unconfirmed
        SoakLedger.recordCommitted(producer, 4, 7);
        assertNull(consume(new SoakLedger.Deliveries(consumer), 1, 0, 6, true)); // killed holding 1/6
        assertNull(consume(new SoakLedger.Deliveries(consumer), 1, 6, 9, false)); // 1/6 again
        SoakLedger.Deliveries third = new SoakLedger.Deliveries(consumer);
        assertNull(consume(third, 3, 0, 5, false));
        assertNull(consume(third, 4, 0, 6, false));
        SoakLedger.set(consumer, SoakLedger.END_SEEN, 1);
        SoakLedger.Verdict v = SoakLedger.verify(producer, consumer, 4, 2, 7);
        assertTrue(v.problems.isEmpty(), v.problems.toString());
        assertEquals(22, v.committed);
        assertEquals(23, v.deliveredOnce);
        assertEquals(1, v.duplicates);
        assertEquals(24, v.deliveries);
        assertEquals(1, v.inFlightDelivered);
        assertEquals(1, v.emptyRuns);
    }

    @Test
    void gapsOldFramesAndRepeatsAreViolations() {
        SoakLedger.Deliveries d = new SoakLedger.Deliveries(consumer);
        assertNull(consume(d, 1, 0, 3, false));
        assertTrue(d.deliver(1, 5).contains("a gap"));
        assertTrue(d.deliver(1, 2).contains("an old frame again"));
        assertTrue(d.deliver(1, 3).contains("twice to one consumer process"));
        assertTrue(d.deliver(2, 1).contains("a gap"), "a run starts at 0");
        assertNull(d.deliver(2, 0));
        assertTrue(d.deliver(1, 4).contains("an old frame again"), "runs do not interleave");
        assertNull(new SoakLedger.Deliveries(consumer).deliver(2, 0), "a new process may see the unreleased frame");
        SoakLedger.recordReleasing(consumer, 2, 0);
        SoakLedger.recordReleased(consumer, 2, 0);
        assertTrue(new SoakLedger.Deliveries(consumer).deliver(2, 0).contains("after its release"));
        assertTrue(new SoakLedger.Deliveries(consumer).deliver(1, 3).contains("an old frame again"));
    }

    @Test
    void aFrameReadAndNeverReleasedMustComeAgain() {
        SoakLedger.Deliveries first = new SoakLedger.Deliveries(consumer);
        assertNull(consume(first, 1, 0, 6, true)); // ends holding 1/6, its release never begun
        String problem = new SoakLedger.Deliveries(consumer).deliver(1, 7);
        assertTrue(problem.contains("1/6 was read and never released when its consumer ended, but the next consumer"
                + " began at frame 1/7"), problem);
        assertTrue(new SoakLedger.Deliveries(consumer).deliver(2, 0).contains("never released"), "nor may a new run");
        SoakLedger.recordReleasing(consumer, 1, 6); // killed inside the release: either way is right
        assertNull(new SoakLedger.Deliveries(consumer).deliver(1, 7));
        SoakLedger.recordReleasing(consumer, 1, 7);
        SoakLedger.recordReleased(consumer, 1, 7);
        assertNull(new SoakLedger.Deliveries(consumer).deliver(1, 8), "released: the next consumer goes on after it");
        assertNull(new SoakLedger.Deliveries(consumer).deliver(1, 8), "held by a consumer that died: again");
    }

    @Test
    void lostFramesExtraFramesAndTooManyDuplicatesAreReported() {
        SoakLedger.recordCommitted(producer, 1, 10);
        SoakLedger.recordCommitted(producer, 2, 3);
        SoakLedger.recordCommitted(producer, 3, 4);
        assertNull(consume(new SoakLedger.Deliveries(consumer), 1, 0, 7, true));
        assertNull(consume(new SoakLedger.Deliveries(consumer), 1, 7, 7, true));
        SoakLedger.Deliveries d = new SoakLedger.Deliveries(consumer);
        assertNull(consume(d, 1, 7, 7, false));
        assertNull(consume(d, 2, 0, 5, false));
        assertNull(consume(d, 3, 0, 3, false));
        SoakLedger.Verdict v = SoakLedger.verify(producer, consumer, 3, 1, 5);
        String all = String.join("\n", v.problems);
        assertTrue(all.contains("run 1: 10 commits returned, only 8 frames delivered"), all);
        assertTrue(all.contains("run 2: 6 frames delivered, but only 3 commits returned"), all);
        assertTrue(all.contains("final run committed 4 frames, expected 5"), all);
        assertTrue(all.contains("2 frames delivered twice, but only 1 consumers died"), all);
        assertTrue(all.contains("did not see the end of the stream"), all);
        SoakLedger.violation(consumer, "frame 9/9 fails its CRC");
        SoakLedger.violation(consumer, "another");
        all = String.join("\n", SoakLedger.verify(producer, consumer, 3, 1, 5).problems);
        assertTrue(all.contains("2 violations seen by consumers; the first: frame 9/9 fails its CRC"), all);
    }

    @Test
    void framesCheckThemselves() {
        byte[] frame = new byte[SoakLedger.HEADER + SoakLedger.MAX_PAYLOAD + SoakLedger.TRAILER];
        int longest = 0;
        for (int run = 1; run < 50; run++) {
            for (long seq = 0; seq < 200; seq++) {
                int length = SoakLedger.encode(run, seq, frame);
                longest = Math.max(longest, length);
                assertEquals(SoakLedger.frameLength(run, seq), length);
                assertNull(SoakLedger.damage(frame, length));
                assertEquals(run, SoakLedger.run(frame));
                assertEquals(seq, SoakLedger.seq(frame));
            }
        }
        assertTrue(longest > 1000, "some frames are long");
        int length = SoakLedger.encode(7, 1234, frame);
        frame[length / 2] ^= 1;
        assertTrue(SoakLedger.damage(frame, length).contains("fails its CRC"));
        frame[length / 2] ^= 1;
        assertTrue(SoakLedger.damage(frame, length - 1).contains("CRC"));
        assertTrue(SoakLedger.damage(frame, 3).contains("shorter"));
        int longestFrame = SoakLedger.HEADER + SoakLedger.MAX_PAYLOAD + SoakLedger.TRAILER;
        assertTrue(BBQueue.maxFrameLength(16 * 1024) >= longestFrame, "the soak's frames fit its queue");
    }
}
