package dev.bbq.stress;

import dev.bbq.BBQueue;
import dev.bbq.Consumer;
import dev.bbq.Producer;
import dev.bbq.ReadGrant;
import dev.bbq.SplitReadGrant;
import dev.bbq.WriteGrant;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LL_Result;

import java.nio.ByteBuffer;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * A split read across the wrap (R3), released into the lower region (R4), against a producer that
 * wraps and then writes on.
 *
 * <p>Capacity 16; stream bytes 8..11 wait at [8, 12). The producer inverts the ring with stream bytes
 * 12..17 at [0, 6) ({@code last = 12}, then {@code write = 6}), then asks for 7 more bytes and, if it
 * gets them, fills them with other values. The consumer takes one split read, which promises every
 * committed byte: [8, 12) and, if it saw the wrap, [0, 6) as its second part; it checks them and
 * releases all of them, which moves {@code read} straight into the lower region (to 6).
 *
 * <p>The producer's second grant fits only at [6, 13), which overlaps [8, 12): it may be granted only
 * after the consumer has released both parts, so it is refused unless the consumer saw 10 bytes, and
 * the consumer's bytes are intact either way.
 *
 * <p>What breaks it: a stale {@code last} paired with the new {@code write} (R3) makes the first part
 * run to 16, over the skipped tail; a release store of {@code read} that overtakes the consumer's
 * loads (R4, ARM only) lets the producer's second grant overwrite [8, 12) while it is being read.
 */
@JCStressTest
@Outcome(id = "4 intact, refused", expect = ACCEPTABLE, desc = "the split read came before the wrapping commit")
@Outcome(id = "10 intact, refused", expect = ACCEPTABLE, desc = "both parts; the producer asked before the release")
@Outcome(id = "10 intact, granted", expect = ACCEPTABLE, desc = "both parts; the producer wrote after the release")
@Outcome(expect = FORBIDDEN, desc = "lost, stale or overwritten bytes, or a grant over unreleased bytes")
@State
public class SplitReadAcrossWrap {
    private final Producer producer;
    private final Consumer consumer;

    public SplitReadAcrossWrap() {
        BBQueue queue = Litmus.spinning(16);
        producer = queue.producer();
        consumer = queue.consumer();
        WriteGrant first = producer.tryGrantExact(12);
        Litmus.fill(first.buffer(), 0, 12);
        first.commit(12);
        ReadGrant some = consumer.tryRead();
        some.release(8);
    }

    @Actor
    public void producer(LL_Result r) {
        WriteGrant wrapped = producer.tryGrantExact(6); // always granted, at 0: 6 < read
        Litmus.fill(wrapped.buffer(), 12, 6);
        wrapped.commit(6);
        WriteGrant over = producer.tryGrantExact(7);
        if (over == null) {
            r.r2 = "refused";
            return;
        }
        ByteBuffer view = over.buffer();
        Litmus.fill(view, 100, 7);
        over.commit(7);
        r.r2 = "granted";
    }

    @Actor
    public void consumer(LL_Result r) {
        r.r1 = Litmus.observe(() -> {
            SplitReadGrant grant = consumer.trySplitRead(); // never null: [8, 12) is committed
            String first = Litmus.check(grant.first(), 8);
            String second = Litmus.check(grant.second(), 12);
            boolean intact = first.endsWith("intact") && second.endsWith("intact");
            grant.release(grant.length());
            return grant.length() + (intact ? " intact" : " corrupt");
        });
    }
}
