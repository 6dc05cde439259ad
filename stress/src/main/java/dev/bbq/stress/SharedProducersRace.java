package dev.bbq.stress;

import dev.bbq.BBQueue;
import dev.bbq.Frame;
import dev.bbq.FrameConsumer;
import dev.bbq.SharedFrameGrant;
import dev.bbq.SharedFrameProducer;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.L_Result;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Several threads racing through one {@link SharedFrameProducer} for the same space (S1 in
 * design.md, section 10, over R1 to R12): whatever the interleaving, the producer's private state
 * passes whole from one thread to the next, so every frame that a thread was told it wrote arrives
 * whole, exactly once, and no frame arrives that nobody wrote.
 *
 * <p>Producer {@code k} (A, B, C) writes one frame of stream bytes from {@code 40 * k}, copied in
 * ({@code tryWrite}) or built in a grant ({@code tryGrant}). The ring is set up first so that the race
 * happens where the state machine branches: the last room of a full ring (exactly one may win), the
 * room before the wrap and then in front of the read position (the second frame wraps and moves the
 * watermark), and a drained ring whose free space fits no frame until the drained-ring handshake
 * (R8) has completed. The arbiter reads what arrived. jcstress runs no more actors than the machine
 * has CPUs, so the three-producer tests run on four cores (a Raspberry Pi 4 or 5) and are reported
 * as skipped, loudly, on two ({@link JcstressGate}); on two cores the soak's four producer threads
 * and the unit tests cover three and more threads.
 *
 * <p>What breaks it: a lock that lets two threads into the producer at once (two frames at the same
 * start, a torn header, a watermark from one thread's view and an index from the other's), a
 * hand-over without release/acquire (the next thread starts from a stale {@code pWrite} on a weak
 * machine), or a try-form that refuses while the ring has room (it must wait out another thread's
 * copy, never fail on it).
 */
public final class SharedProducersRace {
    private SharedProducersRace() {
    }

    static final int PAYLOAD = 9; // 10 bytes with the header

    static byte[] payload(int producer, int length) {
        return Litmus.bytes(40 * producer, length);
    }

    /**
     * Producer {@code k}'s frame, by copy ({@code k} even) or through a grant ({@code k} odd). A
     * try-form fails at once while another thread holds a grant, so only the tests where a refusal
     * is an acceptable outcome mix grants in; the others copy ({@link #copy}).
     */
    static boolean write(SharedFrameProducer producer, int k, int length) {
        byte[] bytes = payload(k, length);
        if (k % 2 == 0) {
            return producer.tryWrite(bytes, 0, length);
        }
        SharedFrameGrant grant = producer.tryGrant(length);
        if (grant == null) {
            return false;
        }
        grant.put(0, bytes, 0, length);
        grant.commit(length);
        return true;
    }

    /** Producer {@code k}'s frame, by copy: refused only if there is no room. */
    static boolean copy(SharedFrameProducer producer, int k, int length) {
        return producer.tryWrite(payload(k, length), 0, length);
    }

    static String name(ByteBuffer frame, int length) {
        for (int k = 0; k < 3; k++) {
            if (frame.remaining() == length && Litmus.check(frame, 40 * k).endsWith("intact")) {
                return String.valueOf((char) ('A' + k));
            }
        }
        return "corrupt(" + frame.remaining() + ")";
    }

    /** Reads up to {@code attempts} frames into {@code seen}. */
    static void read(FrameConsumer consumer, int attempts, int length, List<String> seen) {
        for (int a = 0; a < attempts; a++) {
            Frame frame = consumer.tryRead();
            if (frame != null) {
                seen.add(name(frame.buffer(), length));
                frame.release();
            }
        }
    }

    /**
     * Compares what was written with what was seen: {@code "A B whole"} (sorted names) if every frame
     * written was seen once, whole, and nothing else; otherwise says what went wrong.
     */
    static String verdict(boolean[] written, List<String> seen) {
        List<String> expected = new ArrayList<>();
        for (int k = 0; k < written.length; k++) {
            if (written[k]) {
                expected.add(String.valueOf((char) ('A' + k)));
            }
        }
        List<String> sorted = new ArrayList<>(seen);
        Collections.sort(sorted);
        if (!sorted.equals(expected)) {
            return "written " + expected + " but seen " + seen;
        }
        return expected.isEmpty() ? "none" : String.join(" ", expected) + " whole";
    }

    // ---- the last room of a full ring ------------------------------------------------------------

    /** A 32-byte ring holding a 20-byte frame: 11 bytes left at the tail, nothing in front of read. */
    static BBQueue fullButOneFrame(FrameConsumer[] consumer, SharedFrameProducer[] producer) {
        BBQueue queue = Litmus.spinning(32);
        producer[0] = queue.sharedFrameProducer();
        consumer[0] = queue.frameConsumer();
        producer[0].tryWrite(new byte[20], 0, 20);
        return queue;
    }

    static String lastRoom(FrameConsumer consumer, boolean[] written) {
        List<String> seen = new ArrayList<>();
        Frame first = consumer.tryRead();
        first.release(); // the 20-byte filler
        read(consumer, 3, PAYLOAD, seen);
        return verdict(written, seen);
    }

    @JCStressTest
    @Outcome(id = "A whole", expect = ACCEPTABLE, desc = "A took the last room; B was refused")
    @Outcome(id = "B whole", expect = ACCEPTABLE, desc = "B took the last room; A was refused")
    @Outcome(expect = FORBIDDEN, desc = "both or neither got in, or a frame was torn, lost or invented")
    @State
    public static class TwoForTheLastRoom {
        private final SharedFrameProducer producer;
        private final FrameConsumer consumer;
        private final boolean[] written = new boolean[2];

        public TwoForTheLastRoom() {
            SharedFrameProducer[] p = new SharedFrameProducer[1];
            FrameConsumer[] c = new FrameConsumer[1];
            fullButOneFrame(c, p);
            producer = p[0];
            consumer = c[0];
        }

        @Actor
        public void a() {
            written[0] = write(producer, 0, PAYLOAD);
        }

        @Actor
        public void b() {
            written[1] = write(producer, 1, PAYLOAD);
        }

        @Arbiter
        public void arbiter(L_Result r) {
            r.r1 = Litmus.observe(() -> lastRoom(consumer, written));
        }
    }

    @JCStressTest
    @Outcome(id = "A whole", expect = ACCEPTABLE, desc = "A took the last room")
    @Outcome(id = "B whole", expect = ACCEPTABLE, desc = "B took the last room")
    @Outcome(id = "C whole", expect = ACCEPTABLE, desc = "C took the last room")
    @Outcome(expect = FORBIDDEN, desc = "not exactly one got in, or a frame was torn, lost or invented")
    @State
    public static class ThreeForTheLastRoom {
        private final SharedFrameProducer producer;
        private final FrameConsumer consumer;
        private final boolean[] written = new boolean[3];

        public ThreeForTheLastRoom() {
            SharedFrameProducer[] p = new SharedFrameProducer[1];
            FrameConsumer[] c = new FrameConsumer[1];
            fullButOneFrame(c, p);
            producer = p[0];
            consumer = c[0];
        }

        @Actor
        public void a() {
            written[0] = write(producer, 0, PAYLOAD);
        }

        @Actor
        public void b() {
            written[1] = write(producer, 1, PAYLOAD);
        }

        @Actor
        public void c() {
            written[2] = write(producer, 2, PAYLOAD);
        }

        @Arbiter
        public void arbiter(L_Result r) {
            r.r1 = Litmus.observe(() -> lastRoom(consumer, written));
        }
    }

    // ---- across the wrap and the watermark -------------------------------------------------------

    /**
     * A 48-byte ring drained at 31: 17 bytes at the tail take the first 10-byte frame, the second
     * wraps to 0 (and stores the watermark 41), the third follows it at 10. The arbiter's consumer
     * follows the watermark from the first frame to the others.
     */
    static SharedFrameProducer drainedAt31(FrameConsumer[] consumer) {
        BBQueue queue = Litmus.spinning(48);
        SharedFrameProducer producer = queue.sharedFrameProducer();
        consumer[0] = queue.frameConsumer();
        producer.tryWrite(new byte[30], 0, 30);
        consumer[0].tryRead().release();
        return producer;
    }

    @JCStressTest
    @Outcome(id = "A B whole", expect = ACCEPTABLE, desc = "both frames whole, one of them after the wrap")
    @Outcome(expect = FORBIDDEN, desc = "a refused write with room, or a torn, lost or invented frame")
    @State
    public static class TwoAcrossTheWrap {
        private final SharedFrameProducer producer;
        private final FrameConsumer consumer;
        private final boolean[] written = new boolean[2];
        private final List<String> seen = new ArrayList<>();

        public TwoAcrossTheWrap() {
            FrameConsumer[] c = new FrameConsumer[1];
            producer = drainedAt31(c);
            consumer = c[0];
        }

        @Actor
        public void a() {
            written[0] = copy(producer, 0, PAYLOAD);
        }

        @Actor
        public void b() {
            written[1] = copy(producer, 1, PAYLOAD);
        }

        @Arbiter
        public void arbiter(L_Result r) {
            r.r1 = Litmus.observe(() -> {
                read(consumer, 3, PAYLOAD, seen);
                return verdict(written, seen);
            });
        }
    }

    @JCStressTest
    @Outcome(id = "A B C whole", expect = ACCEPTABLE, desc = "all three whole: one at the tail, two after the wrap")
    @Outcome(expect = FORBIDDEN, desc = "a refused write with room, or a torn, lost or invented frame")
    @State
    public static class ThreeAcrossTheWrap {
        private final SharedFrameProducer producer;
        private final FrameConsumer consumer;
        private final boolean[] written = new boolean[3];
        private final List<String> seen = new ArrayList<>();

        public ThreeAcrossTheWrap() {
            FrameConsumer[] c = new FrameConsumer[1];
            producer = drainedAt31(c);
            consumer = c[0];
        }

        @Actor
        public void a() {
            written[0] = copy(producer, 0, PAYLOAD);
        }

        @Actor
        public void b() {
            written[1] = copy(producer, 1, PAYLOAD);
        }

        @Actor
        public void c() {
            written[2] = copy(producer, 2, PAYLOAD);
        }

        @Arbiter
        public void arbiter(L_Result r) {
            r.r1 = Litmus.observe(() -> {
                read(consumer, 4, PAYLOAD, seen);
                return verdict(written, seen);
            });
        }
    }

    // ---- the drained-ring handshake --------------------------------------------------------------

    static final int BIG = 29; // 30 bytes with the header: fits a drained 32-byte ring only at 0

    /**
     * A 32-byte ring drained at 24: a 30-byte frame fits neither the tail (8) nor the front (23)
     * until the handshake moves both indices to 0 (R8): one producer's refusal publishes the empty
     * wrap, the consumer's look (in B's thread, before B tries) follows it, and then one attempt, by
     * whichever thread, gets the whole ring; only one 30-byte frame fits, and nobody reads during the
     * race after the look. Each producer tries twice. The arbiter reads what is there and then
     * checks the handshake's promise through the shared producer: after a refusal and one look by
     * the consumer, the whole ring.
     */
    static SharedFrameProducer drainedAt24(FrameConsumer[] consumer) {
        BBQueue queue = Litmus.spinning(32);
        SharedFrameProducer producer = queue.sharedFrameProducer();
        consumer[0] = queue.frameConsumer();
        producer.tryWrite(new byte[23], 0, 23);
        consumer[0].tryRead().release();
        return producer;
    }

    static String handshakeVerdict(SharedFrameProducer producer, FrameConsumer consumer, boolean[] written,
            List<String> seen) {
        read(consumer, 4, BIG, seen);
        String verdict = verdict(written, seen);
        boolean whole = producer.tryWrite(new byte[BIG], 0, BIG);
        if (!whole) {
            consumer.tryRead(); // the one look the promise allows
            whole = producer.tryWrite(new byte[BIG], 0, BIG);
        }
        return verdict + (whole ? ", whole ring after one look" : ", stuck");
    }

    @JCStressTest
    @Outcome(id = "none, whole ring after one look", expect = ACCEPTABLE, desc = "the consumer did not look in time")
    @Outcome(id = "A whole, whole ring after one look", expect = ACCEPTABLE, desc = "A's second try got the ring")
    @Outcome(id = "B whole, whole ring after one look", expect = ACCEPTABLE, desc = "B's second try got the ring")
    @Outcome(expect = FORBIDDEN, desc = "a torn, lost or invented frame, or no whole ring after one look")
    @State
    public static class TwoAtTheDrainedRing {
        private final SharedFrameProducer producer;
        private final FrameConsumer consumer;
        private final boolean[] written = new boolean[2];
        private final List<String> seen = new ArrayList<>();
        private String during = ""; // "threw X" if the consumer's reads during the race threw

        public TwoAtTheDrainedRing() {
            FrameConsumer[] c = new FrameConsumer[1];
            producer = drainedAt24(c);
            consumer = c[0];
        }

        @Actor
        public void a() {
            written[0] = write(producer, 0, BIG) || write(producer, 0, BIG);
        }

        @Actor
        public void b() {
            // the consumer's one look during the race, from this thread: jcstress runs no more actors than CPUs
            during = Litmus.observe(() -> {
                read(consumer, 1, BIG, seen);
                return "";
            });
            written[1] = write(producer, 1, BIG) || write(producer, 1, BIG);
        }

        @Arbiter
        public void arbiter(L_Result r) {
            r.r1 = Litmus.observe(() -> handshakeVerdict(producer, consumer, written, seen) + during);
        }
    }

    @JCStressTest
    @Outcome(id = "none, whole ring after one look", expect = ACCEPTABLE, desc = "the consumer did not look in time")
    @Outcome(id = "A whole, whole ring after one look", expect = ACCEPTABLE, desc = "one second try got the ring")
    @Outcome(id = "B whole, whole ring after one look", expect = ACCEPTABLE, desc = "one second try got the ring")
    @Outcome(id = "C whole, whole ring after one look", expect = ACCEPTABLE, desc = "one second try got the ring")
    @Outcome(expect = FORBIDDEN, desc = "a torn, lost or invented frame, or no whole ring after one look")
    @State
    public static class ThreeAtTheDrainedRing {
        private final SharedFrameProducer producer;
        private final FrameConsumer consumer;
        private final boolean[] written = new boolean[3];
        private final List<String> seen = new ArrayList<>();
        private String during = ""; // "threw X" if the consumer's reads during the race threw

        public ThreeAtTheDrainedRing() {
            FrameConsumer[] c = new FrameConsumer[1];
            producer = drainedAt24(c);
            consumer = c[0];
        }

        @Actor
        public void a() {
            written[0] = write(producer, 0, BIG) || write(producer, 0, BIG);
        }

        @Actor
        public void b() {
            // the consumer's one look during the race, from this thread: jcstress runs no more actors than CPUs
            during = Litmus.observe(() -> {
                read(consumer, 1, BIG, seen);
                return "";
            });
            written[1] = write(producer, 1, BIG) || write(producer, 1, BIG);
        }

        @Actor
        public void c() {
            written[2] = write(producer, 2, BIG) || write(producer, 2, BIG);
        }

        @Arbiter
        public void arbiter(L_Result r) {
            r.r1 = Litmus.observe(() -> handshakeVerdict(producer, consumer, written, seen) + during);
        }
    }
}
