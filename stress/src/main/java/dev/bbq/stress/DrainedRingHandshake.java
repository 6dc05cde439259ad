package dev.bbq.stress;

import dev.bbq.BBQueue;
import dev.bbq.Consumer;
import dev.bbq.Producer;
import dev.bbq.ReadGrant;
import dev.bbq.WriteGrant;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LLL_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * R8, the drained-ring handshake (with R5 and R3): on a drained ring a grant of the whole capacity
 * succeeds once the consumer has made one read attempt after the producer's first refused attempt,
 * and the consumer never sees a byte that was not committed meanwhile.
 *
 * <p>Capacity 16, drained at 4. The producer asks for all 16 bytes: refused, and the refusal publishes
 * an empty wrap ({@code last = 4}, then {@code write = 0}). It asks again; if the consumer has followed
 * the watermark by then ({@code read = 0}) it gets the whole ring and commits stream bytes 0..15.
 * The consumer makes two read attempts: the first can only find nothing (and follows the watermark if
 * it sees the empty wrap), the second finds all 16 bytes if the producer got them. The arbiter, after
 * both, drains what is left and then checks the promise itself: a refused full grant, one read
 * attempt, and the full grant must succeed.
 *
 * <p>What breaks it: an empty wrap that stores {@code write} before {@code last} (R3) can show the
 * consumer [4, 16) as data; a consumer that does not publish {@code read = 0} when it follows (R5,
 * bbqueue's mutation H) leaves the producer refused for ever ({@code "stuck"}); a producer that undid
 * its empty wrap could expose [0, 4).
 */
@JCStressTest
@Outcome(id = "nothing, refused then granted, whole ring after one look", expect = ACCEPTABLE,
        desc = "the consumer followed between the producer's attempts, then looked before the commit")
@Outcome(id = "16 intact, refused then granted, whole ring after one look", expect = ACCEPTABLE,
        desc = "the handshake completed and the consumer read the full-capacity commit")
@Outcome(id = "nothing, refused twice, whole ring after one look", expect = ACCEPTABLE,
        desc = "the consumer looked too early or too late; the arbiter's look completes the handshake")
@Outcome(expect = FORBIDDEN, desc = "bytes that were never committed, a grant at once, or no full grant after a look")
@State
public class DrainedRingHandshake {
    private final Producer producer;
    private final Consumer consumer;

    public DrainedRingHandshake() {
        BBQueue queue = Litmus.spinning(16);
        producer = queue.producer();
        consumer = queue.consumer();
        WriteGrant first = producer.tryGrantExact(4);
        first.commit(4);
        ReadGrant all = consumer.tryRead();
        all.release(4);
    }

    @Actor
    public void producer(LLL_Result r) {
        if (producer.tryGrantExact(16) != null) {
            r.r2 = "granted at once";
            return;
        }
        WriteGrant whole = producer.tryGrantExact(16);
        if (whole == null) {
            r.r2 = "refused twice";
            return;
        }
        Litmus.fill(whole.buffer(), 0, 16);
        whole.commit(16);
        r.r2 = "refused then granted";
    }

    @Actor
    public void consumer(LLL_Result r) {
        String seen = Reads.upTo(consumer, 2, 0);
        r.r1 = seen.startsWith("0 ") ? "nothing" : seen;
    }

    @Arbiter
    public void wholeRingAfterOneLook(LLL_Result r) {
        r.r3 = Litmus.observe(() -> {
            ReadGrant left;
            while ((left = consumer.tryRead()) != null) {
                left.release(left.length());
            }
            WriteGrant whole = producer.tryGrantExact(16);
            if (whole == null) {
                consumer.tryRead(); // the one look the promise allows
                whole = producer.tryGrantExact(16);
            }
            return whole != null ? "whole ring after one look" : "stuck";
        });
    }
}
