package dev.bbq.c;

import java.nio.ByteBuffer;

/**
 * The Java twin of {@code src/test/c/frames.h}: test frames
 * {@code [run u32 LE][seq u64 LE][payload][fnv1a-32 of what precedes, u32 LE]} of 16 to 256 bytes,
 * the length a function of the sequence number, and a checker that follows each run's sequence.
 */
final class TestFrames {
    static final int MAX = 256;

    private TestFrames() {
    }

    static int length(long seq) {
        long x = seq * 0x9E3779B97F4A7C15L;
        return 16 + (int) Long.remainderUnsigned(x >>> 32, 241);
    }

    /** Writes frame (run, seq) into {@code out} and returns its length. */
    static int make(byte[] out, int run, long seq) {
        int n = length(seq);
        putLe(out, 0, run, 4);
        putLe(out, 4, seq, 8);
        for (int i = 12; i < n - 4; i++) {
            out[i] = (byte) (seq * 31 + i);
        }
        putLe(out, n - 4, fnv(out, n - 4), 4);
        return n;
    }

    static int fnv(byte[] p, int n) {
        int h = 0x811C9DC5;
        for (int i = 0; i < n; i++) {
            h = (h ^ (p[i] & 0xff)) * 16777619;
        }
        return h;
    }

    private static void putLe(byte[] p, int at, long v, int bytes) {
        for (int i = 0; i < bytes; i++) {
            p[at + i] = (byte) (v >>> (8 * i));
        }
    }

    private static long getLe(byte[] p, int at, int bytes) {
        long v = 0;
        for (int i = bytes - 1; i >= 0; i--) {
            v = (v << 8) | (p[at + i] & 0xff);
        }
        return v;
    }

    /** The sequence number of a sound frame; throws if the frame is damaged. Allocates (tests only). */
    static long checkedSeq(ByteBuffer frame) {
        int n = frame.remaining();
        byte[] p = new byte[n];
        frame.get(frame.position(), p, 0, n);
        long seq = n < 16 ? -1 : getLe(p, 4, 8);
        if (n < 16 || n > MAX || n != length(seq) || (int) getLe(p, n - 4, 4) != fnv(p, n - 4)) {
            throw new AssertionError("a damaged frame of " + n + " bytes");
        }
        return seq;
    }

    /**
     * Checks a stream of frames: each sound, and each run's sequence numbers consecutive. The
     * first frame may start anywhere (a consumer that resumes); a later run must start at 0.
     */
    static final class Checker {
        private final byte[] copy = new byte[MAX];
        long frames;
        int firstRun = -1;
        long firstSeq = -1;
        int lastRun = -1;
        long lastSeq = -1;
        /** Frames per run, by run id (runs are small numbers in the tests). */
        final long[] perRun = new long[16];

        void accept(ByteBuffer frame) {
            int n = frame.remaining();
            if (n < 16 || n > MAX) {
                throw new AssertionError("frame " + frames + " after run " + lastRun + " seq " + lastSeq + " has " + n
                        + " bytes");
            }
            frame.get(frame.position(), copy, 0, n);
            accept(copy, n);
        }

        void accept(byte[] p, int n) {
            int run = (int) getLe(p, 0, 4);
            long seq = getLe(p, 4, 8);
            if (n != length(seq) || (int) getLe(p, n - 4, 4) != fnv(p, n - 4)) {
                throw new AssertionError("frame " + frames + " (run " + run + ", seq " + seq + ", " + n
                        + " bytes) is corrupt; the one before was run " + lastRun + " seq " + lastSeq);
            }
            if (frames == 0) {
                firstRun = run;
                firstSeq = seq;
            } else if (run == lastRun ? seq != lastSeq + 1 : run < lastRun || seq != 0) {
                throw new AssertionError("run " + run + " seq " + seq + " follows run " + lastRun + " seq " + lastSeq);
            }
            lastRun = run;
            lastSeq = seq;
            perRun[run]++;
            frames++;
        }
    }
}
