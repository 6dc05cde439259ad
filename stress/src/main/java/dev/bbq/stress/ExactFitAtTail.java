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
 * Exact fit at the tail (R2, R3 with {@code write == capacity}, I3), against a concurrent reader.
 *
 * <p>Capacity 16, the ring drained at 8. The producer commits 8 bytes that fill the tail exactly
 * ({@code write = 16 = capacity}), then 4 more, which must wrap to 0. Because {@code write} was
 * {@code capacity}, that wrapping commit leaves {@code last} at {@code capacity} (it already is, by
 * I3) and only stores {@code write = 4}. The consumer, reading as much as three reads give it, must
 * see stream bytes 8..15 at [8, 16) and then 16..19 at [0, 4): 0, 8 or 12 bytes in order.
 *
 * <p>What breaks it: treating {@code write == capacity} as an ordinary wrap and storing a watermark
 * after the index (R3), or an exact-fit grant that publishes {@code write} before its bytes (R2),
 * would show the consumer stale or skipped bytes.
 */
@JCStressTest
@Outcome(id = "0 intact", expect = ACCEPTABLE, desc = "the reads came before the first commit")
@Outcome(id = "8 intact", expect = ACCEPTABLE, desc = "the tail, exactly filled; the wrap not seen yet")
@Outcome(id = "12 intact", expect = ACCEPTABLE, desc = "the tail, then the wrapped bytes from 0")
@Outcome(expect = FORBIDDEN, desc = "lost, stale or out-of-order bytes at the exact fit")
@State
public class ExactFitAtTail {
    private final Producer producer;
    private final Consumer consumer;

    public ExactFitAtTail() {
        BBQueue queue = Litmus.spinning(16);
        producer = queue.producer();
        consumer = queue.consumer();
        WriteGrant first = producer.tryGrantExact(8);
        first.commit(8);
        ReadGrant all = consumer.tryRead();
        all.release(8);
    }

    @Actor
    public void producer() {
        WriteGrant tail = producer.tryGrantExact(8); // exactly [8, 16)
        Litmus.fill(tail.buffer(), 8, 8);
        tail.commit(8);
        WriteGrant front = producer.tryGrantExact(4); // wraps to 0: 4 < read, whatever the consumer did
        Litmus.fill(front.buffer(), 16, 4);
        front.commit(4);
    }

    @Actor
    public void consumer(L_Result r) {
        r.r1 = Reads.upTo(consumer, 3, 8);
    }
}
