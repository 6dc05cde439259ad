package dev.bbq.stress;

import dev.bbq.BBQueue;
import dev.bbq.Frame;
import dev.bbq.FrameConsumer;
import dev.bbq.FrameGrant;
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
 * Frame header against payload (R11, with R2): a framed consumer sees a frame whole, with its
 * committed length and bytes, or not at all.
 *
 * <p>The producer publishes frame A (a grant of up to 8 bytes, 5 of them committed: stream bytes
 * 0..4) and then frame B (copied in: stream bytes 5..7). Each commit writes the header's first byte,
 * the frame's in-band commit flag, last, after a release fence, and publishes the index before the
 * flag; a consumer that peeks at the flag (the fast path while it keeps up) or that loads the index
 * must both find complete frames. The consumer either reads frames one at a time or drains them.
 * The outcomes name the frames it saw, in order: {@code "none"}, {@code "A"} or {@code "A B"}.
 *
 * <p>What breaks it: the flag written before the payload or header (or without the release fence),
 * the next flag byte not zeroed before the index moves, or the consumer's peek not followed by an
 * acquire fence would show a frame with a wrong length or stale bytes, or B without A.
 *
 * <p>{@link CheckedAgainstIndex} reads frames the way a consumer of a queue file shared by two
 * processes does: every frame is checked against {@code write} (R2), never trusted in-band.
 */
public class FramesArriveWhole {

    static void publishBoth(FrameProducer producer) {
        FrameGrant a = producer.tryGrant(8);
        ByteBuffer view = a.buffer();
        Litmus.fill(view, 0, 5);
        a.commit(5);
        producer.tryWrite(Litmus.bytes(5, 3), 0, 3);
    }

    /** Names a frame: A is 5 bytes from stream byte 0, B is 3 bytes from 5; anything else is corrupt. */
    static String name(ByteBuffer frame) {
        int n = frame.remaining();
        if (n == 5 && Litmus.check(frame, 0).endsWith("intact")) {
            return "A";
        }
        if (n == 3 && Litmus.check(frame, 5).endsWith("intact")) {
            return "B";
        }
        return "corrupt";
    }

    /** Two read attempts, each releasing the frame it got; names the frames seen. */
    static String readTwice(FrameConsumer consumer) {
        StringBuilder seen = new StringBuilder();
        for (int attempt = 0; attempt < 2; attempt++) {
            Frame frame = consumer.tryRead();
            if (frame != null) {
                seen.append(seen.length() == 0 ? "" : " ").append(name(frame.buffer()));
                frame.release();
            }
        }
        return seen.length() == 0 ? "none" : seen.toString();
    }

    /** Frames read one at a time with {@link FrameConsumer#tryRead()} (two attempts). */
    @JCStressTest
    @Outcome(id = "none", expect = ACCEPTABLE, desc = "both reads came before the first commit")
    @Outcome(id = "A", expect = ACCEPTABLE, desc = "frame A whole; B not yet")
    @Outcome(id = "A B", expect = ACCEPTABLE, desc = "both frames whole, in order")
    @Outcome(expect = FORBIDDEN, desc = "a torn, stale, reordered or invented frame: R11 or R2 is broken")
    @State
    public static class OneByOne {
        private final FrameProducer producer;
        private final FrameConsumer consumer;

        public OneByOne() {
            BBQueue queue = Litmus.spinning(32);
            producer = queue.frameProducer();
            consumer = queue.frameConsumer();
        }

        @Actor
        public void producer() {
            publishBoth(producer);
        }

        @Actor
        public void consumer(L_Result r) {
            r.r1 = Litmus.observe(() -> readTwice(consumer));
        }
    }

    /** Frames drained in one batch with {@link FrameConsumer#drain(FrameHandler, int)}. */
    @JCStressTest
    @Outcome(id = "none", expect = ACCEPTABLE, desc = "the drain came before the first commit")
    @Outcome(id = "A", expect = ACCEPTABLE, desc = "frame A whole; B not yet")
    @Outcome(id = "A B", expect = ACCEPTABLE, desc = "both frames whole, in order")
    @Outcome(expect = FORBIDDEN, desc = "a torn, stale, reordered or invented frame: R11 or R2 is broken")
    @State
    public static class Drained {
        private final FrameProducer producer;
        private final FrameConsumer consumer;

        public Drained() {
            BBQueue queue = Litmus.spinning(32);
            producer = queue.frameProducer();
            consumer = queue.frameConsumer();
        }

        @Actor
        public void producer() {
            publishBoth(producer);
        }

        @Actor
        public void consumer(L_Result r) {
            r.r1 = Litmus.observe(() -> {
                StringBuilder seen = new StringBuilder();
                consumer.drain(frame -> seen.append(seen.length() == 0 ? "" : " ").append(name(frame)), 4);
                return seen.length() == 0 ? "none" : seen.toString();
            });
        }
    }

    /** Frames read one at a time over the layout of a queue file shared by two processes. */
    @JCStressTest
    @Outcome(id = "none", expect = ACCEPTABLE, desc = "both reads came before the first commit")
    @Outcome(id = "A", expect = ACCEPTABLE, desc = "frame A whole; B not yet")
    @Outcome(id = "A B", expect = ACCEPTABLE, desc = "both frames whole, in order")
    @Outcome(expect = FORBIDDEN, desc = "a torn, stale, reordered or invented frame: R2 is broken")
    @State
    public static class CheckedAgainstIndex {
        private final FrameProducer producer;
        private final FrameConsumer consumer;

        public CheckedAgainstIndex() {
            SharedRing ring = Litmus.sharedLayout(32);
            producer = ring.frameProducer();
            consumer = ring.frameConsumer();
        }

        @Actor
        public void producer() {
            publishBoth(producer);
        }

        @Actor
        public void consumer(L_Result r) {
            r.r1 = Litmus.observe(() -> readTwice(consumer));
        }
    }
}
