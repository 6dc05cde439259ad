package dev.bbq.stress;

import dev.bbq.BBQueue;
import dev.bbq.Consumer;
import dev.bbq.Producer;
import dev.bbq.ReadGrant;
import dev.bbq.WriteGrant;
import dev.bbq.internal.StressAccess.SharedRing;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.L_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * R3, watermark before write (and R6, strict inversion): inversion and the watermark against a
 * concurrent read.
 *
 * <p>Capacity 16. Stream bytes 0..11 were committed at [0, 12) and the consumer has released the
 * first 8, so it still has 4 bytes to read at [8, 12). The producer now asks for 6 bytes: the tail
 * [12, 16) is too short, the front is free up to {@code read}, so the grant inverts the ring: it goes
 * to 0, and its commit stores {@code last = 12}, then {@code write = 6}. The consumer reads as much as
 * three reads give it. It must get stream bytes 8..11 and then, if it saw the commit, 12..17 from
 * offset 0: 4 or 10 bytes, in order.
 *
 * <p>What breaks it: if the producer stored {@code write} before {@code last}, or the consumer loaded
 * {@code last} before {@code write}, the consumer could pair the new {@code write = 6} with the old
 * {@code last = 16}, take the skipped tail [12, 16) for data and read 4 never-written bytes (mutations
 * A and B of the bbqueue notes). Both are program-order mistakes, visible on x86 too.
 *
 * <p>{@link SharedLayout} runs the same race over a ring laid out as in a queue file shared by two
 * processes (words in direct memory behind a byte-buffer VarHandle).
 */
@JCStressTest
@Outcome(id = "4 intact", expect = ACCEPTABLE, desc = "the reads came before the wrapping commit")
@Outcome(id = "10 intact", expect = ACCEPTABLE, desc = "the upper region, then the wrapped bytes from 0")
@Outcome(expect = FORBIDDEN, desc = "bytes lost, skipped tail read as data, or stale bytes: R3 is broken")
@State
public class WrapPublishesWatermarkFirst {
    private final Producer producer;
    private final Consumer consumer;

    public WrapPublishesWatermarkFirst() {
        BBQueue queue = Litmus.spinning(16);
        producer = queue.producer();
        consumer = queue.consumer();
        prepare(producer, consumer);
    }

    @Actor
    public void producer() {
        wrap(producer);
    }

    @Actor
    public void consumer(L_Result r) {
        r.r1 = Reads.upTo(consumer, 3, 8);
    }

    /** Stream bytes 0..11 committed at [0, 12), the first 8 read and released. */
    static void prepare(Producer producer, Consumer consumer) {
        WriteGrant first = producer.tryGrantExact(12);
        Litmus.fill(first.buffer(), 0, 12);
        first.commit(12);
        ReadGrant some = consumer.tryRead();
        some.release(8);
    }

    static void wrap(Producer producer) {
        WriteGrant wrapped = producer.tryGrantExact(6); // always granted, at 0: 6 < read
        Litmus.fill(wrapped.buffer(), 12, 6);
        wrapped.commit(6);
    }

    /** The same race over the layout of a queue file shared by two processes. */
    @JCStressTest
    @Outcome(id = "4 intact", expect = ACCEPTABLE, desc = "the reads came before the wrapping commit")
    @Outcome(id = "10 intact", expect = ACCEPTABLE, desc = "the upper region, then the wrapped bytes from 0")
    @Outcome(expect = FORBIDDEN, desc = "bytes lost, skipped tail read as data, or stale bytes: R3 is broken")
    @State
    public static class SharedLayout {
        private final Producer producer;
        private final Consumer consumer;

        public SharedLayout() {
            SharedRing ring = Litmus.sharedLayout(16);
            producer = ring.producer();
            consumer = ring.consumer();
            prepare(producer, consumer);
        }

        @Actor
        public void producer() {
            wrap(producer);
        }

        @Actor
        public void consumer(L_Result r) {
            r.r1 = Reads.upTo(consumer, 3, 8);
        }
    }
}
