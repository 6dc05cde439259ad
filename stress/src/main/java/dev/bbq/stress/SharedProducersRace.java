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

    /**
     * What every race shares: a spinning framed queue of {@code capacity} bytes with its shared
     * producer and its consumer, a {@code filler}-byte frame written first (and read and released
     * when {@code drained}, which leaves the ring empty at the filler's end), what each producer was
     * told it wrote, and what the consumer saw.
     */
    abstract static class Race {
        final SharedFrameProducer producer;
        final FrameConsumer consumer;
        final boolean[] written;
        final List<String> seen = new ArrayList<>();
        String during = ""; // "threw X" if the consumer's look during the race threw

        Race(int capacity, int filler, boolean drained, int producers) {
            BBQueue queue = Litmus.spinning(capacity);
            producer = queue.sharedFrameProducer();
            consumer = queue.frameConsumer();
            written = new boolean[producers];
            producer.tryWrite(new byte[filler], 0, filler);
            if (drained) {
                consumer.tryRead().release();
            }
        }

        /** The consumer's one look during the race (a drained-ring test runs it in B's thread). */
        void look(int length) {
            during = Litmus.observe(() -> {
                read(consumer, 1, length, seen);
                return "";
            });
        }
    }

    // ---- refusals counted (S2) --------------------------------------------------------------------

    /**
     * S2: A holds the producer for a grant while B's {@code writeOrDrop} races it. B either got the
     * producer (before or after A's grant) or was refused while A held it and dropped its frame;
     * a refused thread cannot touch the ring's counters, so it leaves its drop pending, and the
     * holder folds pending counts in before it lets go. Whatever the interleaving, a snapshot taken
     * afterwards ({@code stats()}, which folds what still waits when the producer is free) counts
     * every frame: committed plus dropped is 2, and a drop is counted with its bytes and as a refused
     * grant. What breaks it: a holder that releases without folding, or a count lost between a
     * refused thread's add and the holder's fold.
     */
    @JCStressTest
    @Outcome(id = "both committed", expect = ACCEPTABLE, desc = "B got the producer before or after A's grant")
    @Outcome(id = "A committed, B dropped and counted", expect = ACCEPTABLE,
            desc = "B was refused while A held the producer; its drop reached the queue's counters")
    @Outcome(expect = FORBIDDEN, desc = "a frame neither committed nor counted, or counted twice")
    @State
    public static class RefusalsAreCounted {
        private final BBQueue queue = Litmus.spinning(256);
        private final SharedFrameProducer producer = queue.sharedFrameProducer();
        private boolean granted;
        private boolean bWritten;

        @Actor
        public void a() {
            SharedFrameGrant grant = producer.tryGrant(PAYLOAD);
            if (grant != null) { // never null here: B only copies, and a try-form waits out a copy
                grant.put(0, payload(0, PAYLOAD), 0, PAYLOAD);
                grant.commit(PAYLOAD);
                granted = true;
            }
        }

        @Actor
        public void b() {
            bWritten = producer.writeOrDrop(payload(1, PAYLOAD), 0, PAYLOAD);
        }

        @Arbiter
        public void arbiter(L_Result r) {
            dev.bbq.QueueStats stats = queue.stats();
            long committed = stats.framesCommitted();
            long dropped = stats.framesDropped();
            if (granted && bWritten && committed == 2 && dropped == 0) {
                r.r1 = "both committed";
            } else if (granted && !bWritten && committed == 1 && dropped == 1 && stats.bytesDropped() == PAYLOAD
                    && stats.grantsRefused() >= 1) {
                r.r1 = "A committed, B dropped and counted";
            } else {
                r.r1 = "granted " + granted + ", B written " + bWritten + ": committed " + committed + ", dropped "
                        + dropped + " (" + stats.bytesDropped() + " B), refused " + stats.grantsRefused();
            }
        }
    }

    // ---- the last room of a full ring ------------------------------------------------------------

    /** A 32-byte ring holding a 20-byte frame: 11 bytes left at the tail, nothing in front of read. */
    abstract static class LastRoom extends Race {
        LastRoom(int producers) {
            super(32, 20, false, producers);
        }

        String verdict() {
            consumer.tryRead().release(); // the filler
            read(consumer, 3, PAYLOAD, seen);
            return SharedProducersRace.verdict(written, seen);
        }
    }

    @JCStressTest
    @Outcome(id = "A whole", expect = ACCEPTABLE, desc = "A took the last room; B was refused")
    @Outcome(id = "B whole", expect = ACCEPTABLE, desc = "B took the last room; A was refused")
    @Outcome(expect = FORBIDDEN, desc = "both or neither got in, or a frame was torn, lost or invented")
    @State
    public static class TwoForTheLastRoom extends LastRoom {
        public TwoForTheLastRoom() {
            super(2);
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
            r.r1 = Litmus.observe(this::verdict);
        }
    }

    @JCStressTest
    @Outcome(id = "A whole", expect = ACCEPTABLE, desc = "A took the last room")
    @Outcome(id = "B whole", expect = ACCEPTABLE, desc = "B took the last room")
    @Outcome(id = "C whole", expect = ACCEPTABLE, desc = "C took the last room")
    @Outcome(expect = FORBIDDEN, desc = "not exactly one got in, or a frame was torn, lost or invented")
    @State
    public static class ThreeForTheLastRoom extends LastRoom {
        public ThreeForTheLastRoom() {
            super(3);
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
            r.r1 = Litmus.observe(this::verdict);
        }
    }

    // ---- across the wrap and the watermark -------------------------------------------------------

    /**
     * A 48-byte ring drained at 31: 17 bytes at the tail take the first 10-byte frame, the second
     * wraps to 0 (and stores the watermark 41), the third follows it at 10. The arbiter's consumer
     * follows the watermark from the first frame to the others. Every producer copies: none may be
     * refused.
     */
    abstract static class AcrossTheWrap extends Race {
        AcrossTheWrap(int producers) {
            super(48, 30, true, producers);
        }

        String verdict() {
            read(consumer, 4, PAYLOAD, seen);
            return SharedProducersRace.verdict(written, seen);
        }
    }

    @JCStressTest
    @Outcome(id = "A B whole", expect = ACCEPTABLE, desc = "both frames whole, one of them after the wrap")
    @Outcome(expect = FORBIDDEN, desc = "a refused write with room, or a torn, lost or invented frame")
    @State
    public static class TwoAcrossTheWrap extends AcrossTheWrap {
        public TwoAcrossTheWrap() {
            super(2);
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
            r.r1 = Litmus.observe(this::verdict);
        }
    }

    @JCStressTest
    @Outcome(id = "A B C whole", expect = ACCEPTABLE, desc = "all three whole: one at the tail, two after the wrap")
    @Outcome(expect = FORBIDDEN, desc = "a refused write with room, or a torn, lost or invented frame")
    @State
    public static class ThreeAcrossTheWrap extends AcrossTheWrap {
        public ThreeAcrossTheWrap() {
            super(3);
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
            r.r1 = Litmus.observe(this::verdict);
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
    abstract static class AtTheDrainedRing extends Race {
        AtTheDrainedRing(int producers) {
            super(32, 23, true, producers);
        }

        void tryTwice(int k) {
            written[k] = write(producer, k, BIG) || write(producer, k, BIG);
        }

        String verdict() {
            read(consumer, 4, BIG, seen);
            String verdict = SharedProducersRace.verdict(written, seen);
            boolean whole = producer.tryWrite(new byte[BIG], 0, BIG);
            if (!whole) {
                consumer.tryRead(); // the one look the promise allows
                whole = producer.tryWrite(new byte[BIG], 0, BIG);
            }
            return verdict + (whole ? ", whole ring after one look" : ", stuck") + during;
        }
    }

    @JCStressTest
    @Outcome(id = "none, whole ring after one look", expect = ACCEPTABLE, desc = "the consumer did not look in time")
    @Outcome(id = "A whole, whole ring after one look", expect = ACCEPTABLE, desc = "A's second try got the ring")
    @Outcome(id = "B whole, whole ring after one look", expect = ACCEPTABLE, desc = "B's second try got the ring")
    @Outcome(expect = FORBIDDEN, desc = "a torn, lost or invented frame, or no whole ring after one look")
    @State
    public static class TwoAtTheDrainedRing extends AtTheDrainedRing {
        public TwoAtTheDrainedRing() {
            super(2);
        }

        @Actor
        public void a() {
            tryTwice(0);
        }

        @Actor
        public void b() {
            look(BIG); // jcstress runs no more actors than CPUs: the consumer looks from B's thread
            tryTwice(1);
        }

        @Arbiter
        public void arbiter(L_Result r) {
            r.r1 = Litmus.observe(this::verdict);
        }
    }

    @JCStressTest
    @Outcome(id = "none, whole ring after one look", expect = ACCEPTABLE, desc = "the consumer did not look in time")
    @Outcome(id = "A whole, whole ring after one look", expect = ACCEPTABLE, desc = "one second try got the ring")
    @Outcome(id = "B whole, whole ring after one look", expect = ACCEPTABLE, desc = "one second try got the ring")
    @Outcome(id = "C whole, whole ring after one look", expect = ACCEPTABLE, desc = "one second try got the ring")
    @Outcome(expect = FORBIDDEN, desc = "a torn, lost or invented frame, or no whole ring after one look")
    @State
    public static class ThreeAtTheDrainedRing extends AtTheDrainedRing {
        public ThreeAtTheDrainedRing() {
            super(3);
        }

        @Actor
        public void a() {
            tryTwice(0);
        }

        @Actor
        public void b() {
            look(BIG);
            tryTwice(1);
        }

        @Actor
        public void c() {
            tryTwice(2);
        }

        @Arbiter
        public void arbiter(L_Result r) {
            r.r1 = Litmus.observe(this::verdict);
        }
    }
}
