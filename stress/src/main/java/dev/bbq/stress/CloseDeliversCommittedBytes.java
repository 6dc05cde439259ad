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

import java.util.concurrent.TimeUnit;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * R10, closing (with R9): a producer that commits and then closes never loses the commit, and a
 * blocked reader learns of both.
 *
 * <p>The producer commits stream bytes 0..3 and closes. The consumer, with the default blocking
 * strategy, reads with a blocking call until the end of the stream. It must get the 4 bytes and
 * then the end, whatever the order in which it saw the index and the closed flag: a consumer that
 * finds no data and then sees the flag looks once more, and the flag's acquire makes every earlier
 * commit visible.
 *
 * <p>What breaks it: reporting the end as soon as the flag is seen, without the second look, loses
 * the commit that raced the close (the read returns nothing while bytes are still committed:
 * {@code "0 intact, returned before the end"}); a close that does not wake a parked reader (R9) leaves
 * it parked until its 10-second timeout ({@code ", late"}: with the producer closing within
 * microseconds, only a lost wake-up takes that long).
 */
@JCStressTest
@Outcome(id = "4 intact, end", expect = ACCEPTABLE, desc = "every committed byte, then the end of the stream")
@Outcome(expect = FORBIDDEN, desc = "a commit lost at close, or a reader not woken by the close")
@State
public class CloseDeliversCommittedBytes {
    private final Producer producer;
    private final Consumer consumer;

    public CloseDeliversCommittedBytes() {
        BBQueue queue = Litmus.blocking(16);
        producer = queue.producer();
        consumer = queue.consumer();
    }

    @Actor
    public void producer() {
        WriteGrant grant = producer.tryGrantExact(4);
        Litmus.fill(grant.buffer(), 0, 4);
        grant.commit(4);
        producer.close();
    }

    @Actor
    public void consumer(L_Result r) {
        int total = 0;
        boolean intact = true;
        long start = System.nanoTime();
        try {
            ReadGrant grant;
            while ((grant = consumer.read(10, TimeUnit.SECONDS)) != null) {
                intact &= Litmus.check(grant.buffer(), total).endsWith("intact");
                total += grant.length();
                grant.release(grant.length());
            }
        } catch (InterruptedException e) {
            r.r1 = "interrupted";
            return;
        }
        String bytes = total + (intact ? " intact" : " corrupt");
        String late = System.nanoTime() - start >= TimeUnit.SECONDS.toNanos(10) ? ", late" : "";
        r.r1 = (consumer.isClosed() ? bytes + ", end" : bytes + ", returned before the end") + late;
    }
}
