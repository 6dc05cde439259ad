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

import java.nio.ByteBuffer;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * R2, commit publishes data: every byte written into a grant before its commit is seen by a consumer
 * that sees the commit's index, and nothing beyond the committed count is ever shown.
 *
 * <p>The producer fills all 8 bytes of an 8-byte grant and commits 6 of them (a partial commit: the
 * last 2 go back to free space). The consumer's single read, racing the commit, either finds nothing
 * or exactly the 6 committed bytes, intact.
 *
 * <p>What breaks it: a plain store of {@code write} instead of {@code setRelease} lets an ARM core
 * make the index visible before the data stores, and a plain load instead of {@code getAcquire} lets
 * it satisfy the data loads before the index load; the consumer then reads stale (zero) bytes. x86
 * keeps stores in order and loads in order, so there only the JIT could produce that reordering.
 */
@JCStressTest
@Outcome(id = "nothing", expect = ACCEPTABLE, desc = "the read came before the commit")
@Outcome(id = "6 intact", expect = ACCEPTABLE, desc = "the read saw the commit and, with it, every committed byte")
@Outcome(expect = FORBIDDEN, desc = "stale or uncommitted bytes were shown: R2 is broken")
@State
public class CommitPublishesBytes {
    private final Producer producer;
    private final Consumer consumer;

    public CommitPublishesBytes() {
        BBQueue queue = Litmus.spinning(16);
        producer = queue.producer();
        consumer = queue.consumer();
    }

    @Actor
    public void producer() {
        commitSixOfEight(producer);
    }

    @Actor
    public void consumer(L_Result r) {
        r.r1 = readOnce(consumer);
    }

    static void commitSixOfEight(Producer producer) {
        WriteGrant grant = producer.tryGrantExact(8);
        ByteBuffer view = grant.buffer();
        Litmus.fill(view, 0, 8);
        grant.commit(6);
    }

    static String readOnce(Consumer consumer) {
        return Litmus.observe(() -> {
            ReadGrant grant = consumer.tryRead();
            return grant == null ? "nothing" : Litmus.check(grant.buffer(), 0);
        });
    }

    /** The same race over the layout of a queue file shared by two processes. */
    @JCStressTest
    @Outcome(id = "nothing", expect = ACCEPTABLE, desc = "the read came before the commit")
    @Outcome(id = "6 intact", expect = ACCEPTABLE, desc = "the read saw the commit and, with it, every committed byte")
    @Outcome(expect = FORBIDDEN, desc = "stale or uncommitted bytes were shown: R2 is broken")
    @State
    public static class SharedLayout {
        private final Producer producer;
        private final Consumer consumer;

        public SharedLayout() {
            SharedRing ring = Litmus.sharedLayout(16);
            producer = ring.producer();
            consumer = ring.consumer();
        }

        @Actor
        public void producer() {
            commitSixOfEight(producer);
        }

        @Actor
        public void consumer(L_Result r) {
            r.r1 = readOnce(consumer);
        }
    }
}
