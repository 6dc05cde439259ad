package dev.bbq.stress;

import dev.bbq.BBQueue;
import dev.bbq.Frame;
import dev.bbq.FrameConsumer;
import dev.bbq.FrameProducer;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LL_Result;

import java.nio.ByteBuffer;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * A frame that wraps (R11 with R3 and R5): the consumer waits in-band at the producer's old write
 * position while the producer's next frame goes to offset 0, over an older frame's bytes.
 *
 * <p>Capacity 16. Frame P (stream bytes 0..8, 1-byte header) was committed at [0, 10), read and
 * released; the consumer caught up at 10 and will look in-band there. The producer copies in frame W
 * (stream bytes 20..26): 8 bytes do not fit the tail [10, 16) but fit in front of {@code read}, so W
 * goes to [0, 8), where P's header and bytes still lie. The wrap zeroes W's flag byte before the
 * index moves, publishes {@code last = 10} and {@code write = 8}, then marks offset 10 with the
 * index mark (so the in-band consumer looks at the index), then writes W's flag. Then the producer
 * copies in frame X (stream byte 30) if there is room. The consumer makes three read attempts and
 * names what it saw: nothing, W, or W then X. It never sees P again or a frame made of P's and W's
 * bytes.
 *
 * <p>What breaks it: not zeroing the flag byte at 0 before publishing the index lets the consumer,
 * which follows the watermark as soon as it sees the index, take P's old header for W's; not zeroing
 * the flag after each frame lets an in-band peek read a stale byte as a header; publishing the index
 * mark before the index (R11) or {@code write} before {@code last} (R3) shows skipped bytes.
 */
@JCStressTest
@Outcome(id = "none, W", expect = ACCEPTABLE, desc = "the reads came before W's commit; X was refused")
@Outcome(id = "none, W X", expect = ACCEPTABLE, desc = "the reads came before W's commit")
@Outcome(id = "W, W", expect = ACCEPTABLE, desc = "W whole; the producer found no room for X")
@Outcome(id = "W, W X", expect = ACCEPTABLE, desc = "W whole; X not seen yet")
@Outcome(id = "W X, W X", expect = ACCEPTABLE, desc = "both frames whole, in order")
@Outcome(expect = FORBIDDEN, desc = "an old, torn or invented frame after the wrap: R11 is broken")
@State
public class FrameAfterWrap {
    private final FrameProducer producer;
    private final FrameConsumer consumer;

    public FrameAfterWrap() {
        BBQueue queue = Litmus.spinning(16);
        producer = queue.frameProducer();
        consumer = queue.frameConsumer();
        producer.tryWrite(Litmus.bytes(0, 9), 0, 9);
        consumer.tryRead().release();
    }

    @Actor
    public void producer(LL_Result r) {
        producer.tryWrite(Litmus.bytes(20, 7), 0, 7); // always written, at 0: 8 < read = 10
        boolean x = producer.tryWrite(Litmus.bytes(30, 1), 0, 1);
        r.r2 = x ? "W X" : "W";
    }

    @Actor
    public void consumer(LL_Result r) {
        r.r1 = Litmus.observe(() -> {
            StringBuilder seen = new StringBuilder();
            for (int attempt = 0; attempt < 3; attempt++) {
                Frame frame = consumer.tryRead();
                if (frame != null) {
                    seen.append(seen.length() == 0 ? "" : " ").append(name(frame.buffer()));
                    frame.release();
                }
            }
            return seen.length() == 0 ? "none" : seen.toString();
        });
    }

    private static String name(ByteBuffer frame) {
        int n = frame.remaining();
        if (n == 7 && Litmus.check(frame, 20).endsWith("intact")) {
            return "W";
        }
        if (n == 1 && Litmus.check(frame, 30).endsWith("intact")) {
            return "X";
        }
        if (n == 9 && Litmus.check(frame, 0).endsWith("intact")) {
            return "P";
        }
        return "corrupt";
    }
}
