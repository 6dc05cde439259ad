package dev.bbq.stress;

import dev.bbq.BBQueue;
import dev.bbq.Consumer;
import dev.bbq.Frame;
import dev.bbq.FrameConsumer;
import dev.bbq.FrameGrant;
import dev.bbq.FrameHandler;
import dev.bbq.FrameProducer;
import dev.bbq.Producer;
import dev.bbq.QueueStats;
import dev.bbq.ReadGrant;
import dev.bbq.SplitReadGrant;
import dev.bbq.WaitStrategy;
import dev.bbq.WriteGrant;
import dev.bbq.internal.Secrets;
import dev.bbq.internal.StressAccess;
import dev.bbq.internal.StressAccess.RingView;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32;

/**
 * The soak: a producer thread and a consumer thread move random-size raw grants and frames through
 * small rings for a given time, and every byte is checked on arrival. It fails on any lost,
 * duplicated, reordered or corrupted byte or frame, on a side that stops making progress, and on a
 * run that did not exercise what it is meant to (wraps, split reads across the wrap, partial commits
 * and releases, abandoned grants, full-capacity grants, zero-length frames).
 *
 * <p>Raw bytes carry their stream offset: byte {@code i} of the stream is {@link #at(long) at(i)},
 * so a byte that arrives at the wrong offset (lost or repeated bytes shift everything after them)
 * shows at once, and a CRC32 over everything sent and received is compared at the end. Frames carry a
 * sequence number, bytes derived from it and a CRC32 of the rest; after every 61st frame the
 * producer sends an empty frame, which must arrive exactly there. Uncommitted bytes of a grant are
 * filled with the complement of what the stream would hold there, so a consumer that was shown them
 * would fail. At the end the producer closes, the consumer reads to the end of the stream, and both
 * totals must equal the queue's own statistics.
 *
 * <p>Four scenarios share the time: raw and framed, each once with polling {@code try} calls (heap
 * ring) and once with blocking calls and timeouts under the default blocking strategy (direct ring),
 * so the wait and wake-up paths (R9) and closing (R10) are soaked too. Run it with
 * {@code -Dbbq.chaos=true} to make the state machine pause at random between its steps.
 *
 * <p>Usage: {@code java [-Dbbq.chaos=true] -cp jcstress.jar dev.bbq.stress.Soak [seconds] [seed]}
 * (default 60 seconds, a random seed, which is printed).
 */
final class Soak {
    /** A side that makes no progress for this long has stalled (a lost wake-up or a deadlock). */
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(30);

    /** Chaos mode and the producer's own fields (to count wraps), which the public API does not show. */
    private static final StressAccess INTERNALS = Secrets.stressAccess();

    /**
     * Whether a run must have exercised every path it names (on by default). The module-path check
     * in {@code mvn verify} runs one second only to show that the jars load as modules, too short
     * to be sure of reaching every path, so it turns this off.
     */
    private static final boolean REQUIRE_COVERAGE =
            Boolean.parseBoolean(System.getProperty("bbq.soak.requireCoverage", "true"));

    private Soak() {
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 60;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : System.nanoTime();
        System.out.printf(Locale.ROOT, "soak: %.0f s, seed %d, chaos %s, JDK %s%n", seconds, seed,
                INTERNALS.chaosEnabled() ? "on" : "off", Runtime.version());
        long nanos = (long) (seconds * 1e9 / 4);
        List<Scenario> scenarios = List.of(
                new RawScenario("raw, polling, heap", BBQueue.builder().capacity(4093).waitStrategy(WaitStrategy.busySpin()).build(), false),
                new RawScenario("raw, blocking, direct", BBQueue.builder().capacity(4093).direct().build(), true),
                new FramedScenario("framed, polling, heap", BBQueue.builder().capacity(8191).waitStrategy(WaitStrategy.yielding()).build(), false),
                new FramedScenario("framed, blocking, direct", BBQueue.builder().capacity(8191).direct().build(), true));
        boolean passed = true;
        long bytes = 0;
        for (Scenario scenario : scenarios) {
            String failure = scenario.run(nanos, seed++);
            System.out.println("  " + scenario.report());
            if (failure != null) {
                System.out.println("  FAILED: " + failure);
                passed = false;
            }
            bytes += scenario.bytes.get();
        }
        System.out.printf(Locale.ROOT, "soak: %s, %,d bytes moved and checked%n", passed ? "PASSED" : "FAILED", bytes);
        System.exit(passed ? 0 : 1);
    }

    /** Raw stream byte {@code i}. */
    static byte at(long i) {
        return (byte) (i ^ (i >>> 7) ^ (i >>> 17) ^ 0x5A);
    }

    /** One producer/consumer pair over one queue. */
    abstract static class Scenario {
        final String name;
        final BBQueue queue;
        final boolean blocking;
        /** Bytes the consumer has checked: the progress measure, read by the watchdog. */
        final AtomicLong bytes = new AtomicLong();
        /** Producer-side progress: commits made. */
        final AtomicLong commits = new AtomicLong();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        /** Named counts for the report and the coverage check; each is written by one side only. */
        final Map<String, long[]> counts = new java.util.LinkedHashMap<>();
        long elapsedNanos;

        Scenario(String name, BBQueue queue, boolean blocking) {
            this.name = name;
            this.queue = queue;
            this.blocking = blocking;
        }

        long[] count(String name) {
            long[] count = counts.get(name);
            if (count == null) {
                throw new IllegalArgumentException("no counter " + name);
            }
            return count;
        }

        abstract void produce(long deadline, SplittableRandom random) throws Exception;

        abstract void consume(SplittableRandom random) throws Exception;

        /** Checks the totals after both sides are done; returns a failure or null. */
        abstract String checkTotals();

        /** The counters that must be non-zero for the run to count. */
        abstract List<String> mustHappen();

        /** Every counter, in report order (created before the threads start, never added later). */
        abstract List<String> counters();

        /** Runs both sides; returns a failure description, or null. */
        String run(long nanos, long seed) throws InterruptedException {
            for (String name : counters()) {
                counts.put(name, new long[1]);
            }
            SplittableRandom producerRandom = new SplittableRandom(seed);
            SplittableRandom consumerRandom = producerRandom.split();
            long start = System.nanoTime();
            long deadline = start + nanos;
            Thread producer = new Thread(() -> guard(() -> produce(deadline, producerRandom), this::closeProducer),
                    "soak-producer");
            Thread consumer = new Thread(() -> guard(() -> consume(consumerRandom), this::closeConsumer),
                    "soak-consumer");
            producer.start();
            consumer.start();
            long lastBytes = -1;
            long lastCommits = -1;
            long lastProgress = System.nanoTime();
            while (producer.isAlive() || consumer.isAlive()) {
                producer.join(200);
                consumer.join(200);
                long b = bytes.get();
                long c = commits.get();
                if (b != lastBytes || c != lastCommits) {
                    lastBytes = b;
                    lastCommits = c;
                    lastProgress = System.nanoTime();
                } else if (System.nanoTime() - lastProgress > STALL_NANOS) {
                    failure.compareAndSet(null, new AssertionError("no progress for 30 s: " + INTERNALS.ring(queue)
                            + "\nproducer: " + stack(producer) + "\nconsumer: " + stack(consumer)));
                    producer.interrupt();
                    consumer.interrupt();
                    producer.join(5_000);
                    consumer.join(5_000);
                    break;
                }
            }
            elapsedNanos = System.nanoTime() - start;
            if (failure.get() != null) {
                return String.valueOf(failure.get());
            }
            String totals = checkTotals();
            if (totals != null) {
                return totals;
            }
            for (String name : mustHappen()) {
                if (REQUIRE_COVERAGE && count(name)[0] == 0) {
                    return "the run never exercised: " + name;
                }
            }
            return null;
        }

        /** Runs one side; on a failure records it and closes that side, which ends the other side too. */
        private void guard(Task task, Runnable close) {
            try {
                task.run();
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
                close.run();
            }
        }

        abstract void closeProducer();

        abstract void closeConsumer();

        String report() {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-25s %5.1f s, %,15d bytes", name,
                    elapsedNanos / 1e9, bytes.get()));
            for (Map.Entry<String, long[]> e : counts.entrySet()) {
                sb.append(String.format(Locale.ROOT, ", %s %,d", e.getKey(), e.getValue()[0]));
            }
            return sb.toString();
        }

        private static String stack(Thread thread) {
            StringBuilder sb = new StringBuilder();
            for (StackTraceElement e : thread.getStackTrace()) {
                sb.append("\n    at ").append(e);
            }
            return sb.toString();
        }
    }

    private interface Task {
        void run() throws Exception;
    }

    /** Raw grants and reads. */
    static final class RawScenario extends Scenario {
        private final Producer producer;
        private final Consumer consumer;
        private final int capacity;
        private final CRC32 sent = new CRC32();
        private final CRC32 received = new CRC32();
        private long producerOffset;
        private long consumerOffset;

        RawScenario(String name, BBQueue queue, boolean blocking) {
            super(name, queue, blocking);
            this.producer = queue.producer();
            this.consumer = queue.consumer();
            this.capacity = queue.capacity();
        }

        @Override
        List<String> mustHappen() {
            return List.of("grants", "wraps", "partial commits", "abandoned grants", "full-capacity grants",
                    "split reads across the wrap", "partial releases");
        }

        @Override
        List<String> counters() {
            return List.of("grants", "refused", "wraps", "partial commits", "abandoned grants", "full-capacity grants",
                    "split reads across the wrap", "partial releases");
        }

        @Override
        void closeProducer() {
            producer.close();
        }

        @Override
        void closeConsumer() {
            consumer.close();
        }

        @Override
        void produce(long deadline, SplittableRandom random) throws Exception {
            RingView ring = INTERNALS.ring(queue);
            byte[] chunk = new byte[capacity];
            long[] grants = count("grants");
            long[] refused = count("refused");
            long[] wraps = count("wraps");
            long[] partial = count("partial commits");
            long[] abandoned = count("abandoned grants");
            long[] full = count("full-capacity grants");
            try {
                while (System.nanoTime() < deadline) {
                    int dice = random.nextInt(64);
                    int want = dice == 0 ? capacity : 1 + random.nextInt(dice < 16 ? capacity / 2 : 64);
                    boolean exact = random.nextBoolean();
                    int writeBefore = ring.producerWrite(); // the producer's own field, read on its thread
                    WriteGrant grant;
                    if (blocking) {
                        long timeout = 1 + random.nextInt(20);
                        grant = exact ? producer.grantExact(want, timeout, TimeUnit.MILLISECONDS)
                                : producer.grantMax(want, timeout, TimeUnit.MILLISECONDS);
                    } else {
                        grant = exact ? producer.tryGrantExact(want) : producer.tryGrantMax(want);
                    }
                    if (grant == null && want == capacity && !blocking) {
                        // R8: a drained ring grants its whole capacity once the consumer has looked.
                        for (int i = 0; i < 1000 && grant == null; i++) {
                            Thread.onSpinWait();
                            grant = producer.tryGrantExact(capacity);
                        }
                    }
                    if (grant == null) {
                        refused[0]++;
                        if (!blocking) {
                            Thread.onSpinWait();
                        }
                        continue;
                    }
                    grants[0]++;
                    if (ring.producerGrantStart() != writeBefore) {
                        wraps[0]++;
                    }
                    int length = grant.length();
                    if (length == capacity) {
                        full[0]++;
                    }
                    int used = random.nextInt(8) == 0 ? random.nextInt(length + 1) : length;
                    for (int i = 0; i < length; i++) {
                        byte b = at(producerOffset + i);
                        chunk[i] = i < used ? b : (byte) ~b; // uncommitted bytes must never be read
                    }
                    ByteBuffer view = grant.buffer();
                    view.put(chunk, 0, length);
                    if (random.nextInt(32) == 0) {
                        grant.close(); // abandoned: nothing is published
                        abandoned[0]++;
                        continue;
                    }
                    if (used < length) {
                        partial[0]++;
                    }
                    sent.update(chunk, 0, used);
                    grant.commit(used);
                    producerOffset += used;
                    commits.incrementAndGet();
                }
            } finally {
                producer.close();
            }
        }

        @Override
        void consume(SplittableRandom random) throws Exception {
            byte[] copy = new byte[capacity];
            long[] split = count("split reads across the wrap");
            long[] partial = count("partial releases");
            while (true) {
                boolean splitRead = random.nextInt(4) == 0;
                long timeout = 1 + random.nextInt(20);
                if (splitRead) {
                    SplitReadGrant grant = blocking ? consumer.splitRead(timeout, TimeUnit.MILLISECONDS)
                            : consumer.trySplitRead();
                    if (grant == null) {
                        if (consumer.isClosed()) {
                            return;
                        }
                        idle();
                        continue;
                    }
                    ByteBuffer first = grant.first();
                    ByteBuffer second = grant.second();
                    if (second.remaining() > 0) {
                        split[0]++;
                    }
                    int n = release(random, grant.length(), partial);
                    int fromFirst = Math.min(n, first.remaining());
                    check(first, fromFirst, copy);
                    check(second, n - fromFirst, copy);
                    grant.release(n);
                } else {
                    ReadGrant grant = blocking ? consumer.read(timeout, TimeUnit.MILLISECONDS) : consumer.tryRead();
                    if (grant == null) {
                        if (consumer.isClosed()) {
                            return;
                        }
                        idle();
                        continue;
                    }
                    int n = release(random, grant.length(), partial);
                    check(grant.buffer(), n, copy);
                    grant.release(n);
                }
            }
        }

        private void idle() {
            if (!blocking) {
                Thread.onSpinWait();
            }
        }

        private static int release(SplittableRandom random, int length, long[] partial) {
            if (random.nextInt(4) != 0) {
                return length;
            }
            partial[0]++;
            return random.nextInt(length + 1);
        }

        /** Checks the first {@code n} bytes of {@code view} against the stream and counts them. */
        private void check(ByteBuffer view, int n, byte[] copy) {
            view.get(copy, 0, n);
            for (int i = 0; i < n; i++) {
                if (copy[i] != at(consumerOffset + i)) {
                    throw new AssertionError(String.format(Locale.ROOT,
                            "stream byte %d is %d, expected %d (lost, repeated or corrupted bytes)",
                            consumerOffset + i, copy[i], at(consumerOffset + i)));
                }
            }
            received.update(copy, 0, n);
            consumerOffset += n;
            bytes.addAndGet(n);
        }

        @Override
        String checkTotals() {
            QueueStats stats = queue.stats();
            if (consumerOffset != producerOffset) {
                return "the consumer read " + consumerOffset + " bytes of " + producerOffset + " committed";
            }
            if (sent.getValue() != received.getValue()) {
                return "CRC32 of the bytes received differs from the bytes sent";
            }
            if (stats.bytesCommitted() != producerOffset || stats.bytesReleased() != consumerOffset) {
                return "statistics disagree: " + stats;
            }
            return null;
        }
    }

    /** Frames: grants with partial commits, copies, drains, reads kept and re-read, empty frames. */
    static final class FramedScenario extends Scenario {
        /** After every frame whose sequence number is 60 modulo 61 comes an empty frame. */
        private static final int EMPTY_EVERY = 61;
        private final FrameProducer producer;
        private final FrameConsumer consumer;
        private final int maxFrame;
        private long producerFrames;
        private long consumerFrames;
        /** Whether the next frame must be the empty one. */
        private boolean emptyDue;

        FramedScenario(String name, BBQueue queue, boolean blocking) {
            super(name, queue, blocking);
            this.producer = queue.frameProducer();
            this.consumer = queue.frameConsumer();
            this.maxFrame = Math.min(producer.maxFrameLength(), 3000);
        }

        @Override
        List<String> mustHappen() {
            return List.of("frames", "wraps", "partial commits", "abandoned grants", "empty frames",
                    "frames kept and read again", "drains");
        }

        @Override
        List<String> counters() {
            return List.of("frames", "refused", "wraps", "partial commits", "abandoned grants", "empty frames",
                    "frames kept and read again", "drains");
        }

        @Override
        void closeProducer() {
            producer.close();
        }

        @Override
        void closeConsumer() {
            consumer.close();
        }

        /** Frame {@code seq}: sequence number, bytes derived from it, CRC32 of everything before the CRC. */
        static void encode(ByteBuffer frame, long seq, int length) {
            frame.putLong(0, seq);
            for (int i = 8; i < length - 4; i++) {
                frame.put(i, at(seq * 131 + i));
            }
            CRC32 crc = new CRC32();
            ByteBuffer body = frame.duplicate();
            body.position(0).limit(length - 4);
            crc.update(body);
            frame.putInt(length - 4, (int) crc.getValue());
        }

        @Override
        void produce(long deadline, SplittableRandom random) throws Exception {
            RingView ring = INTERNALS.ring(queue);
            ByteBuffer scratch = ByteBuffer.allocate(maxFrame);
            byte[] array = scratch.array();
            long[] frames = count("frames");
            long[] refused = count("refused");
            long[] wraps = count("wraps");
            long[] partial = count("partial commits");
            long[] abandoned = count("abandoned grants");
            long[] empty = count("empty frames");
            try {
                while (System.nanoTime() < deadline) {
                    int length = 12 + random.nextInt(random.nextInt(16) == 0 ? maxFrame - 12 : 200);
                    int writeBefore = ring.producerWrite();
                    boolean sent;
                    int how = random.nextInt(4);
                    long timeout = 1 + random.nextInt(20);
                    if (how <= 1) { // grant in place, perhaps larger than needed (a partial commit)
                        int max = Math.min(maxFrame, length + (how == 1 ? random.nextInt(64) : 0));
                        FrameGrant grant = blocking ? producer.grant(max, timeout, TimeUnit.MILLISECONDS)
                                : producer.tryGrant(max);
                        sent = grant != null;
                        if (sent) {
                            ByteBuffer view = grant.buffer();
                            encode(view, producerFrames, length);
                            if (random.nextInt(32) == 0) {
                                grant.close();
                                abandoned[0]++;
                                continue;
                            }
                            if (length < max) {
                                partial[0]++;
                            }
                            grant.commit(length);
                        }
                    } else {
                        encode(scratch, producerFrames, length);
                        if (how == 2) {
                            sent = blocking ? producer.write(array, 0, length, timeout, TimeUnit.MILLISECONDS)
                                    : producer.tryWrite(array, 0, length);
                        } else {
                            ByteBuffer src = ByteBuffer.wrap(array, 0, length);
                            sent = producer.tryWrite(src);
                        }
                    }
                    if (!sent) {
                        refused[0]++;
                        if (!blocking) {
                            Thread.yield();
                        }
                        continue;
                    }
                    if (ring.producerGrantStart() != writeBefore) {
                        wraps[0]++;
                    }
                    frames[0]++;
                    commits.incrementAndGet();
                    if (producerFrames++ % EMPTY_EVERY == EMPTY_EVERY - 1) {
                        while (!(blocking ? producer.write(array, 0, 0, 20, TimeUnit.MILLISECONDS)
                                : producer.tryWrite(array, 0, 0))) {
                            Thread.yield();
                        }
                        empty[0]++;
                    }
                }
            } finally {
                producer.close();
            }
        }

        @Override
        void consume(SplittableRandom random) throws Exception {
            long[] kept = count("frames kept and read again");
            long[] drains = count("drains");
            FrameHandler check = this::check;
            long keptSeq = -1;
            while (true) {
                long timeout = 1 + random.nextInt(20);
                if (keptSeq < 0 && random.nextBoolean()) {
                    int max = 1 + random.nextInt(32);
                    int n = blocking ? consumer.drain(check, max, timeout, TimeUnit.MILLISECONDS) : consumer.drain(check, max);
                    if (n > 0) {
                        drains[0]++;
                        continue;
                    }
                } else {
                    Frame frame = blocking ? consumer.read(timeout, TimeUnit.MILLISECONDS) : consumer.tryRead();
                    if (frame != null) {
                        ByteBuffer view = frame.buffer();
                        if (keptSeq >= 0 && view.remaining() >= 8 && view.getLong(0) != keptSeq) {
                            throw new AssertionError("a frame kept with close() did not come back: got "
                                    + view.getLong(0) + ", expected " + keptSeq);
                        }
                        keptSeq = -1;
                        if (!emptyDue && random.nextInt(8) == 0) {
                            keptSeq = view.remaining() >= 8 ? view.getLong(0) : -1;
                            frame.close(); // keep it: the next read must return it again
                            kept[0]++;
                            continue;
                        }
                        check(view);
                        frame.release();
                        continue;
                    }
                }
                if (consumer.isClosed()) {
                    return;
                }
                if (!blocking) {
                    Thread.yield();
                }
            }
        }

        /** Checks one frame: the empty one where it is due, else the next sequence number, intact. */
        private void check(ByteBuffer frame) {
            int length = frame.remaining();
            if (emptyDue) {
                if (length != 0) {
                    throw new AssertionError("an empty frame was due after frame " + (consumerFrames - 1)
                            + ", got " + length + " bytes");
                }
                emptyDue = false;
                return;
            }
            if (length < 12) {
                throw new AssertionError("frame " + consumerFrames + " has " + length + " bytes");
            }
            int pos = frame.position();
            long seq = frame.getLong(pos);
            if (seq != consumerFrames) {
                throw new AssertionError("frame " + seq + " arrived when " + consumerFrames
                        + " was due (a lost, repeated or reordered frame)");
            }
            CRC32 crc = new CRC32();
            ByteBuffer body = frame.duplicate();
            body.limit(pos + length - 4);
            crc.update(body);
            if ((int) crc.getValue() != frame.getInt(pos + length - 4)) {
                throw new AssertionError("frame " + seq + " of " + length + " bytes is corrupt (CRC32)");
            }
            for (int i = 8; i < length - 4; i++) {
                if (frame.get(pos + i) != at(seq * 131 + i)) {
                    throw new AssertionError("frame " + seq + " byte " + i + " is corrupt");
                }
            }
            consumerFrames++;
            emptyDue = seq % EMPTY_EVERY == EMPTY_EVERY - 1;
            bytes.addAndGet(length);
        }

        @Override
        String checkTotals() {
            if (consumerFrames != producerFrames) {
                return "the consumer read " + consumerFrames + " frames of " + producerFrames + " committed";
            }
            if (emptyDue) {
                return "the last empty frame never arrived";
            }
            long empties = producerFrames / EMPTY_EVERY;
            QueueStats stats = queue.stats();
            if (stats.framesCommitted() != producerFrames + empties || stats.framesReleased() != stats.framesCommitted()) {
                return "statistics disagree: " + stats + " for " + producerFrames + " frames and " + empties + " empty ones";
            }
            return null;
        }
    }
}
