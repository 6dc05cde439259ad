package dev.bbq.stress;

import dev.bbq.BBQueue;
import dev.bbq.Consumer;
import dev.bbq.Producer;
import dev.bbq.ReadGrant;
import dev.bbq.WriteGrant;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.L_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * R5, following the watermark (with R3): the consumer reaches the watermark and wraps while the
 * producer keeps writing in the lower region.
 *
 * <p>Capacity 16, the ring drained at 12. The producer inverts it with 6 bytes at 0 ({@code last = 12},
 * then {@code write = 6}) and then commits 5 more at [6, 11), a commit that ends before {@code read}
 * and leaves the watermark alone (transition (d) of the design). The consumer stands on the
 * watermark: it must see {@code write < read == last}, move to 0 (publishing {@code read = 0}) and
 * read stream bytes 12..22 in order: 0, 6 or 11 of them.
 *
 * <p>What breaks it: reading {@code last} stale (R3) makes the consumer read the skipped tail
 * [12, 16); following the watermark when {@code read == last} but the ring is not inverted, or not
 * following when it is, loses or invents bytes.
 */
@JCStressTest
@Outcome(id = "0 intact", expect = ACCEPTABLE, desc = "the reads came before the wrapping commit")
@Outcome(id = "6 intact", expect = ACCEPTABLE, desc = "followed the watermark and read the wrapped grant")
@Outcome(id = "11 intact", expect = ACCEPTABLE, desc = "followed the watermark and read both lower-region commits")
@Outcome(expect = FORBIDDEN, desc = "lost, stale or skipped-tail bytes: R5 or R3 is broken")
@State
public class ConsumerFollowsWatermark {
    private final Producer producer;
    private final Consumer consumer;

    public ConsumerFollowsWatermark() {
        BBQueue queue = Litmus.spinning(16);
        producer = queue.producer();
        consumer = queue.consumer();
        WriteGrant first = producer.tryGrantExact(12);
        first.commit(12);
        ReadGrant all = consumer.tryRead();
        all.release(12);
    }

    @Actor
    public void producer() {
        WriteGrant wrapped = producer.tryGrantExact(6); // at 0: the tail has 4, and 6 < read = 12
        Litmus.fill(wrapped.buffer(), 12, 6);
        wrapped.commit(6);
        WriteGrant more = producer.tryGrantExact(5); // at 6, ending before read; granted whatever the consumer did
        Litmus.fill(more.buffer(), 18, 5);
        more.commit(5);
    }

    @Actor
    public void consumer(L_Result r) {
        r.r1 = Reads.upTo(consumer, 3, 12);
    }
}
