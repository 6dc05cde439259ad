package dev.bbq.stress;

import dev.bbq.BBQueue;
import dev.bbq.Consumer;
import dev.bbq.Producer;
import dev.bbq.ReadGrant;
import dev.bbq.WaitStrategy;
import dev.bbq.Waiter;
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
 * R9, no lost wake-up: a side that parks while the other side publishes is always woken.
 *
 * <p>The two sides start together, so the publication lands anywhere in the waiting side's
 * sequence: before its first look, between its failed look and its registration, between the
 * registration and its second look, or while it is parked. To make every pause a park (the default
 * strategy spins first, which would hide most of these windows), the queue uses
 * {@link ParkAtOnce}, a signalling strategy that parks through {@link Waiter#park} on every pause,
 * for at most one second, and records a park that ran the full second: with the other side
 * publishing within microseconds, only a lost wake-up sleeps that long.
 *
 * <p>What breaks it: a publication that reads the waiter flag without the full fence after its index
 * store, or a waiter that does not look again after registering, lets both sides miss each other:
 * the store of the index still sits in a store buffer while the flag is read. That is store-to-load
 * reordering, which x86 allows, so this bug is visible here.
 */
public class NoLostWakeUp {

    private static final String OVERSLEPT = "the waiting side slept through the publication: a lost wake-up";

    /** Parks on every pause, for at most a second, and remembers a park that lasted the whole second. */
    static final class ParkAtOnce implements WaitStrategy {
        static final long LIMIT_NANOS = TimeUnit.SECONDS.toNanos(1);
        /** Whether the waiting side paused at all; written and read by the waiting thread only. */
        boolean parked;
        /** Whether a park ran its whole second; written and read by the waiting thread only. */
        boolean overslept;

        @Override
        public void pause(int round, long remainingNanos, Waiter waiter) {
            parked = true;
            long limit = Math.min(remainingNanos, LIMIT_NANOS);
            long start = System.nanoTime();
            waiter.park(limit);
            if (System.nanoTime() - start >= LIMIT_NANOS) {
                overslept = true;
            }
        }

        @Override
        public boolean signals() {
            return true;
        }
    }

    /** The consumer waits for data; the producer commits one byte. */
    @JCStressTest
    @Outcome(id = "data, on time", expect = ACCEPTABLE, desc = "the reader found the byte without waiting")
    @Outcome(id = "data, parked, on time", expect = ACCEPTABLE, desc = "the reader parked and the commit woke it")
    @Outcome(expect = FORBIDDEN, desc = OVERSLEPT)
    @State
    public static class Reader {
        private final ParkAtOnce strategy = new ParkAtOnce();
        private final Producer producer;
        private final Consumer consumer;

        public Reader() {
            BBQueue queue = BBQueue.builder().capacity(16).waitStrategy(strategy).build();
            producer = queue.producer();
            consumer = queue.consumer();
        }

        @Actor
        public void producer() {
            WriteGrant grant = producer.tryGrantExact(1);
            Litmus.fill(grant.buffer(), 0, 1);
            grant.commit(1);
        }

        @Actor
        public void consumer(L_Result r) {
            ReadGrant grant;
            try {
                grant = consumer.read(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                r.r1 = "interrupted";
                return;
            }
            r.r1 = (grant == null ? "no data" : "data") + (strategy.parked ? ", parked" : "")
                    + (strategy.overslept ? ", overslept" : ", on time");
        }
    }

    /** The producer waits for room on a full ring; the consumer releases it. */
    @JCStressTest
    @Outcome(id = "granted, on time", expect = ACCEPTABLE, desc = "the writer found room without waiting")
    @Outcome(id = "granted, parked, on time", expect = ACCEPTABLE, desc = "the writer parked and the release woke it")
    @Outcome(expect = FORBIDDEN, desc = OVERSLEPT)
    @State
    public static class Writer {
        private final ParkAtOnce strategy = new ParkAtOnce();
        private final Producer producer;
        private final Consumer consumer;

        public Writer() {
            BBQueue queue = BBQueue.builder().capacity(16).waitStrategy(strategy).build();
            producer = queue.producer();
            consumer = queue.consumer();
            producer.tryGrantExact(16).commit(16);
        }

        @Actor
        public void producer(L_Result r) {
            WriteGrant grant;
            try {
                grant = producer.grantExact(4, 10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                r.r1 = "interrupted";
                return;
            }
            r.r1 = (grant == null ? "refused" : "granted") + (strategy.parked ? ", parked" : "")
                    + (strategy.overslept ? ", overslept" : ", on time");
        }

        @Actor
        public void consumer() {
            ReadGrant grant = consumer.tryRead();
            grant.release(grant.length());
        }
    }
}
