package dev.bbq.stress;

import dev.bbq.BBQueue;
import dev.bbq.Frame;
import dev.bbq.FrameBatch;
import dev.bbq.FrameConsumer;
import dev.bbq.FrameProducer;
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
 * Batched commits (R11 for a batch, with R2): the frames of a {@link FrameBatch} are published by
 * one index store and one flag, the first frame's; the later frames' flags are stored with their
 * headers before that flag's release fence. So a consumer that sees the batch's first frame finds
 * every later frame of the batch at once, whole, without waiting.
 *
 * <p>The producer commits frame P alone (so a consumer that keeps up waits in-band at its end),
 * then a batch of A (5 bytes from stream byte 0), B (3 bytes from 5) and C (4 bytes from 8). The
 * consumer reads until a read finds nothing, except that once it has A, the next reads must give B
 * and C at once. The outcomes name what it saw: {@code "none"}, {@code "P"} or {@code "P A B C"}.
 *
 * <p>What breaks it: a later frame's flag stored after the first's (or after the fence), the byte
 * after the batch not zeroed before the index, the first flag before the index: "P A", "P A B", a
 * torn frame, or A before P.
 */
public class BatchArrivesWhole {

    static void publish(FrameProducer producer, FrameBatch batch) {
        producer.tryWrite(new byte[] {(byte) 0xEE}, 0, 1);
        producer.tryGrantBatch(24, batch);
        batch.tryAppend(Litmus.bytes(0, 5), 0, 5);
        batch.tryAppend(Litmus.bytes(5, 3), 0, 3);
        batch.tryAppend(Litmus.bytes(8, 4), 0, 4);
        batch.commit();
    }

    static String name(ByteBuffer frame) {
        int n = frame.remaining();
        if (n == 1 && frame.get(frame.position()) == (byte) 0xEE) {
            return "P";
        }
        if (n == 5 && Litmus.check(frame, 0).endsWith("intact")) {
            return "A";
        }
        if (n == 3 && Litmus.check(frame, 5).endsWith("intact")) {
            return "B";
        }
        if (n == 4 && Litmus.check(frame, 8).endsWith("intact")) {
            return "C";
        }
        return "corrupt";
    }

    /** Reads until nothing is there; after A, B and C must follow without a miss. */
    static String read(FrameConsumer consumer) {
        StringBuilder seen = new StringBuilder();
        boolean inBatch = false;
        for (int attempt = 0; attempt < 4; attempt++) {
            Frame frame = consumer.tryRead();
            if (frame == null) {
                if (inBatch) {
                    seen.append(" (missing)");
                }
                break;
            }
            String name = name(frame.buffer());
            frame.release();
            seen.append(seen.length() == 0 ? "" : " ").append(name);
            inBatch = name.equals("A") || name.equals("B");
        }
        return seen.length() == 0 ? "none" : seen.toString();
    }

    /** Frames read one at a time, a consumer that keeps up peeking in-band. */
    @JCStressTest
    @Outcome(id = "none", expect = ACCEPTABLE, desc = "the reads came before P's commit")
    @Outcome(id = "P", expect = ACCEPTABLE, desc = "P whole; the batch not yet")
    @Outcome(id = "P A B C", expect = ACCEPTABLE, desc = "P, then the whole batch at once")
    @Outcome(expect = FORBIDDEN, desc = "part of a batch, a torn or reordered frame: R11 for batches is broken")
    @State
    public static class OneByOne {
        private final FrameProducer producer;
        private final FrameConsumer consumer;
        private final FrameBatch batch = new FrameBatch();

        public OneByOne() {
            BBQueue queue = Litmus.spinning(64);
            producer = queue.frameProducer();
            consumer = queue.frameConsumer();
        }

        @Actor
        public void producer() {
            publish(producer, batch);
        }

        @Actor
        public void consumer(L_Result r) {
            r.r1 = Litmus.observe(() -> read(consumer));
        }
    }

    /** Frames drained: a drain that finds A hands over B and C in the same call. */
    @JCStressTest
    @Outcome(id = "none", expect = ACCEPTABLE, desc = "the drain came before P's commit")
    @Outcome(id = "P", expect = ACCEPTABLE, desc = "P whole; the batch not yet")
    @Outcome(id = "P A B C", expect = ACCEPTABLE, desc = "P and the whole batch")
    @Outcome(expect = FORBIDDEN, desc = "part of a batch, a torn or reordered frame: R11 for batches is broken")
    @State
    public static class Drained {
        private final FrameProducer producer;
        private final FrameConsumer consumer;
        private final FrameBatch batch = new FrameBatch();

        public Drained() {
            BBQueue queue = Litmus.spinning(64);
            producer = queue.frameProducer();
            consumer = queue.frameConsumer();
        }

        @Actor
        public void producer() {
            publish(producer, batch);
        }

        @Actor
        public void consumer(L_Result r) {
            r.r1 = Litmus.observe(() -> {
                StringBuilder seen = new StringBuilder();
                consumer.drain(frame -> seen.append(seen.length() == 0 ? "" : " ").append(name(frame)), 8);
                return seen.length() == 0 ? "none" : seen.toString();
            });
        }
    }

    /** Frames read through the index, over the layout of a queue file shared by two processes. */
    @JCStressTest
    @Outcome(id = "none", expect = ACCEPTABLE, desc = "the reads came before P's commit")
    @Outcome(id = "P", expect = ACCEPTABLE, desc = "P whole; the batch not yet")
    @Outcome(id = "P A B C", expect = ACCEPTABLE, desc = "P, then the whole batch at once")
    @Outcome(expect = FORBIDDEN, desc = "part of a batch, a torn or reordered frame: R11 or R2 is broken")
    @State
    public static class CheckedAgainstIndex {
        private final FrameProducer producer;
        private final FrameConsumer consumer;
        private final FrameBatch batch = new FrameBatch();

        public CheckedAgainstIndex() {
            SharedRing ring = Litmus.sharedLayout(64);
            producer = ring.frameProducer();
            consumer = ring.frameConsumer();
        }

        @Actor
        public void producer() {
            publish(producer, batch);
        }

        @Actor
        public void consumer(L_Result r) {
            r.r1 = Litmus.observe(() -> read(consumer));
        }
    }
}
