package dev.bbq.stress;

import dev.bbq.BBQueue;
import dev.bbq.Consumer;
import dev.bbq.Frame;
import dev.bbq.FrameBatch;
import dev.bbq.FrameConsumer;
import dev.bbq.FrameGrant;
import dev.bbq.FrameHandler;
import dev.bbq.FrameProducer;
import dev.bbq.Producer;
import dev.bbq.ReadGrant;
import dev.bbq.ReusableReadGrant;
import dev.bbq.ReusableWriteGrant;
import dev.bbq.SharedFrameProducer;
import dev.bbq.SharedReusableGrant;
import dev.bbq.SplitReadGrant;
import dev.bbq.WriteGrant;
import dev.bbq.wire.Deframer;
import dev.bbq.wire.FrameCheck;
import dev.bbq.wire.FrameEncoder;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Zero allocation on the hot paths: each loop below runs 10^8 cycles (the deframer's, 10^7:
 * {@link Loop#cycles}) of a steady-state call sequence
 * in a JVM whose only collector is Epsilon (which never frees anything) and whose heap is 64 MiB. A
 * cycle that allocated even one 16-byte object would need 1.6 GB and end the run with an
 * {@link OutOfMemoryError}; finishing is the proof. Each run also measures its own allocation with
 * {@code ThreadMXBean} over those 10^8 cycles, which follow a warm-up (see {@link #run}), and prints it
 * per cycle.
 *
 * <p>The loops run the way an application runs them: each one is a small method called over and over
 * with the queue halves as arguments, so that C2 compiles it as a whole and its escape analysis can
 * remove grant objects and buffer views. (One big method with several loops is compiled on-stack,
 * which defeats escape analysis; that is a property of the benchmark, not of the queue.) No JIT flag
 * is changed.
 *
 * <p>Two groups of loops:
 * <ul>
 *   <li><b>Core loops</b>, where every {@code try} call succeeds: the raw grant/commit/read/release
 *       cycle (heap, direct, max and split forms) and the framed grant/commit/read/release, copy and
 *       drain cycles. They must allocate nothing on every JDK.</li>
 *   <li><b>Usage shapes</b> that real code has and a core loop lacks: a consumer that polls an empty
 *       queue, a producer refused by a full one, grants in try-with-resources. When a {@code try} call
 *       site sees both {@code null} and a grant, C2 merges the two, and JDK 17's escape analysis cannot
 *       remove an object merged with {@code null} (JDK 25's can: {@code ReduceAllocationMerges}, except
 *       when the grant's bytes are copied with the bulk {@code put}/{@code get} accessors). Each shape
 *       names the call that allocates there and the most it may allocate per cycle on the JDKs where it
 *       does ({@link Loop#allocatesThrough}). Such a loop is first measured under an ordinary
 *       collector; if it allocates, and that is documented for this JDK, the figure is reported (never
 *       hidden) and the Epsilon run is skipped; otherwise it must pass the Epsilon run like a core loop.
 *       The same shapes written with reusable grants ({@code raw-reusable}, {@code framed-reusable})
 *       must allocate nothing on every JDK: there is no grant object to merge.</li>
 * </ul>
 *
 * <p>Usage: without arguments, runs every loop in its own JVM (this JVM's {@code java}) and exits 1 if
 * a loop allocates where it must not; with a loop name and a cycle count, runs that loop in this JVM
 * and prints one result line.
 */
final class AllocationFreeLoops {
    /** Cycles per run. */
    static final long CYCLES = 100_000_000L;
    /** Cycles per call of a loop method. */
    static final int ROUND = 10_000;
    /** Cycles per call of a loop method during warm-up. */
    static final int WARM_UP_ROUND = 200;
    /** The longest warm-up before an Epsilon run. */
    static final long WARM_UP_LIMIT_MILLIS = 10_000;
    /** The longest warm-up before measuring a loop that allocates (it never falls quiet). */
    static final long MEASURING_WARM_UP_MILLIS = 3_000;

    static final List<String> EPSILON = List.of("-XX:+UnlockExperimentalVMOptions", "-XX:+UseEpsilonGC",
            "-Xms64m", "-Xmx64m");
    /** For measuring a loop that allocates: a collector that frees, and room for the warm-up. */
    static final List<String> ORDINARY_GC = List.of("-XX:+UseG1GC", "-Xmx256m");

    /** Where a usage shape allocates, on the JDKs where it does. */
    private static final String READ_GRANT = "Consumer.tryRead: its ReadGrant (32 B) when the call site also returns null";
    private static final String READ_GRANT_BULK = "Consumer.tryRead: its ReadGrant (32 B) when the call site also returns null"
            + " and the bytes are copied out with ReadGrant.get(index, dst, off, len)";
    private static final String WRITE_GRANT_BULK = "Producer.tryGrantExact: its WriteGrant (32 B) when the call site also"
            + " returns null and the bytes are copied in with WriteGrant.put(index, src, off, len)";
    private static final String FRAME_BULK = "FrameConsumer.tryRead: its Frame (32 B) when the call site also returns null"
            + " and the bytes are copied out with Frame.get(index, dst, off, len)";
    private static final String FRAME = "FrameConsumer.tryRead: its Frame (32 B) when the call site also returns null";
    private static final String WRITE_GRANT = "Producer.tryGrantExact: its WriteGrant (32 B) when the call site also returns null";
    private static final String WRITE_GRANT_TWR = "Producer.tryGrantExact: its WriteGrant (32 B) held in try-with-resources";
    private static final String FRAME_GRANT_TWR = "FrameProducer.tryGrant: its FrameGrant (32 B) held in try-with-resources";

    enum Loop {
        RAW("raw", "Producer.tryGrantExact, WriteGrant.buffer/commit, Consumer.tryRead, ReadGrant.buffer/release; heap ring"),
        RAW_DIRECT("raw-direct", "the same on a direct ring"),
        RAW_MAX_SPLIT("raw-max-split", "Producer.tryGrantMax, WriteGrant.buffer/commit, Consumer.trySplitRead, SplitReadGrant.first/second/release"),
        FRAMED("framed", "FrameProducer.tryGrant, FrameGrant.buffer/commit, FrameConsumer.tryRead, Frame.buffer/release"),
        FRAMED_GRANT_DRAIN("framed-grant-drain", "FrameProducer.tryGrant, FrameGrant.buffer/commit, FrameConsumer.drain"),
        FRAMED_COPY_READ("framed-copy-read", "FrameProducer.tryWrite(byte[]), FrameConsumer.tryRead, Frame.buffer/release"),
        FRAMED_COPY_DRAIN("framed-copy-drain", "FrameProducer.tryWrite(byte[]), FrameConsumer.drain"),
        RAW_VIEW_FREE("raw-view-free", "Producer.tryGrantExact, WriteGrant.put/commit, Consumer.tryRead, ReadGrant.get/release (no buffer views)"),
        FRAMED_VIEW_FREE("framed-view-free", "FrameProducer.tryGrant, FrameGrant.put/commit, FrameConsumer.tryRead, Frame.get/release (no buffer views)"),
        RAW_POLLING_READ("raw-polling-read", "raw, plus a Consumer.tryRead on the empty ring (null) in every cycle",
                24, 32, READ_GRANT),
        RAW_REFUSED_GRANT("raw-refused-grant", "raw, plus a refused Producer.tryGrantExact (null) in every cycle",
                24, 32, WRITE_GRANT),
        RAW_TRY_WITH_RESOURCES("raw-try-with-resources", "raw, with both grants in try-with-resources (the README's idiom)",
                24, 32, WRITE_GRANT_TWR),
        FRAMED_POLLING_READ("framed-polling-read", "framed, plus a FrameConsumer.tryRead on the empty ring (null) in every cycle",
                24, 32, FRAME),
        FRAMED_TRY_WITH_RESOURCES("framed-try-with-resources", "framed, with the grant and the frame in try-with-resources",
                24, 32, FRAME_GRANT_TWR),
        RAW_VIEW_FREE_POLLING("raw-view-free-polling", "raw-view-free, plus a Consumer.tryRead on the empty ring (null) in every cycle",
                25, 32, READ_GRANT_BULK),
        RAW_VIEW_FREE_REFUSED_GRANT("raw-view-free-refused-grant",
                "raw-view-free, plus a refused Producer.tryGrantExact (null) in every cycle", 25, 32, WRITE_GRANT_BULK),
        FRAMED_VIEW_FREE_POLLING("framed-view-free-polling",
                "framed-view-free, plus a FrameConsumer.tryRead on the empty ring (null) in every cycle", 25, 32, FRAME_BULK),
        FRAMED_POLLING_COPY_DRAIN("framed-polling-copy-drain",
                "framed-copy-drain, plus an empty drain and a refused tryWrite in every cycle"),
        MAPPED_WAITING("mapped-waiting", "framed-polling-copy-drain on a queue file, plus every 256th cycle a timed"
                + " drain of the empty ring and a timed write that finds no room (both wait and time out)"),
        RAW_REUSABLE("raw-reusable", "Producer.tryGrantExact and Consumer.tryRead into reusable grants, put/get,"
                + " plus a refused grant and a read of the empty ring (false) in every cycle"),
        FRAMED_REUSABLE("framed-reusable", "FrameProducer.tryGrant and FrameConsumer.tryRead into reusable grants,"
                + " buffer()/get, plus a refused grant and a read of the empty ring (false) in every cycle"),
        FRAMED_BATCH("framed-batch", "FrameProducer.tryGrantBatch, FrameBatch.tryAppend(byte[]) x4 (the last one"
                + " refused: no room), FrameBatch.commit, FrameConsumer.drain"),
        DEFRAMER_BATCH("deframer-batch", "Producer.tryGrantExact(n, reusable grant), FrameEncoder.encode x4,"
                + " commit, Deframer.tryDeframe(Consumer, FrameProducer) (one batch per raw read), FrameConsumer.drain"),
        DEFRAMER_BATCH_DIRECT("deframer-batch-direct", "deframer-batch from a direct raw ring"),
        SHARED_COPY_DRAIN("shared-copy-drain", "SharedFrameProducer.tryWrite, writeOrDrop and write with a timeout"
                + " (taking and giving back its lock), FrameConsumer.drain"),
        SHARED_REUSABLE("shared-reusable", "SharedFrameProducer.tryGrant and grant with a timeout into a"
                + " SharedReusableGrant, putLong/commit, plus a refused grant (false) and a close of the ended"
                + " grant in every cycle, FrameConsumer.drain");

        final String id;
        final String calls;
        /**
         * Up to this JDK feature release the loop may allocate (0: never). The shapes were measured on
         * JDK 17 and 25; a newer JDK is held to zero until someone measures it.
         */
        final int allocatesThrough;
        /** The most it may allocate per cycle there, in bytes. */
        final int allowedBytes;
        /** Which call allocates, for the report. */
        final String allocatingCall;

        Loop(String id, String calls) {
            this(id, calls, 0, 0, "");
        }

        Loop(String id, String calls, int allocatesThrough, int allowedBytes, String allocatingCall) {
            this.id = id;
            this.calls = calls;
            this.allocatesThrough = allocatesThrough;
            this.allowedBytes = allowedBytes;
            this.allocatingCall = allocatingCall;
        }

        /**
         * Cycles of the Epsilon run. A deframer cycle encodes, decodes and checks four frames, about
         * twenty times a core cycle's work, so it runs 10^7 cycles: one 16-byte object per cycle
         * would still need 160 MB, over twice the heap.
         */
        long cycles() {
            return this == DEFRAMER_BATCH || this == DEFRAMER_BATCH_DIRECT ? CYCLES / 10 : CYCLES;
        }

        boolean mayAllocateOn(int feature) {
            return feature <= allocatesThrough;
        }

        static Loop byId(String id) {
            for (Loop loop : values()) {
                if (loop.id.equals(id)) {
                    return loop;
                }
            }
            throw new IllegalArgumentException("no loop " + id);
        }
    }

    private AllocationFreeLoops() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.exit(runAll() ? 0 : 1);
        }
        Loop loop = Loop.byId(args[0]);
        long cycles = args.length > 1 ? Long.parseLong(args[1]) : loop.cycles();
        long warmUpMillis = args.length > 2 ? Long.parseLong(args[2]) : WARM_UP_LIMIT_MILLIS;
        System.out.println(run(loop, cycles, warmUpMillis));
    }

    // ---------------------------------------------------------------------------------------------
    // Driver

    private static boolean runAll() throws IOException, InterruptedException {
        int feature = Runtime.version().feature();
        System.out.printf(Locale.ROOT, "zero allocation on JDK %s (%s): 10^8 cycles per loop (deframer: 10^7),"
                + " Epsilon GC, 64 MiB heap%n",
                Runtime.version(), System.getProperty("java.vm.name"));
        boolean passed = true;
        for (Loop loop : Loop.values()) {
            String verdict = null;
            if (loop.mayAllocateOn(feature)) {
                Child measured = child(ORDINARY_GC, loop, CYCLES / 10, MEASURING_WARM_UP_MILLIS);
                double perCycle = measured.bytesPerCycle();
                if (measured.exit != 0 || !(perCycle <= loop.allowedBytes)) {
                    passed = false;
                    verdict = "FAIL  more than documented: " + measured.line;
                } else if (perCycle >= 1) {
                    verdict = String.format(Locale.ROOT, "KNOWN %.1f B/cycle under G1 over 10^7 cycles, as documented"
                            + " through JDK %d: %s", perCycle, loop.allocatesThrough, loop.allocatingCall);
                }
            }
            if (verdict == null) {
                Child epsilon = child(EPSILON, loop, loop.cycles(), WARM_UP_LIMIT_MILLIS);
                if (epsilon.exit == 0 && epsilon.line.startsWith("allocated ")) {
                    verdict = "PASS  " + epsilon.line;
                } else {
                    passed = false;
                    if (epsilon.outOfMemory) {
                        Child measured = child(ORDINARY_GC, loop, CYCLES / 10, MEASURING_WARM_UP_MILLIS);
                        verdict = "FAIL  out of memory under Epsilon; under G1: " + measured.line;
                    } else {
                        verdict = "FAIL  exit " + epsilon.exit + ": " + epsilon.line;
                    }
                }
            }
            System.out.printf(Locale.ROOT, "  %-28s %s%n", loop.id, verdict);
            System.out.printf(Locale.ROOT, "  %-28s   calls: %s%n", "", loop.calls);
        }
        System.out.println("zero allocation: " + (passed ? "PASSED" : "FAILED"));
        return passed;
    }

    /** The outcome of one child JVM. */
    private static final class Child {
        int exit;
        boolean outOfMemory;
        String line = "";

        double bytesPerCycle() {
            // "allocated <bytes> B in <cycles> measured cycles: <x> B/cycle; ..."
            String[] words = line.split(" ");
            return words.length > 7 ? Double.parseDouble(words[7]) : Double.NaN;
        }
    }

    private static Child child(List<String> jvmArgs, Loop loop, long cycles, long warmUpMillis)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(AllocationFreeLoops.class.getName());
        command.add(loop.id);
        command.add(Long.toString(cycles));
        command.add(Long.toString(warmUpMillis));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        Child child = new Child();
        StringBuilder all = new StringBuilder();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                all.append(line).append('\n');
                if (line.contains("OutOfMemoryError")) {
                    child.outOfMemory = true;
                }
                if (line.startsWith("allocated ")) {
                    child.line = line;
                }
            }
        }
        child.exit = process.waitFor();
        if (child.line.isEmpty()) {
            String text = all.toString().trim();
            child.line = text.isEmpty() ? "no output" : text.lines().findFirst().orElse("");
        }
        return child;
    }

    // ---------------------------------------------------------------------------------------------
    // One loop in this JVM

    /**
     * Runs {@code loop} until C2 has compiled it, then {@code cycles} more cycles, and describes what
     * those cycles allocated.
     *
     * <p>Warm-up: until C2 has compiled the loop method, interpreted and C1 code keep grants and views
     * on the heap (about 200 bytes a cycle). Short rounds with a 1 ms sleep after each round that
     * allocated keep that from filling the 64 MiB Epsilon heap while the compiler works; they change
     * nothing about what is compiled. Warm-up ends after 50 rounds in a row that allocated nothing, or
     * after {@code warmUpMillis}, whichever comes first; the measured cycles follow either way.
     */
    static String run(Loop loop, long cycles, long warmUpMillis) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Runtime runtime = Runtime.getRuntime();
        Cycle cycle = cycleFor(loop);
        threads.getCurrentThreadAllocatedBytes(); // the first call may allocate; keep it out of the figures
        long warmStart = System.nanoTime();
        long warmCycles = 0;
        for (int quiet = 0; quiet < 50 && System.nanoTime() - warmStart < warmUpMillis * 1_000_000L; ) {
            long before = threads.getCurrentThreadAllocatedBytes();
            check(loop, cycle, WARM_UP_ROUND);
            warmCycles += WARM_UP_ROUND;
            if (threads.getCurrentThreadAllocatedBytes() == before) {
                quiet++;
            } else {
                quiet = 0;
                sleep();
            }
        }
        double warmSeconds = (System.nanoTime() - warmStart) / 1e9;
        long heapAfterWarmUp = runtime.totalMemory() - runtime.freeMemory();
        long start = System.nanoTime();
        long before = threads.getCurrentThreadAllocatedBytes();
        long rounds = cycles / ROUND;
        for (long r = 0; r < rounds; r++) {
            check(loop, cycle, ROUND);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        long measured = rounds * ROUND;
        double seconds = (System.nanoTime() - start) / 1e9;
        long heapUsed = runtime.totalMemory() - runtime.freeMemory();
        return String.format(Locale.ROOT, "allocated %d B in %d measured cycles: %.4f B/cycle; %.1f s; "
                        + "warm-up %d cycles in %.1f s; heap used %.1f MiB after warm-up, %.1f MiB at the end",
                allocated, measured, (double) allocated / measured, seconds, warmCycles, warmSeconds,
                heapAfterWarmUp / 1048576.0, heapUsed / 1048576.0);
    }

    private static void check(Loop loop, Cycle cycle, int n) {
        long sum = cycle.round(n);
        if (sum != cycle.expected(n)) {
            throw new AssertionError(loop.id + ": wrong bytes read back, sum " + sum);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during warm-up", e);
        }
    }

    /** One loop: {@link #round} runs {@code n} cycles and returns a checksum of what it read. */
    private interface Cycle {
        long round(int n);

        /** The checksum a correct round of {@code n} cycles returns. */
        long expected(int n);
    }

    private static Cycle cycleFor(Loop loop) {
        switch (loop) {
            case RAW:
                return new Raw(BBQueue.allocate(4093));
            case RAW_DIRECT:
                return new Raw(BBQueue.allocateDirect(4093));
            case RAW_MAX_SPLIT:
                return new RawMaxSplit(BBQueue.allocate(4093));
            case FRAMED:
                return new Framed(BBQueue.allocate(4093));
            case FRAMED_GRANT_DRAIN:
                return new FramedGrantDrain(BBQueue.allocate(4093));
            case FRAMED_COPY_READ:
                return new FramedCopyRead(BBQueue.allocate(4093));
            case FRAMED_COPY_DRAIN:
                return new FramedCopyDrain(BBQueue.allocate(4093));
            case RAW_VIEW_FREE:
                return new RawViewFree(BBQueue.allocate(4093), false);
            case RAW_VIEW_FREE_POLLING:
                return new RawViewFree(BBQueue.allocate(4093), true);
            case RAW_VIEW_FREE_REFUSED_GRANT:
                return new RawViewFreeRefusedGrant(BBQueue.allocate(4093));
            case FRAMED_VIEW_FREE_POLLING:
                return new FramedViewFreePolling(BBQueue.allocate(4093));
            case FRAMED_VIEW_FREE:
                return new FramedViewFree(BBQueue.allocate(4093));
            case RAW_POLLING_READ:
                return new RawPollingRead(BBQueue.allocate(4093));
            case RAW_REFUSED_GRANT:
                return new RawRefusedGrant(BBQueue.allocate(4093));
            case RAW_TRY_WITH_RESOURCES:
                return new RawTryWithResources(BBQueue.allocate(4093));
            case FRAMED_POLLING_READ:
                return new FramedPollingRead(BBQueue.allocate(4093));
            case FRAMED_TRY_WITH_RESOURCES:
                return new FramedTryWithResources(BBQueue.allocate(4093));
            case FRAMED_POLLING_COPY_DRAIN:
                return new FramedPollingCopyDrain(BBQueue.allocate(4093));
            case MAPPED_WAITING:
                return new MappedWaiting(mappedQueue(4093));
            case RAW_REUSABLE:
                return new RawReusable(BBQueue.allocate(4093));
            case FRAMED_REUSABLE:
                return new FramedReusable(BBQueue.allocateDirect(4093));
            case FRAMED_BATCH:
                return new FramedBatch(BBQueue.allocate(4093));
            case DEFRAMER_BATCH:
                return new DeframerBatch(BBQueue.allocate(4093), BBQueue.allocate(4093));
            case DEFRAMER_BATCH_DIRECT:
                return new DeframerBatch(BBQueue.allocateDirect(4093), BBQueue.allocate(4093));
            case SHARED_COPY_DRAIN:
                return new SharedCopyDrain(BBQueue.allocate(4093));
            case SHARED_REUSABLE:
                return new SharedReusable(BBQueue.allocate(4093));
            default:
                throw new AssertionError(loop);
        }
    }

    /** Each cycle writes the pair (i, ~i) and reads it back; every pair sums to -1. */
    private static long pairs(int n) {
        return -n;
    }

    private static final class Raw implements Cycle {
        private final Producer producer;
        private final Consumer consumer;

        Raw(BBQueue queue) {
            producer = queue.producer();
            consumer = queue.consumer();
        }

        @Override
        public long round(int n) {
            return rawRound(producer, consumer, n);
        }

        @Override
        public long expected(int n) {
            return pairs(n);
        }

        private static long rawRound(Producer producer, Consumer consumer, int n) {
            long sum = 0;
            for (int i = 0; i < n; i++) {
                WriteGrant grant = producer.tryGrantExact(16 + (i & 15)); // odd sizes move the wrap point
                ByteBuffer out = grant.buffer();
                out.putLong(0, i);
                out.putLong(8, ~i);
                grant.commit(out.capacity());
                ReadGrant read = consumer.tryRead();
                ByteBuffer in = read.buffer();
                sum += in.getLong(0) + in.getLong(8);
                read.release(read.length());
            }
            return sum;
        }
    }

    private static final class RawMaxSplit implements Cycle {
        private final Producer producer;
        private final Consumer consumer;

        RawMaxSplit(BBQueue queue) {
            producer = queue.producer();
            consumer = queue.consumer();
        }

        @Override
        public long round(int n) {
            return maxSplitRound(producer, consumer, n);
        }

        @Override
        public long expected(int n) {
            return pairs(n);
        }

        private static long maxSplitRound(Producer producer, Consumer consumer, int n) {
            long sum = 0;
            for (int i = 0; i < n; i++) {
                // The ring is empty, so the larger of tail and front is at least 16 bytes (capacity 4093).
                WriteGrant grant = producer.tryGrantMax(16 + (i & 15));
                ByteBuffer out = grant.buffer();
                out.putLong(0, i);
                out.putLong(8, ~i);
                grant.commit(16);
                SplitReadGrant read = consumer.trySplitRead();
                ByteBuffer first = read.first();
                sum += first.getLong(0) + first.getLong(8);
                read.second(); // the view of the wrapped part is cut too, empty here
                read.release(read.length());
            }
            return sum;
        }
    }

    private static final class Framed implements Cycle {
        private final FrameProducer producer;
        private final FrameConsumer consumer;

        Framed(BBQueue queue) {
            producer = queue.frameProducer();
            consumer = queue.frameConsumer();
        }

        @Override
        public long round(int n) {
            return framedRound(producer, consumer, n);
        }

        @Override
        public long expected(int n) {
            return pairs(n);
        }

        private static long framedRound(FrameProducer producer, FrameConsumer consumer, int n) {
            long sum = 0;
            for (int i = 0; i < n; i++) {
                FrameGrant grant = producer.tryGrant(16 + (i & 15));
                ByteBuffer out = grant.buffer();
                out.putLong(0, i);
                out.putLong(8, ~i);
                grant.commit(16);
                Frame frame = consumer.tryRead();
                ByteBuffer in = frame.buffer();
                sum += in.getLong(0) + in.getLong(8);
                frame.release();
            }
            return sum;
        }
    }

    /** Sums each frame's pair; one instance per loop, so draining allocates no handler. */
    private static final class PairSum implements FrameHandler {
        long sum;

        @Override
        public void onFrame(ByteBuffer frame) {
            int at = frame.position();
            sum += frame.getLong(at) + frame.getLong(at + 8);
        }
    }

    private static final class FramedGrantDrain implements Cycle {
        private final FrameProducer producer;
        private final FrameConsumer consumer;
        private final PairSum handler = new PairSum();

        FramedGrantDrain(BBQueue queue) {
            producer = queue.frameProducer();
            consumer = queue.frameConsumer();
        }

        @Override
        public long round(int n) {
            handler.sum = 0;
            grantDrainRound(producer, consumer, handler, n);
            return handler.sum;
        }

        @Override
        public long expected(int n) {
            return pairs(n);
        }

        private static void grantDrainRound(FrameProducer producer, FrameConsumer consumer, PairSum handler, int n) {
            for (int i = 0; i < n; i++) {
                FrameGrant grant = producer.tryGrant(16 + (i & 15));
                ByteBuffer out = grant.buffer();
                out.putLong(0, i);
                out.putLong(8, ~i);
                grant.commit(16);
                if (consumer.drain(handler, 16) != 1) {
                    throw new AssertionError("one frame per cycle");
                }
            }
        }
    }

    private static final class FramedCopyRead implements Cycle {
        private final FrameProducer producer;
        private final FrameConsumer consumer;
        private final byte[] frame = new byte[31];
        private final ByteBuffer frameView = ByteBuffer.wrap(frame);

        FramedCopyRead(BBQueue queue) {
            producer = queue.frameProducer();
            consumer = queue.frameConsumer();
        }

        @Override
        public long round(int n) {
            return copyReadRound(producer, consumer, frame, frameView, n);
        }

        @Override
        public long expected(int n) {
            return pairs(n);
        }

        private static long copyReadRound(FrameProducer producer, FrameConsumer consumer, byte[] frame,
                                          ByteBuffer frameView, int n) {
            long sum = 0;
            for (int i = 0; i < n; i++) {
                frameView.putLong(0, i);
                frameView.putLong(8, ~i);
                if (!producer.tryWrite(frame, 0, 16 + (i & 15))) {
                    throw new AssertionError("an empty ring has room");
                }
                Frame read = consumer.tryRead();
                ByteBuffer in = read.buffer();
                sum += in.getLong(0) + in.getLong(8);
                read.release();
            }
            return sum;
        }
    }

    private static final class FramedCopyDrain implements Cycle {
        private final FrameProducer producer;
        private final FrameConsumer consumer;
        private final PairSum handler = new PairSum();
        private final byte[] frame = new byte[31];
        private final ByteBuffer frameView = ByteBuffer.wrap(frame);

        FramedCopyDrain(BBQueue queue) {
            producer = queue.frameProducer();
            consumer = queue.frameConsumer();
        }

        @Override
        public long round(int n) {
            handler.sum = 0;
            copyDrainRound(producer, consumer, handler, frame, frameView, n);
            return handler.sum;
        }

        @Override
        public long expected(int n) {
            return pairs(n);
        }

        private static void copyDrainRound(FrameProducer producer, FrameConsumer consumer, PairSum handler,
                                           byte[] frame, ByteBuffer frameView, int n) {
            for (int i = 0; i < n; i++) {
                frameView.putLong(0, i);
                frameView.putLong(8, ~i);
                if (!producer.tryWrite(frame, 0, 16 + (i & 15))) {
                    throw new AssertionError("an empty ring has room");
                }
                if (consumer.drain(handler, 16) != 1) {
                    throw new AssertionError("one frame per cycle");
                }
            }
        }
    }

    /**
     * Each cycle grants a batch with room for three of its frames, appends three pairs (i, ~i) and
     * is refused a fourth, commits once and drains the three.
     */
    private static final class FramedBatch implements Cycle {
        private final FrameProducer producer;
        private final FrameConsumer consumer;
        private final FrameBatch batch = new FrameBatch();
        private final PairSum handler = new PairSum();
        private final byte[] frame = new byte[31];
        private final ByteBuffer frameView = ByteBuffer.wrap(frame);

        FramedBatch(BBQueue queue) {
            producer = queue.frameProducer();
            consumer = queue.frameConsumer();
        }

        @Override
        public long round(int n) {
            handler.sum = 0;
            batchRound(producer, consumer, batch, handler, frame, frameView, n);
            return handler.sum;
        }

        @Override
        public long expected(int n) {
            return 3 * pairs(n);
        }

        private static void batchRound(FrameProducer producer, FrameConsumer consumer, FrameBatch batch,
                                       PairSum handler, byte[] frame, ByteBuffer frameView, int n) {
            for (int i = 0; i < n; i++) {
                int length = 16 + (i & 15); // 17 to 32 bytes with the header: odd sizes move the wrap point
                if (!producer.tryGrantBatch(3 * (length + 1), batch)) {
                    throw new AssertionError("an empty ring has room");
                }
                for (int k = 0; k < 3; k++) {
                    frameView.putLong(0, i + k);
                    frameView.putLong(8, ~(i + k));
                    if (!batch.tryAppend(frame, 0, length)) {
                        throw new AssertionError("a batch of three frames' room takes three frames");
                    }
                }
                if (batch.tryAppend(frame, 0, length)) {
                    throw new AssertionError("a batch of three frames' room refuses a fourth");
                }
                batch.commit();
                if (consumer.drain(handler, 16) != 3) {
                    throw new AssertionError("three frames per cycle");
                }
            }
        }
    }

    /**
     * The deframer's batched path: each cycle encodes four wire frames holding pairs (i, ~i) into one
     * raw commit, deframes that read into the framed queue (one batch) and drains the four frames.
     */
    private static final class DeframerBatch implements Cycle {
        private final Producer raw;
        private final Consumer rawConsumer;
        private final FrameProducer framed;
        private final FrameConsumer framedConsumer;
        private final ReusableWriteGrant grant = new ReusableWriteGrant();
        private final FrameEncoder encoder = new FrameEncoder(FrameCheck.CRC16_CCITT_FALSE);
        private final Deframer deframer = new Deframer(64, FrameCheck.CRC16_CCITT_FALSE);
        private final PairSum handler = new PairSum();
        private final byte[] payload = new byte[32];
        private final ByteBuffer payloadView = ByteBuffer.wrap(payload);
        private final byte[] wire = new byte[4 * encoder.maxEncodedLength(32)];

        DeframerBatch(BBQueue rawQueue, BBQueue framedQueue) {
            raw = rawQueue.producer();
            rawConsumer = rawQueue.consumer();
            framed = framedQueue.frameProducer();
            framedConsumer = framedQueue.frameConsumer();
        }

        @Override
        public long round(int n) {
            handler.sum = 0;
            deframerRound(this, n);
            return handler.sum;
        }

        @Override
        public long expected(int n) {
            return 4 * pairs(n);
        }

        private static void deframerRound(DeframerBatch c, int n) {
            for (int i = 0; i < n; i++) {
                int at = 0;
                for (int k = 0; k < 4; k++) {
                    c.payloadView.putLong(0, i + k);
                    c.payloadView.putLong(8, ~(i + k));
                    at += c.encoder.encode(c.payload, 0, 16 + ((i + k) & 15), c.wire, at);
                }
                if (!c.raw.tryGrantExact(at, c.grant)) {
                    throw new AssertionError("an empty raw ring has room");
                }
                c.grant.put(0, c.wire, 0, at);
                c.grant.commit(at);
                try {
                    if (c.deframer.tryDeframe(c.rawConsumer, c.framed) != 4) {
                        throw new AssertionError("four frames per raw read");
                    }
                } catch (InterruptedException e) {
                    throw new AssertionError("a framed ring with room never waits", e);
                }
                if (c.framedConsumer.drain(c.handler, 16) != 4) {
                    throw new AssertionError("four frames per cycle");
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Usage shapes

    private static final class RawPollingRead implements Cycle {
        private final Producer producer;
        private final Consumer consumer;

        RawPollingRead(BBQueue queue) {
            producer = queue.producer();
            consumer = queue.consumer();
        }

        @Override
        public long round(int n) {
            return pollingReadRound(producer, consumer, n);
        }

        @Override
        public long expected(int n) {
            return pairs(n);
        }

        private static long pollingReadRound(Producer producer, Consumer consumer, int n) {
            long sum = 0;
            for (int i = 0; i < n; i++) {
                if (consumer.tryRead() != null) {
                    throw new AssertionError("the ring is empty");
                }
                WriteGrant grant = producer.tryGrantExact(16 + (i & 15));
                ByteBuffer out = grant.buffer();
                out.putLong(0, i);
                out.putLong(8, ~i);
                grant.commit(16);
                ReadGrant read = consumer.tryRead();
                ByteBuffer in = read.buffer();
                sum += in.getLong(0) + in.getLong(8);
                read.release(read.length());
            }
            return sum;
        }
    }

    private static final class RawRefusedGrant implements Cycle {
        private final Producer producer;
        private final Consumer consumer;

        RawRefusedGrant(BBQueue queue) {
            producer = queue.producer();
            consumer = queue.consumer();
        }

        @Override
        public long round(int n) {
            return refusedGrantRound(producer, consumer, n);
        }

        @Override
        public long expected(int n) {
            return pairs(n);
        }

        private static long refusedGrantRound(Producer producer, Consumer consumer, int n) {
            long sum = 0;
            for (int i = 0; i < n; i++) {
                WriteGrant grant = producer.tryGrantExact(16 + (i & 15));
                ByteBuffer out = grant.buffer();
                out.putLong(0, i);
                out.putLong(8, ~i);
                grant.commit(16);
                if (producer.tryGrantExact(producer.capacity()) != null) {
                    throw new AssertionError("a ring holding bytes has no room for its capacity");
                }
                ReadGrant read = consumer.tryRead();
                ByteBuffer in = read.buffer();
                sum += in.getLong(0) + in.getLong(8);
                read.release(read.length());
            }
            return sum;
        }
    }

    private static final class RawTryWithResources implements Cycle {
        private final Producer producer;
        private final Consumer consumer;

        RawTryWithResources(BBQueue queue) {
            producer = queue.producer();
            consumer = queue.consumer();
        }

        @Override
        public long round(int n) {
            return tryWithResourcesRound(producer, consumer, n);
        }

        @Override
        public long expected(int n) {
            return pairs(n);
        }

        private static long tryWithResourcesRound(Producer producer, Consumer consumer, int n) {
            long sum = 0;
            for (int i = 0; i < n; i++) {
                try (WriteGrant grant = producer.tryGrantExact(16 + (i & 15))) {
                    ByteBuffer out = grant.buffer();
                    out.putLong(0, i);
                    out.putLong(8, ~i);
                    grant.commit(16);
                }
                try (ReadGrant read = consumer.tryRead()) {
                    ByteBuffer in = read.buffer();
                    sum += in.getLong(0) + in.getLong(8);
                    read.release(read.length());
                }
            }
            return sum;
        }
    }

    private static final class FramedPollingRead implements Cycle {
        private final FrameProducer producer;
        private final FrameConsumer consumer;

        FramedPollingRead(BBQueue queue) {
            producer = queue.frameProducer();
            consumer = queue.frameConsumer();
        }

        @Override
        public long round(int n) {
            return pollingReadRound(producer, consumer, n);
        }

        @Override
        public long expected(int n) {
            return pairs(n);
        }

        private static long pollingReadRound(FrameProducer producer, FrameConsumer consumer, int n) {
            long sum = 0;
            for (int i = 0; i < n; i++) {
                if (consumer.tryRead() != null) {
                    throw new AssertionError("the ring is empty");
                }
                FrameGrant grant = producer.tryGrant(16 + (i & 15));
                ByteBuffer out = grant.buffer();
                out.putLong(0, i);
                out.putLong(8, ~i);
                grant.commit(16);
                Frame frame = consumer.tryRead();
                ByteBuffer in = frame.buffer();
                sum += in.getLong(0) + in.getLong(8);
                frame.release();
            }
            return sum;
        }
    }

    private static final class FramedTryWithResources implements Cycle {
        private final FrameProducer producer;
        private final FrameConsumer consumer;

        FramedTryWithResources(BBQueue queue) {
            producer = queue.frameProducer();
            consumer = queue.frameConsumer();
        }

        @Override
        public long round(int n) {
            return tryWithResourcesRound(producer, consumer, n);
        }

        @Override
        public long expected(int n) {
            return pairs(n);
        }

        private static long tryWithResourcesRound(FrameProducer producer, FrameConsumer consumer, int n) {
            long sum = 0;
            for (int i = 0; i < n; i++) {
                try (FrameGrant grant = producer.tryGrant(16 + (i & 15))) {
                    ByteBuffer out = grant.buffer();
                    out.putLong(0, i);
                    out.putLong(8, ~i);
                    grant.commit(16);
                }
                try (Frame frame = consumer.tryRead()) {
                    ByteBuffer in = frame.buffer();
                    sum += in.getLong(0) + in.getLong(8);
                    frame.release();
                }
            }
            return sum;
        }
    }

    /** A queue file in a new temporary folder, removed when the JVM exits. */
    private static BBQueue mappedQueue(int capacity) {
        try {
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("bbq-alloc");
            java.nio.file.Path file = dir.resolve("queue");
            file.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            return BBQueue.createMapped(file, capacity);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * The waiting paths of a queue file: they used to ask the OS about the other process
     * ({@code ProcessHandle.info()}, which allocates); now they check only the file's size.
     */
    private static final class MappedWaiting implements Cycle {
        private final FrameProducer producer;
        private final FrameConsumer consumer;
        private final PairSum handler = new PairSum();
        private final byte[] frame = new byte[31];
        private final ByteBuffer frameView = ByteBuffer.wrap(frame);
        private final byte[] tooBig;

        MappedWaiting(BBQueue queue) {
            producer = queue.frameProducer();
            consumer = queue.frameConsumer();
            tooBig = new byte[producer.maxFrameLength()];
        }

        @Override
        public long round(int n) {
            handler.sum = 0;
            try {
                for (int i = 0; i < n; i++) {
                    if ((i & 255) == 0 && consumer.drain(handler, 16, 1, TimeUnit.MICROSECONDS) != 0) {
                        throw new AssertionError("the ring is empty");
                    }
                    FramedPollingCopyDrain.pollingCopyDrainRound(producer, consumer, handler, frame, frameView, tooBig,
                            i, i + 1);
                    if ((i & 255) == 0) {
                        if (!producer.tryWrite(frame, 0, 16)) {
                            throw new AssertionError("an empty ring has room");
                        }
                        if (producer.write(tooBig, 0, tooBig.length, 1, TimeUnit.MICROSECONDS)) {
                            throw new AssertionError("a ring holding a frame has no room for the largest frame");
                        }
                        if (consumer.drain(discarded -> { }, 16) != 1) {
                            throw new AssertionError("one frame to discard");
                        }
                    }
                }
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            return handler.sum;
        }

        @Override
        public long expected(int n) {
            return pairs(n);
        }
    }

    private static final class FramedPollingCopyDrain implements Cycle {
        private final FrameProducer producer;
        private final FrameConsumer consumer;
        private final PairSum handler = new PairSum();
        private final byte[] frame = new byte[31];
        private final ByteBuffer frameView = ByteBuffer.wrap(frame);
        private final byte[] tooBig;

        FramedPollingCopyDrain(BBQueue queue) {
            producer = queue.frameProducer();
            consumer = queue.frameConsumer();
            tooBig = new byte[producer.maxFrameLength()];
        }

        @Override
        public long round(int n) {
            handler.sum = 0;
            pollingCopyDrainRound(producer, consumer, handler, frame, frameView, tooBig, 0, n);
            return handler.sum;
        }

        @Override
        public long expected(int n) {
            return pairs(n);
        }

        static void pollingCopyDrainRound(FrameProducer producer, FrameConsumer consumer, PairSum handler,
                                          byte[] frame, ByteBuffer frameView, byte[] tooBig, int from, int to) {
            for (int i = from; i < to; i++) {
                if (consumer.drain(handler, 16) != 0) {
                    throw new AssertionError("the ring is empty");
                }
                frameView.putLong(0, i);
                frameView.putLong(8, ~i);
                if (!producer.tryWrite(frame, 0, 16 + (i & 15))) {
                    throw new AssertionError("an empty ring has room");
                }
                if (producer.tryWrite(tooBig, 0, tooBig.length)) {
                    throw new AssertionError("a ring holding a frame has no room for the largest frame");
                }
                if (consumer.drain(handler, 16) != 1) {
                    throw new AssertionError("one frame per cycle");
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // View-free accessors

    private static final class RawViewFree implements Cycle {
        private final Producer producer;
        private final Consumer consumer;
        private final boolean polling;
        private final byte[] out = new byte[16];
        private final byte[] in = new byte[16];
        private final ByteBuffer outView = ByteBuffer.wrap(out);
        private final ByteBuffer inView = ByteBuffer.wrap(in);

        RawViewFree(BBQueue queue, boolean polling) {
            producer = queue.producer();
            consumer = queue.consumer();
            this.polling = polling;
        }

        @Override
        public long round(int n) {
            return polling ? viewFreePollingRound(producer, consumer, out, outView, in, inView, n)
                    : viewFreeRound(producer, consumer, out, outView, in, inView, n);
        }

        @Override
        public long expected(int n) {
            return pairs(n);
        }

        private static long viewFreeRound(Producer producer, Consumer consumer, byte[] out, ByteBuffer outView,
                                          byte[] in, ByteBuffer inView, int n) {
            long sum = 0;
            for (int i = 0; i < n; i++) {
                outView.putLong(0, i);
                outView.putLong(8, ~i);
                WriteGrant grant = producer.tryGrantExact(16 + (i & 15));
                grant.put(0, out, 0, 16);
                grant.commit(16);
                ReadGrant read = consumer.tryRead();
                read.get(0, in, 0, 16);
                sum += inView.getLong(0) + inView.getLong(8);
                read.release(read.length());
            }
            return sum;
        }

        private static long viewFreePollingRound(Producer producer, Consumer consumer, byte[] out, ByteBuffer outView,
                                                 byte[] in, ByteBuffer inView, int n) {
            long sum = 0;
            for (int i = 0; i < n; i++) {
                if (consumer.tryRead() != null) {
                    throw new AssertionError("the ring is empty");
                }
                outView.putLong(0, i);
                outView.putLong(8, ~i);
                WriteGrant grant = producer.tryGrantExact(16 + (i & 15));
                grant.put(0, out, 0, 16);
                grant.commit(16);
                ReadGrant read = consumer.tryRead();
                read.get(0, in, 0, 16);
                sum += inView.getLong(0) + inView.getLong(8);
                read.release(read.length());
            }
            return sum;
        }
    }

    private static final class FramedViewFree implements Cycle {
        private final FrameProducer producer;
        private final FrameConsumer consumer;
        private final byte[] out = new byte[16];
        private final byte[] in = new byte[16];
        private final ByteBuffer outView = ByteBuffer.wrap(out);
        private final ByteBuffer inView = ByteBuffer.wrap(in);

        FramedViewFree(BBQueue queue) {
            producer = queue.frameProducer();
            consumer = queue.frameConsumer();
        }

        @Override
        public long round(int n) {
            return viewFreeRound(producer, consumer, out, outView, in, inView, n);
        }

        @Override
        public long expected(int n) {
            return pairs(n);
        }

        private static long viewFreeRound(FrameProducer producer, FrameConsumer consumer, byte[] out, ByteBuffer outView,
                                          byte[] in, ByteBuffer inView, int n) {
            long sum = 0;
            for (int i = 0; i < n; i++) {
                outView.putLong(0, i);
                outView.putLong(8, ~i);
                FrameGrant grant = producer.tryGrant(16 + (i & 15));
                grant.put(0, out, 0, 16);
                grant.commit(16);
                Frame frame = consumer.tryRead();
                frame.get(0, in, 0, 16);
                sum += inView.getLong(0) + inView.getLong(8);
                frame.release();
            }
            return sum;
        }
    }

    private static final class RawViewFreeRefusedGrant implements Cycle {
        private final Producer producer;
        private final Consumer consumer;
        private final byte[] out = new byte[16];
        private final byte[] in = new byte[16];
        private final ByteBuffer outView = ByteBuffer.wrap(out);
        private final ByteBuffer inView = ByteBuffer.wrap(in);

        RawViewFreeRefusedGrant(BBQueue queue) {
            producer = queue.producer();
            consumer = queue.consumer();
        }

        @Override
        public long round(int n) {
            return refusedRound(producer, consumer, out, outView, in, inView, n);
        }

        @Override
        public long expected(int n) {
            return pairs(n);
        }

        private static long refusedRound(Producer producer, Consumer consumer, byte[] out, ByteBuffer outView,
                                         byte[] in, ByteBuffer inView, int n) {
            long sum = 0;
            for (int i = 0; i < n; i++) {
                outView.putLong(0, i);
                outView.putLong(8, ~i);
                WriteGrant grant = producer.tryGrantExact(16 + (i & 15));
                grant.put(0, out, 0, 16);
                grant.commit(16);
                if (producer.tryGrantExact(producer.capacity()) != null) {
                    throw new AssertionError("a ring holding bytes has no room for its capacity");
                }
                ReadGrant read = consumer.tryRead();
                read.get(0, in, 0, 16);
                sum += inView.getLong(0) + inView.getLong(8);
                read.release(read.length());
            }
            return sum;
        }
    }

    private static final class FramedViewFreePolling implements Cycle {
        private final FrameProducer producer;
        private final FrameConsumer consumer;
        private final byte[] out = new byte[16];
        private final byte[] in = new byte[16];
        private final ByteBuffer outView = ByteBuffer.wrap(out);
        private final ByteBuffer inView = ByteBuffer.wrap(in);

        FramedViewFreePolling(BBQueue queue) {
            producer = queue.frameProducer();
            consumer = queue.frameConsumer();
        }

        @Override
        public long round(int n) {
            return pollingRound(producer, consumer, out, outView, in, inView, n);
        }

        @Override
        public long expected(int n) {
            return pairs(n);
        }

        private static long pollingRound(FrameProducer producer, FrameConsumer consumer, byte[] out, ByteBuffer outView,
                                         byte[] in, ByteBuffer inView, int n) {
            long sum = 0;
            for (int i = 0; i < n; i++) {
                if (consumer.tryRead() != null) {
                    throw new AssertionError("the ring is empty");
                }
                outView.putLong(0, i);
                outView.putLong(8, ~i);
                FrameGrant grant = producer.tryGrant(16 + (i & 15));
                grant.put(0, out, 0, 16);
                grant.commit(16);
                Frame frame = consumer.tryRead();
                frame.get(0, in, 0, 16);
                sum += inView.getLong(0) + inView.getLong(8);
                frame.release();
            }
            return sum;
        }
    }

    /**
     * The shapes that allocate with one-shot grants (a call site that also sees "nothing", bulk
     * accessors), with reusable grants instead: there is no object to merge with null.
     */
    private static final class RawReusable implements Cycle {
        private final Producer producer;
        private final Consumer consumer;
        private final ReusableWriteGrant grant = new ReusableWriteGrant();
        private final ReusableReadGrant read = new ReusableReadGrant();
        private final byte[] out = new byte[16];
        private final byte[] in = new byte[16];
        private final ByteBuffer outView = ByteBuffer.wrap(out);
        private final ByteBuffer inView = ByteBuffer.wrap(in);

        RawReusable(BBQueue queue) {
            producer = queue.producer();
            consumer = queue.consumer();
        }

        @Override
        public long round(int n) {
            return reusableRound(producer, consumer, grant, read, out, outView, in, inView, n);
        }

        @Override
        public long expected(int n) {
            return pairs(n);
        }

        private static long reusableRound(Producer producer, Consumer consumer, ReusableWriteGrant grant,
                                          ReusableReadGrant read, byte[] out, ByteBuffer outView, byte[] in,
                                          ByteBuffer inView, int n) {
            long sum = 0;
            for (int i = 0; i < n; i++) {
                if (consumer.tryRead(read)) {
                    throw new AssertionError("the ring is empty");
                }
                outView.putLong(0, i);
                outView.putLong(8, ~i);
                if (!producer.tryGrantExact(16 + (i & 15), grant)) {
                    throw new AssertionError("the ring is empty, so a small grant fits");
                }
                grant.put(0, out, 0, 16);
                grant.commit(16);
                if (producer.tryGrantExact(producer.capacity(), grant)) {
                    throw new AssertionError("a ring holding bytes has no room for its capacity");
                }
                if (!consumer.tryRead(read)) {
                    throw new AssertionError("16 bytes were committed");
                }
                read.get(0, in, 0, 16);
                sum += inView.getLong(0) + inView.getLong(8);
                read.release();
            }
            return sum;
        }
    }

    private static final class FramedReusable implements Cycle {
        private final FrameProducer producer;
        private final FrameConsumer consumer;
        private final ReusableWriteGrant grant = new ReusableWriteGrant();
        private final ReusableReadGrant frame = new ReusableReadGrant();
        private final byte[] in = new byte[16];
        private final ByteBuffer inView = ByteBuffer.wrap(in);

        FramedReusable(BBQueue queue) {
            producer = queue.frameProducer();
            consumer = queue.frameConsumer();
        }

        @Override
        public long round(int n) {
            return reusableRound(producer, consumer, grant, frame, in, inView, n);
        }

        @Override
        public long expected(int n) {
            return pairs(n);
        }

        private static long reusableRound(FrameProducer producer, FrameConsumer consumer, ReusableWriteGrant grant,
                                          ReusableReadGrant frame, byte[] in, ByteBuffer inView, int n) {
            long sum = 0;
            for (int i = 0; i < n; i++) {
                if (consumer.tryRead(frame)) {
                    throw new AssertionError("the ring is empty");
                }
                if (!producer.tryGrant(16 + (i & 15), grant)) {
                    throw new AssertionError("the ring is empty, so a small frame fits");
                }
                ByteBuffer out = grant.buffer();
                out.putLong(0, i);
                out.putLong(8, ~i);
                grant.commit(16);
                if (producer.tryGrant(producer.maxFrameLength(), grant)) {
                    throw new AssertionError("a ring holding a frame has no room for the largest frame");
                }
                if (!consumer.tryRead(frame)) {
                    throw new AssertionError("a frame was committed");
                }
                frame.get(0, in, 0, 16);
                sum += inView.getLong(0) + inView.getLong(8);
                frame.release();
            }
            return sum;
        }
    }

    private static final class SharedCopyDrain implements Cycle {
        private final SharedFrameProducer producer;
        private final FrameConsumer consumer;
        private final PairSum handler = new PairSum();
        private final byte[] frame = new byte[31];
        private final ByteBuffer frameView = ByteBuffer.wrap(frame);

        SharedCopyDrain(BBQueue queue) {
            producer = queue.sharedFrameProducer();
            consumer = queue.frameConsumer();
        }

        @Override
        public long round(int n) {
            handler.sum = 0;
            try {
                sharedRound(producer, consumer, handler, frame, frameView, n);
            } catch (InterruptedException e) {
                throw new AssertionError("nobody interrupts the loop", e);
            }
            return handler.sum;
        }

        @Override
        public long expected(int n) {
            return pairs(n);
        }

        private static void sharedRound(SharedFrameProducer producer, FrameConsumer consumer, PairSum handler,
                                        byte[] frame, ByteBuffer frameView, int n) throws InterruptedException {
            for (int i = 0; i < n; i++) {
                frameView.putLong(0, i);
                frameView.putLong(8, ~i);
                int length = 16 + (i & 15);
                boolean written;
                switch (i % 3) {
                    case 0:
                        written = producer.tryWrite(frame, 0, length);
                        break;
                    case 1:
                        written = producer.writeOrDrop(frame, 0, length);
                        break;
                    default:
                        written = producer.write(frame, 0, length, 1, TimeUnit.SECONDS);
                        break;
                }
                if (!written) {
                    throw new AssertionError("an empty ring has room");
                }
                if (consumer.drain(handler, 16) != 1) {
                    throw new AssertionError("one frame per cycle");
                }
            }
        }
    }

    private static final class SharedReusable implements Cycle {
        private final SharedFrameProducer producer;
        private final FrameConsumer consumer;
        private final PairSum handler = new PairSum();
        /** Created by the thread that runs the loop, which is the grant's owner. */
        private final SharedReusableGrant grant = new SharedReusableGrant();

        SharedReusable(BBQueue queue) {
            producer = queue.sharedFrameProducer();
            consumer = queue.frameConsumer();
        }

        @Override
        public long round(int n) {
            handler.sum = 0;
            try {
                sharedReusableRound(producer, consumer, handler, grant, n);
            } catch (InterruptedException e) {
                throw new AssertionError("nobody interrupts the loop", e);
            }
            return handler.sum;
        }

        @Override
        public long expected(int n) {
            return pairs(n);
        }

        private static void sharedReusableRound(SharedFrameProducer producer, FrameConsumer consumer,
                                                PairSum handler, SharedReusableGrant grant, int n)
                throws InterruptedException {
            for (int i = 0; i < n; i++) {
                int length = 16 + (i & 15);
                boolean granted = (i & 1) == 0 ? producer.tryGrant(length, grant)
                        : producer.grant(length, grant, 1, TimeUnit.SECONDS);
                if (!granted) {
                    throw new AssertionError("an empty ring has room");
                }
                grant.putLong(0, i);
                grant.putLong(8, ~i);
                grant.commit(16);
                grant.close(); // ended: does nothing, as at the end of a try-with-resources block
                if (producer.tryGrant(producer.maxFrameLength(), grant)) {
                    throw new AssertionError("a ring holding a frame has no room for the largest frame");
                }
                if (consumer.drain(handler, 16) != 1) {
                    throw new AssertionError("one frame per cycle");
                }
            }
        }
    }
}
