package dev.bbq.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The several-producers bench ({@link ManyProducers}) checks what it counts: every message written is
 * read and checked, in each producer's order, for every candidate and producer count. These tests
 * check those counts, not speed: rounds are repeated (at most 40) until their producers wrote
 * something, since on a machine whose cores are busy a round can pass with a candidate's threads
 * never scheduled.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ManyProducersTest {
    private static List<ManyProducers.Candidate> candidates() {
        return List.of(new ManyProducers.AgronaManyToOne(true), new ManyProducers.AgronaManyToOne(false),
                new ManyProducers.BbqShared(false), new ManyProducers.BbqShared(true),
                new ManyProducers.BbqShared(true, true), new ManyProducers.BbqSingle());
    }

    private static ManyProducers.Round roundThatWrote(ManyProducers.Candidate c, int producers)
            throws InterruptedException {
        ManyProducers.Round r = null;
        for (int attempt = 0; attempt < 40 && (r == null || Arrays.stream(r.written).sum() == 0); attempt++) {
            r = ManyProducers.round(c, producers);
        }
        return r;
    }

    @Test
    void everyCandidateDeliversEveryMessageOfEveryProducerInThatProducersOrder() throws Exception {
        for (int producers : new int[] {1, 2, 3}) {
            for (ManyProducers.Candidate c : candidates()) {
                if (!c.supports(producers)) {
                    continue;
                }
                ManyProducers.Round r = roundThatWrote(c, producers);
                String what = c.name + ", " + producers + " producer(s), written " + Arrays.toString(r.written);
                assertNull(r.reader.failure, what);
                assertTrue(Arrays.stream(r.written).sum() > 0, what + ": the round moved messages");
                for (int id = 0; id < producers; id++) {
                    assertEquals(r.written[id], r.reader.next[id], what + ": producer " + id + "'s last message read");
                }
                assertEquals(Arrays.stream(r.written).sum(), r.reader.checked, what + ": each message checked once");
                assertTrue(r.everyMessageChecked(), what);
                assertTrue(r.reader.count <= r.reader.checked, what + ": the rate counts only messages it checked");
                assertEquals(r.reader.count, r.reader.delays.getTotalCount(), what + ": one delay per counted message");
            }
        }
    }

    @Test
    void onlyTheSingleThreadProducerIsLimitedToOneProducer() {
        for (ManyProducers.Candidate c : candidates()) {
            assertTrue(c.supports(1), c.name);
            assertEquals(!(c instanceof ManyProducers.BbqSingle), c.supports(2), c.name);
        }
    }

    @Test
    void theReaderReportsAMessageOutOfItsProducersOrderAndARoundThatLostOne() {
        ManyProducers.Reader reader = new ManyProducers.Reader();
        reader.accept(0, 0, 0);
        reader.accept(0, 1, 0);
        reader.accept(0, 0, 1);
        assertNull(reader.failure, "two producers interleaved, each in order");
        reader.accept(0, 1, 2);
        assertEquals("producer 1: message 2 after 0", reader.failure);

        ManyProducers.Round lost = new ManyProducers.Round();
        lost.reader = new ManyProducers.Reader();
        lost.reader.accept(0, 0, 0);
        lost.written = new long[] {2};
        assertFalse(lost.everyMessageChecked(), "message 1 was written but never read");
        lost.reader.accept(0, 0, 1);
        assertTrue(lost.everyMessageChecked());
    }

    @Test
    void theOneThreadCostRunCompletesAndChecksOrderForEveryCandidate() {
        for (ManyProducers.Candidate c : candidates()) {
            double ns = ManyProducers.cost(c, 32 * 100); // cost() throws on a message out of order
            assertTrue(ns >= 0, c.name + ": " + ns);
        }
    }
}
