package dev.bbq;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The evidence of {@link QueueFileRestartSoakTest}: what its child processes did, kept in small
 * memory-mapped files of their own, which outlive a SIGKILL (the page cache keeps what a killed
 * process stored), and the checks made on it at the end. Also the soak's frame format.
 *
 * <p>The producer's ledger holds, per producer run, how many frames of that run had their commit
 * <em>returned</em> (stored just after {@code tryWrite}/{@code write} returned {@code true}), and the
 * last run whose process had taken the producer half. The
 * consumer's ledger holds, per producer run, one past the highest sequence number delivered (stored
 * before the frame is released), plus counters: deliveries, duplicates, violations (with the first
 * one's message), consumer processes that attached, and whether the end of the stream was seen.
 * Each per-run word is one aligned 8-byte store, so a kill never leaves it half written.
 *
 * <p>Frame format: producer run (int), sequence number within the run (long), a payload whose
 * length and bytes derive from both, and the CRC32 of everything before it (int).
 */
final class SoakLedger {
    static final int MAX_RUNS = 8192;
    static final int PRODUCER_LEDGER_BYTES = MAX_RUNS * 8;
    /** In the producer's ledger, where run 0 would be: the last run whose process attached. */
    static final int ATTACHED_RUN = 0;

    static final int DELIVERED = 0;
    static final int DUPLICATES = 8;
    static final int VIOLATIONS = 16;
    static final int END_SEEN = 24;
    static final int STARTS = 32;
    static final int GONE_SEEN = 40;
    /** The last frame released: run in the high bits, sequence number + 1 in the low 40. */
    static final int RELEASED = 48;
    /** The last frame whose release was begun (stored just before the call), in the same form. */
    static final int RELEASING = 56;
    /** Consumer processes that closed the consumer while holding a frame (read, recorded, not released). */
    static final int CLOSED_HOLDING = 64;
    static final int MESSAGE = 128;
    static final int MESSAGE_MAX = 1024 - MESSAGE - 4;
    static final int RUNS = 1024;
    static final int CONSUMER_LEDGER_BYTES = RUNS + MAX_RUNS * 8;

    static final int HEADER = 4 + 8;
    static final int TRAILER = 4;
    static final int MAX_PAYLOAD = 3000;

    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private SoakLedger() {
    }

    // --------------------------------------------------------------------------------------------
    // Files

    /** Maps a ledger file of {@code bytes} bytes, creating it (as zeros) if needed. */
    static ByteBuffer map(Path file, int bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            return channel.map(FileChannel.MapMode.READ_WRITE, 0, bytes).order(ByteOrder.nativeOrder());
        }
    }

    static long get(ByteBuffer ledger, int offset) {
        return (long) LONG.getAcquire(ledger, offset);
    }

    static void set(ByteBuffer ledger, int offset, long value) {
        LONG.setRelease(ledger, offset, value);
    }

    static void increment(ByteBuffer ledger, int offset) {
        set(ledger, offset, get(ledger, offset) + 1);
    }

    /** Frames of {@code run} whose commit returned, from the producer's ledger. */
    static long committed(ByteBuffer producerLedger, int run) {
        return get(producerLedger, run * 8);
    }

    static void recordCommitted(ByteBuffer producerLedger, int run, long count) {
        set(producerLedger, run * 8, count);
    }

    /** One past the highest sequence number of {@code run} delivered, from the consumer's ledger. */
    static long delivered(ByteBuffer consumerLedger, int run) {
        return get(consumerLedger, RUNS + run * 8);
    }

    /** Records the first violation's message (later ones only count). */
    static void violation(ByteBuffer consumerLedger, String message) {
        if (get(consumerLedger, VIOLATIONS) == 0) {
            byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
            int length = Math.min(bytes.length, MESSAGE_MAX);
            ByteBuffer m = consumerLedger.duplicate();
            m.position(MESSAGE + 4);
            m.put(bytes, 0, length);
            consumerLedger.putInt(MESSAGE, length);
        }
        increment(consumerLedger, VIOLATIONS);
    }

    static String firstViolation(ByteBuffer consumerLedger) {
        int length = consumerLedger.getInt(MESSAGE);
        if (length <= 0 || length > MESSAGE_MAX) {
            return "";
        }
        byte[] bytes = new byte[length];
        ByteBuffer m = consumerLedger.duplicate();
        m.position(MESSAGE + 4);
        m.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    // --------------------------------------------------------------------------------------------
    // The consumer's bookkeeping, one consumer process at a time

    /**
     * What one consumer process knows: the last frame recorded by any consumer process before it
     * (the highest run with a delivery, and its highest sequence number), and whether this process
     * has delivered anything yet. Frames arrive run by run (a run's producer is dead before the next
     * one starts) and in order within a run; the only frame a new consumer process may see again is
     * the last one recorded, read and not released when its predecessor died; and if its
     * predecessor never began to release that one, it must see it again.
     */
    static final class Deliveries {
        private final ByteBuffer ledger;
        private int lastRun;
        private long lastSeq = -1;
        private boolean first = true;

        Deliveries(ByteBuffer ledger) {
            this.ledger = ledger;
            for (int run = MAX_RUNS - 1; run > 0; run--) {
                long next = delivered(ledger, run);
                if (next > 0) {
                    lastRun = run;
                    lastSeq = next - 1;
                    break;
                }
            }
        }

        /**
         * Records the delivery of frame {@code seq} of {@code run}, before its release.
         *
         * @return {@code null} if it is in order (or the one allowed repeat), else what is wrong; the
         *         ledger is then left as it was
         */
        String deliver(int run, long seq) {
            boolean wasFirst = first;
            first = false;
            if (run <= 0 || run >= MAX_RUNS || seq < 0) {
                return "frame " + run + "/" + seq + " is out of range";
            }
            if (run == lastRun && seq == lastSeq) {
                if (!wasFirst) {
                    return "frame " + run + "/" + seq + " delivered twice to one consumer process";
                }
                if (get(ledger, RELEASED) == released(run, seq)) {
                    return "frame " + run + "/" + seq + " delivered again after its release";
                }
                increment(ledger, DUPLICATES); // read, not released, before the previous consumer died
            } else if (wasFirst && lastRun > 0 && get(ledger, RELEASING) != released(lastRun, lastSeq)) {
                return "frame " + lastRun + "/" + lastSeq + " was read and never released when its consumer ended,"
                        + " but the next consumer began at frame " + run + "/" + seq + ": it was not delivered again";
            } else if ((run == lastRun && seq == lastSeq + 1) || (run > lastRun && seq == 0)) {
                set(ledger, RUNS + run * 8, seq + 1);
                lastRun = run;
                lastSeq = seq;
            } else {
                return "frame " + run + "/" + seq + " arrived after frame " + lastRun + "/" + lastSeq
                        + (wasFirst ? " (first frame of this consumer process)" : "")
                        + (run < lastRun || (run == lastRun && seq < lastSeq) ? ": an old frame again" : ": a gap");
            }
            increment(ledger, DELIVERED);
            return null;
        }
    }

    /**
     * Stored just before a frame's release is called: a frame recorded and not marked so was never
     * released, and the next consumer must begin with it.
     */
    static void recordReleasing(ByteBuffer consumerLedger, int run, long seq) {
        set(consumerLedger, RELEASING, released(run, seq));
    }

    /**
     * Stored after a frame's release returned. A kill between the release and this store can only
     * hide a wrong redelivery of that one frame (it then counts as a duplicate), never invent one.
     */
    static void recordReleased(ByteBuffer consumerLedger, int run, long seq) {
        set(consumerLedger, RELEASED, released(run, seq));
    }

    private static long released(int run, long seq) {
        return ((long) run << 40) | (seq + 1);
    }

    // --------------------------------------------------------------------------------------------
    // The final check

    /** The outcome of {@link #verify}: counts and problems. */
    static final class Verdict {
        long committed;
        long deliveredOnce;
        long duplicates;
        long deliveries;
        /** Runs whose last frame was delivered though its commit never returned (the producer died in it). */
        long inFlightDelivered;
        /** Runs that committed nothing at all. */
        long emptyRuns;
        final List<String> problems = new ArrayList<>();

        @Override
        public String toString() {
            return "committed " + committed + ", delivered " + deliveredOnce + " distinct (" + deliveries
                    + " deliveries, " + duplicates + " duplicates), " + inFlightDelivered
                    + " frames delivered whose commit was cut by the kill before returning, " + emptyRuns
                    + " runs with no commit";
        }
    }

    /**
     * Checks the ledgers after the last run: every frame whose commit returned was delivered (the
     * consumer checked each frame intact and in order as it came), at most the one frame in flight
     * at a producer's death was delivered beyond that, the final run was delivered exactly, and
     * duplicates number no more than the consumer deaths (one frame read and not released each).
     *
     * @param runs the producer runs were 1 to {@code runs}; the last one closed
     * @param consumerDeaths consumer processes killed
     * @param finalFrames frames the last, clean, producer run wrote
     */
    static Verdict verify(ByteBuffer producerLedger, ByteBuffer consumerLedger, int runs, int consumerDeaths,
            long finalFrames) {
        Verdict v = new Verdict();
        long violations = get(consumerLedger, VIOLATIONS);
        if (violations != 0) {
            v.problems.add(violations + " violations seen by consumers; the first: " + firstViolation(consumerLedger));
        }
        for (int run = 1; run <= runs; run++) {
            long committed = committed(producerLedger, run);
            long delivered = delivered(consumerLedger, run);
            v.committed += committed;
            v.deliveredOnce += delivered;
            if (committed == 0 && delivered == 0) {
                v.emptyRuns++;
            }
            if (delivered < committed) {
                v.problems.add("run " + run + ": " + committed + " commits returned, only " + delivered
                        + " frames delivered (lost frames " + delivered + " to " + (committed - 1) + ")");
            } else if (delivered == committed + 1) {
                if (run == runs) {
                    v.problems.add("run " + run + " (the clean one): one frame more delivered than committed");
                }
                v.inFlightDelivered++;
            } else if (delivered > committed + 1) {
                v.problems.add("run " + run + ": " + delivered + " frames delivered, but only " + committed
                        + " commits returned (at most one more can have been in flight)");
            }
        }
        for (int run = runs + 1; run < MAX_RUNS; run++) {
            if (committed(producerLedger, run) != 0 || delivered(consumerLedger, run) != 0) {
                v.problems.add("run " + run + " has entries but only " + runs + " runs were started");
            }
        }
        if (runs > 0 && committed(producerLedger, runs) != finalFrames) {
            v.problems.add("the final run committed " + committed(producerLedger, runs) + " frames, expected "
                    + finalFrames);
        }
        v.duplicates = get(consumerLedger, DUPLICATES);
        v.deliveries = get(consumerLedger, DELIVERED);
        if (v.duplicates > consumerDeaths) {
            v.problems.add(v.duplicates + " frames delivered twice, but only " + consumerDeaths
                    + " consumers died (each can leave at most one read and unreleased frame)");
        }
        if (v.deliveries != v.deliveredOnce + v.duplicates) {
            v.problems.add("deliveries " + v.deliveries + " != distinct " + v.deliveredOnce + " + duplicates "
                    + v.duplicates);
        }
        if (get(consumerLedger, END_SEEN) != 1) {
            v.problems.add("the last consumer did not see the end of the stream");
        }
        return v;
    }

    // --------------------------------------------------------------------------------------------
    // Frames

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Mostly short payloads, one in sixteen up to 3000 bytes (wraps, watermarks, a full ring). */
    static int payloadLength(int run, long seq) {
        long h = mix(run * 0x9E3779B97F4A7C15L + seq);
        int r = (int) ((h >>> 8) & 0x7fff_ffff);
        return (h & 15) == 0 ? r % (MAX_PAYLOAD + 1) : r % 200;
    }

    static int frameLength(int run, long seq) {
        return HEADER + payloadLength(run, seq) + TRAILER;
    }

    private static byte payloadByte(int run, long seq, int i) {
        return (byte) (run * 131 + seq * 31 + i * 7 + (i >>> 8));
    }

    /** Writes frame {@code seq} of {@code run} into {@code buf}; returns its length. */
    static int encode(int run, long seq, byte[] buf) {
        ByteBuffer b = ByteBuffer.wrap(buf);
        int payload = payloadLength(run, seq);
        b.putInt(0, run);
        b.putLong(4, seq);
        for (int i = 0; i < payload; i++) {
            buf[HEADER + i] = payloadByte(run, seq, i);
        }
        CRC32 crc = new CRC32();
        crc.update(buf, 0, HEADER + payload);
        b.putInt(HEADER + payload, (int) crc.getValue());
        return HEADER + payload + TRAILER;
    }

    static int run(byte[] frame) {
        return ByteBuffer.wrap(frame).getInt(0);
    }

    static long seq(byte[] frame) {
        return ByteBuffer.wrap(frame).getLong(4);
    }

    /** {@code null} if the {@code length} bytes of {@code frame} are an intact soak frame, else what is wrong. */
    static String damage(byte[] frame, int length) {
        if (length < HEADER + TRAILER) {
            return "a frame of " + length + " bytes, shorter than any soak frame";
        }
        CRC32 crc = new CRC32();
        crc.update(frame, 0, length - TRAILER);
        int stored = ByteBuffer.wrap(frame).getInt(length - TRAILER);
        int run = run(frame);
        long seq = seq(frame);
        if ((int) crc.getValue() != stored) {
            return "frame " + run + "/" + seq + " (" + length + " bytes) fails its CRC";
        }
        if (run <= 0 || run >= MAX_RUNS || seq < 0) {
            return "frame " + run + "/" + seq + " is out of range";
        }
        if (length != frameLength(run, seq)) {
            return "frame " + run + "/" + seq + " has " + length + " bytes, expected " + frameLength(run, seq);
        }
        for (int i = 0; i < length - HEADER - TRAILER; i++) {
            if (frame[HEADER + i] != payloadByte(run, seq, i)) {
                return "frame " + run + "/" + seq + " payload byte " + i + " is wrong";
            }
        }
        return null;
    }
}
