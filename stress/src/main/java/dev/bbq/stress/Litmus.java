package dev.bbq.stress;

import dev.bbq.BBQueue;
import dev.bbq.WaitStrategy;
import dev.bbq.internal.Secrets;
import dev.bbq.internal.StressAccess.SharedRing;

import java.nio.ByteBuffer;

/**
 * What the jcstress tests share: how their queues are made and the byte streams they move.
 *
 * <p>Byte {@code i} of a test stream is {@code i + 1}: never zero, so a byte that was never written
 * (a fresh ring is zeroed) shows, and different at every offset, so a byte from the wrong place shows.
 * Consumers name what they saw ({@code "4 intact"}, {@code "6 corrupt"}) and the tests' outcomes are
 * those names.
 */
final class Litmus {
    private Litmus() {
    }

    /**
     * A heap queue whose sides never wait, so that commits and releases are exactly the R2/R4 release
     * stores with no R9 fence after them: a fence would hide a missing release on a weak machine.
     */
    static BBQueue spinning(int capacity) {
        return BBQueue.builder().capacity(capacity).waitStrategy(WaitStrategy.busySpin()).build();
    }

    /**
     * A ring laid out as in a queue file that two processes share (see {@code QueueFile}): the shared
     * words in direct memory, accessed through a byte-buffer view VarHandle rather than an
     * {@code int[]} one, the data in direct memory, and frames checked against the index instead of
     * trusted in-band (R11 does not hold across processes). The halves come from the ring directly,
     * as {@code BBQueue} makes them, because a real file per jcstress sample would be far too slow;
     * only core can build such a ring, so it comes through the internal bridge.
     */
    static SharedRing sharedLayout(int capacity) {
        return Secrets.stressAccess().sharedLayout(capacity);
    }

    /** A heap queue with the default blocking strategy (park until signalled, R9). */
    static BBQueue blocking(int capacity) {
        return BBQueue.builder().capacity(capacity).waitStrategy(WaitStrategy.blocking()).build();
    }

    /** Stream byte {@code i}. */
    static byte at(int i) {
        return (byte) (i + 1);
    }

    /** Writes stream bytes {@code first .. first + n - 1} at the view's indices 0 .. n - 1. */
    static void fill(ByteBuffer view, int first, int n) {
        for (int k = 0; k < n; k++) {
            view.put(k, at(first + k));
        }
    }

    /** Stream bytes {@code first .. first + n - 1} as an array, for the copying calls. */
    static byte[] bytes(int first, int n) {
        byte[] b = new byte[n];
        for (int k = 0; k < n; k++) {
            b[k] = at(first + k);
        }
        return b;
    }

    /**
     * Reads every byte between the view's position and limit and says whether they are stream bytes
     * {@code first, first + 1, ...}: {@code "n intact"} or {@code "n corrupt"}.
     */
    static String check(ByteBuffer view, int first) {
        int n = view.remaining();
        boolean intact = true;
        for (int k = 0; k < n; k++) {
            intact &= view.get(view.position() + k) == at(first + k);
        }
        return n + (intact ? " intact" : " corrupt");
    }

    /** What a consumer saw, as an outcome name. */
    interface Observation {
        String see();
    }

    /**
     * Runs {@code observation} and returns its outcome, or {@code "threw X"} if it throws: a broken
     * state machine can hand out a region that does not exist, and the outcome should say so rather
     * than end the jcstress run with an error.
     */
    static String observe(Observation observation) {
        try {
            return observation.see();
        } catch (RuntimeException | AssertionError e) {
            return "threw " + e.getClass().getSimpleName();
        }
    }
}
