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
import org.openjdk.jcstress.infra.results.LL_Result;

import java.nio.ByteBuffer;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * R4, release frees space: a release never lets the producer overwrite bytes the consumer is still
 * reading.
 *
 * <p>The 16-byte ring starts full. The consumer reads all 16 bytes and releases them; the producer,
 * racing it, asks for 8 bytes, which can only go to offset 0, over bytes the consumer is reading,
 * and fills them with other values as soon as it gets them. Whatever the timing, the consumer sees
 * its 16 bytes intact.
 *
 * <p>What breaks it: a plain store of {@code read} lets an ARM core perform that store before the
 * consumer's loads of the released bytes have completed (load-to-store reordering); the producer,
 * which loads {@code read} with acquire, then overwrites bytes that are still being read. x86 (TSO)
 * never reorders a load with a later store, so on x86 only a JIT reordering could show this.
 */
@JCStressTest
@Outcome(id = "16 intact, refused", expect = ACCEPTABLE, desc = "the producer looked before the release")
@Outcome(id = "16 intact, granted", expect = ACCEPTABLE, desc = "the producer wrote after the consumer's reads")
@Outcome(expect = FORBIDDEN, desc = "the producer overwrote bytes being read: R4 is broken")
@State
public class ReleaseFreesSpaceAfterReads {
    private final Producer producer;
    private final Consumer consumer;

    public ReleaseFreesSpaceAfterReads() {
        BBQueue queue = Litmus.spinning(16);
        producer = queue.producer();
        consumer = queue.consumer();
        WriteGrant full = producer.tryGrantExact(16);
        Litmus.fill(full.buffer(), 0, 16);
        full.commit(16);
    }

    @Actor
    public void consumer(LL_Result r) {
        r.r1 = Litmus.observe(() -> {
            ReadGrant grant = consumer.tryRead();
            String seen = Litmus.check(grant.buffer(), 0);
            grant.release(grant.length());
            return seen;
        });
    }

    @Actor
    public void producer(LL_Result r) {
        WriteGrant grant = producer.tryGrantExact(8);
        if (grant == null) {
            r.r2 = "refused";
            return;
        }
        ByteBuffer view = grant.buffer();
        Litmus.fill(view, 100, 8);
        grant.commit(8);
        r.r2 = "granted";
    }
}
