package dev.bbq.bench;

import dev.bbq.BBQueue;
import dev.bbq.FrameConsumer;
import dev.bbq.FrameHandler;
import dev.bbq.FrameProducer;
import dev.bbq.SharedFrameGrant;
import dev.bbq.SharedFrameProducer;
import dev.bbq.SharedReusableGrant;
import dev.bbq.WaitStrategy;

import org.HdrHistogram.Histogram;
import org.agrona.BufferUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * Several producer threads into one queue (issue 19): bbq's {@link SharedFrameProducer} (copy, grant,
 * and grant into each thread's {@link SharedReusableGrant}) against Agrona's
 * {@code ManyToOneRingBuffer} (write and claim/commit), and bbq's single-thread {@link FrameProducer} at one producer as the baseline the shared one adds its lock
 * to. Every candidate moves 64-byte messages through a 64 KiB ring; each message carries the time it
 * was written, its producer and that producer's sequence number, and the one consumer thread checks
 * each producer's order and records the delay from write to read (HdrHistogram).
 *
 * <p>Paired rounds, in one JVM: for each producer count, every candidate runs 200 ms in turn, in
 * rotating order, after warm-up rounds, and each round's rate is divided by the rate of Agrona claim
 * in the same rotation. Producers spin on a refused write ({@code Thread.onSpinWait}); the consumer
 * spins on an empty poll. With more producer threads than cores they compete with the consumer for
 * the CPU, so the rates measure scheduling as much as the queues; the delays are those of a
 * saturated ring (a message waits behind everything written before it) and so follow the ring size
 * and the consumer's share of the CPU, not a wake-up path.
 *
 * <p>Usage: {@code java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED
 * -Dagrona.disable.bounds.checks=true -cp benchmarks.jar dev.bbq.bench.ManyProducers [rounds]
 * [warm-up rounds] [producer counts, e.g. 1,2,4]}, or {@code java -jar benchmarks.jar many-producers ...};
 * {@code many-producers cost [rounds]} measures one thread's CPU cost per message instead.
 */
public final class ManyProducers {
    static final int MESSAGE = 64;
    static final int RING = 64 * 1024;
    static final long ROUND_NANOS = 200_000_000L;

    private ManyProducers() {
    }

    /** One queue under test, made fresh for every round. */
    abstract static class Candidate {
        final String name;

        Candidate(String name) {
            this.name = name;
        }

        /** Whether it can run with this many producers. */
        boolean supports(int producers) {
            return true;
        }

        abstract void open();

        /** One write attempt by producer {@code id}. */
        abstract boolean offer(Writer writer);

        /** One poll; returns the messages read. */
        abstract int poll(Reader reader);

        abstract void close();
    }

    /** A producer thread's own state. */
    static final class Writer {
        final int id;
        final byte[] src = new byte[MESSAGE];
        final ByteBuffer srcView = ByteBuffer.wrap(src);
        final UnsafeBuffer srcAgrona = new UnsafeBuffer(src);
        /** Created by the producer thread at its first reusable grant: the object belongs to that thread. */
        SharedReusableGrant grant;
        long seq;

        Writer(int id) {
            this.id = id;
        }
    }

    /** The consumer thread's state: order check and delays. */
    static final class Reader implements FrameHandler, MessageHandler {
        final long[] next = new long[16];
        final Histogram delays = new Histogram(10_000_000_000L, 2);
        boolean recording;
        /** Messages read while recording: the round's rate. */
        long count;
        /** Every message read and checked, recording or not. */
        long checked;
        String failure;

        void accept(long stamp, int id, long seq) {
            if (seq != next[id] && failure == null) {
                failure = "producer " + id + ": message " + seq + " after " + (next[id] - 1);
            }
            next[id] = seq + 1;
            checked++;
            if (recording) {
                count++;
                delays.recordValue(Math.max(0, System.nanoTime() - stamp));
            }
        }

        @Override
        public void onFrame(ByteBuffer frame) {
            int p = frame.position();
            accept(frame.getLong(p), frame.getInt(p + 8), frame.getLong(p + 12));
        }

        @Override
        public void onMessage(int msgTypeId, MutableDirectBuffer buffer, int index, int length) {
            accept(buffer.getLong(index), buffer.getInt(index + 8), buffer.getLong(index + 12));
        }
    }

    /** What the bbq candidates share: the queue and the consumer's drain. */
    abstract static class Bbq extends Candidate {
        FrameConsumer consumer;

        Bbq(String name) {
            super(name);
        }

        BBQueue newQueue() {
            BBQueue queue = BBQueue.builder().capacity(RING).direct().waitStrategy(WaitStrategy.busySpin()).build();
            consumer = queue.frameConsumer();
            return queue;
        }

        static void stamp(Writer w) {
            w.srcView.putLong(0, System.nanoTime()).putInt(8, w.id).putLong(12, w.seq);
        }

        @Override
        int poll(Reader r) {
            return consumer.drain(r, 256);
        }
    }

    static final class BbqShared extends Bbq {
        private final boolean grant;
        private final boolean reusable;
        private SharedFrameProducer producer;

        BbqShared(boolean grant) {
            this(grant, false);
        }

        /** {@code reusable}: grants into each producer thread's own {@link SharedReusableGrant}. */
        BbqShared(boolean grant, boolean reusable) {
            super(reusable ? "bbq shared reusable" : grant ? "bbq shared grant" : "bbq shared write");
            this.grant = grant || reusable;
            this.reusable = reusable;
        }

        @Override
        void open() {
            producer = newQueue().sharedFrameProducer();
        }

        @Override
        boolean offer(Writer w) {
            if (reusable) {
                if (w.grant == null) {
                    w.grant = new SharedReusableGrant();
                }
                SharedReusableGrant g = w.grant;
                if (!producer.tryGrant(MESSAGE, g)) {
                    return false;
                }
                g.put(0, w.src, 0, MESSAGE);
                g.putLong(0, System.nanoTime());
                g.putInt(8, w.id);
                g.putLong(12, w.seq);
                g.commit(MESSAGE);
                return true;
            }
            if (grant) {
                SharedFrameGrant g = producer.tryGrant(MESSAGE);
                if (g == null) {
                    return false;
                }
                g.put(0, w.src, 0, MESSAGE);
                g.putLong(0, System.nanoTime());
                g.putInt(8, w.id);
                g.putLong(12, w.seq);
                g.commit(MESSAGE);
                return true;
            }
            stamp(w);
            return producer.tryWrite(w.src, 0, MESSAGE);
        }

        @Override
        void close() {
            producer.close();
        }
    }

    /** The single-thread producer: one producer only, the path the shared one wraps. */
    static final class BbqSingle extends Bbq {
        private FrameProducer producer;

        BbqSingle() {
            super("bbq single write");
        }

        @Override
        boolean supports(int producers) {
            return producers == 1;
        }

        @Override
        void open() {
            producer = newQueue().frameProducer();
        }

        @Override
        boolean offer(Writer w) {
            stamp(w);
            return producer.tryWrite(w.src, 0, MESSAGE);
        }

        @Override
        void close() {
            producer.close();
        }
    }

    static final class AgronaManyToOne extends Candidate {
        private final boolean claim;
        private ManyToOneRingBuffer ring;

        AgronaManyToOne(boolean claim) {
            super(claim ? "Agrona claim" : "Agrona write");
            this.claim = claim;
        }

        @Override
        void open() {
            ring = new ManyToOneRingBuffer(new UnsafeBuffer(
                    BufferUtil.allocateDirectAligned(RING + RingBufferDescriptor.TRAILER_LENGTH, 64)));
        }

        @Override
        boolean offer(Writer w) {
            if (claim) {
                int index = ring.tryClaim(1, MESSAGE);
                if (index < 0) {
                    return false;
                }
                UnsafeBuffer b = (UnsafeBuffer) ring.buffer();
                b.putBytes(index, w.src, 0, MESSAGE);
                b.putLong(index, System.nanoTime());
                b.putInt(index + 8, w.id);
                b.putLong(index + 12, w.seq);
                ring.commit(index);
                return true;
            }
            w.srcAgrona.putLong(0, System.nanoTime());
            w.srcAgrona.putInt(8, w.id);
            w.srcAgrona.putLong(12, w.seq);
            return ring.write(1, w.srcAgrona, 0, MESSAGE);
        }

        @Override
        int poll(Reader r) {
            return ring.read(r, 256);
        }

        @Override
        void close() {
        }
    }

    /** One round: rate in messages per second, the reader (delays, failure), and what was written. */
    static final class Round {
        double rate;
        Reader reader;
        /** Messages each producer wrote (its next sequence number). */
        long[] written;

        /** Whether the consumer read and checked every message written, each producer's all of them. */
        boolean everyMessageChecked() {
            long sum = 0;
            for (int id = 0; id < written.length; id++) {
                if (reader.next[id] != written[id]) {
                    return false;
                }
                sum += written[id];
            }
            return reader.checked == sum;
        }
    }

    static Round round(Candidate c, int producers) throws InterruptedException {
        c.open();
        Reader reader = new Reader();
        List<Thread> threads = new ArrayList<>();
        final class Flag {
            volatile boolean running = true;
            volatile boolean measuring;
            volatile boolean producersStopped;
        }
        Flag flag = new Flag();
        List<Writer> writers = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            Writer w = new Writer(p);
            writers.add(w);
            threads.add(new Thread(() -> {
                while (flag.running) {
                    if (c.offer(w)) {
                        w.seq++;
                    } else {
                        Thread.onSpinWait();
                    }
                }
            }, "producer-" + p));
        }
        long[] window = new long[2];
        Thread consumer = new Thread(() -> {
            while (flag.running) {
                reader.recording = flag.measuring;
                if (c.poll(reader) == 0) {
                    Thread.onSpinWait();
                }
            }
            reader.recording = false;
            while (!flag.producersStopped) {
                c.poll(reader); // a producer may still be finishing its last write
            }
            // Drain what is left, checked but not counted, until two polls in a row find nothing:
            // Agrona's read stops at the end of its buffer, so a poll that only skips the padding
            // record before the wrap reads no message while messages wait at the start.
            for (int empty = 0; empty < 2; ) {
                empty = c.poll(reader) == 0 ? empty + 1 : 0;
            }
        }, "consumer");
        consumer.start();
        threads.forEach(Thread::start);
        LockSupport.parkNanos(20_000_000L); // let every thread get going before the window
        flag.measuring = true;
        window[0] = System.nanoTime();
        LockSupport.parkNanos(ROUND_NANOS);
        flag.measuring = false;
        window[1] = System.nanoTime();
        flag.running = false;
        for (Thread t : threads) {
            t.join();
        }
        flag.producersStopped = true;
        consumer.join();
        c.close();
        Round r = new Round();
        r.reader = reader;
        r.written = writers.stream().mapToLong(w -> w.seq).toArray();
        r.rate = reader.count * 1e9 / (window[1] - window[0]);
        return r;
    }

    /**
     * One thread writes 32 messages and then reads them, {@code messages} in all: no cache line moves
     * between cores and nobody waits, so this is each queue's own CPU work per message, the lock's
     * uncontended cost included; measured in the thread's CPU time, so far steadier than the threaded
     * rates on a loaded machine.
     *
     * @return nanoseconds per message
     */
    static double cost(Candidate c, long messages) {
        c.open();
        Writer w = new Writer(0);
        Reader r = new Reader();
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        long start = cpu.getCurrentThreadCpuTime(); // CPU time: a preempted thread is not charged for the wait
        for (long sent = 0; sent < messages; sent += 32) {
            for (int i = 0; i < 32; i++) {
                if (!c.offer(w)) {
                    throw new AssertionError(c.name + ": no room for 32 messages");
                }
                w.seq++;
            }
            int read = 0;
            while (read < 32) {
                read += c.poll(r);
            }
        }
        double ns = (cpu.getCurrentThreadCpuTime() - start) / (double) messages;
        c.close();
        if (r.failure != null) {
            throw new AssertionError(c.name + ": " + r.failure);
        }
        return ns;
    }

    static void costs(List<Candidate> candidates, int rounds, int warmUp) {
        int n = candidates.size();
        double[][] ns = new double[n][rounds];
        for (int round = -warmUp; round < rounds; round++) {
            for (int k = 0; k < n; k++) {
                int i = Math.floorMod(k + round, n);
                double v = cost(candidates.get(i), 1_000_000);
                if (round >= 0) {
                    ns[i][round] = v;
                }
            }
        }
        System.out.println("one thread, 32 messages out and back in, CPU cost per message:");
        System.out.printf(Locale.ROOT, "  %-18s %10s %22s%n", "candidate", "ns/msg", "vs Agrona claim (IQR)");
        for (int i = 0; i < n; i++) {
            double[] ratio = new double[rounds];
            for (int round = 0; round < rounds; round++) {
                ratio[round] = ns[i][round] / ns[0][round];
            }
            double[] sorted = ns[i].clone();
            Arrays.sort(sorted);
            Arrays.sort(ratio);
            System.out.printf(Locale.ROOT, "  %-18s %10.1f %8.2fx (%.2f-%.2f)%n", candidates.get(i).name,
                    sorted[rounds / 2], ratio[rounds / 2], ratio[rounds / 4], ratio[(3 * rounds) / 4]);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("cost")) {
            costs(List.of(new AgronaManyToOne(true), new AgronaManyToOne(false), new BbqShared(false),
                    new BbqShared(true), new BbqShared(true, true), new BbqSingle()), args.length > 1 ? Integer.parseInt(args[1]) : 20, 10);
            return;
        }
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int warmUp = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int[] counts = args.length > 2 ? Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray()
                : new int[] {1, 2, 4};
        System.out.printf(Locale.ROOT, "many producers: %d-byte messages, %d KiB rings, %d rounds of %d ms after %d"
                + " warm-up rounds, JDK %s, %d CPUs%n", MESSAGE, RING / 1024, rounds, ROUND_NANOS / 1_000_000, warmUp,
                Runtime.version(), Runtime.getRuntime().availableProcessors());
        List<Candidate> all = List.of(new AgronaManyToOne(true), new AgronaManyToOne(false), new BbqShared(false),
                new BbqShared(true), new BbqShared(true, true), new BbqSingle());
        for (int producers : counts) {
            List<Candidate> candidates = new ArrayList<>();
            for (Candidate c : all) {
                if (c.supports(producers)) {
                    candidates.add(c);
                }
            }
            int n = candidates.size();
            double[][] rates = new double[n][rounds];
            Histogram[] delays = new Histogram[n];
            for (int i = 0; i < n; i++) {
                delays[i] = new Histogram(10_000_000_000L, 2);
            }
            for (int round = -warmUp; round < rounds; round++) {
                for (int k = 0; k < n; k++) {
                    int i = Math.floorMod(k + round, n); // rotating order
                    Round r = round(candidates.get(i), producers);
                    if (r.reader.failure != null) {
                        throw new AssertionError(candidates.get(i).name + ": " + r.reader.failure);
                    }
                    if (!r.everyMessageChecked()) {
                        throw new AssertionError(candidates.get(i).name + ": written " + Arrays.toString(r.written)
                                + ", but " + r.reader.checked + " read and checked");
                    }
                    if (round >= 0) {
                        rates[i][round] = r.rate;
                        delays[i].add(r.reader.delays);
                    }
                }
            }
            System.out.printf(Locale.ROOT, "%d producer%s:%n", producers, producers == 1 ? "" : "s");
            System.out.printf(Locale.ROOT, "  %-18s %12s %22s %10s %10s%n", "candidate", "M msg/s", "vs Agrona claim (IQR)",
                    "p50 us", "p99 us");
            for (int i = 0; i < n; i++) {
                double[] ratio = new double[rounds];
                for (int round = 0; round < rounds; round++) {
                    ratio[round] = rates[i][round] / rates[0][round];
                }
                double[] sortedRates = rates[i].clone();
                Arrays.sort(sortedRates);
                Arrays.sort(ratio);
                System.out.printf(Locale.ROOT, "  %-18s %12.2f %8.2fx (%.2f-%.2f) %10.1f %10.1f%n", candidates.get(i).name,
                        sortedRates[rounds / 2] / 1e6, ratio[rounds / 2], ratio[rounds / 4], ratio[(3 * rounds) / 4],
                        delays[i].getValueAtPercentile(50) / 1e3, delays[i].getValueAtPercentile(99) / 1e3);
            }
        }
    }
}
